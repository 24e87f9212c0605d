"""Changes to programme items. Times arrive as wall-clock times in the item's own zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..calendar.ical import describe
from ..disclosure import Audience, present_live
from ..enums import LabelledEnum, RiskLevel
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..facts import facts_of
from ..formatting import format_date
from ..missions.models import Mission
from ..participants.models import Participant, current_assessment
from ..timeutil import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    is_known_timezone,
    now_utc,
    place_name,
    resolve_local,
    utc_offset,
)
from .models import AUTOMATIC, CHOSEN_KINDS, ItemKind, ProgrammeItem, Visibility
from .importing import ParsedEvent, as_imported, lines
from .rules import item_time_problems

TEXT_FIELDS = ("kind", "title", "location", "description", "talking_points", "no_talking_points_reason",
               "visibility", "parallel", "headcount_reason")


def unseen_by_attendees(item: ProgrammeItem) -> list[str]:
    """The attendees who will see this item only as a private appointment (it is for the office only)."""
    if item.visibility != Visibility.INTERNAL.value:
        return []
    return [member.display_name for member in item.attendees]


def _prepare(mission: Mission, data: dict, *, imported: bool = False) -> dict:
    """Check and convert form data: local times to UTC, attendee ids to members of this mission. Every problem is
    found in one pass and raised together, each at its field."""
    problems = item_problems(mission, data, imported=imported)
    if problems:
        raise RuleViolation.of(problems)
    zone, end_zone = data["timezone"], data.get("end_timezone") or data["timezone"]
    members = {m.id: m for m in mission.members}
    prepared = {k: data.get(k) or ("" if k != "parallel" else False) for k in TEXT_FIELDS}
    prepared["headcount"] = data.get("headcount") or None
    if data["visibility"] == AUTOMATIC:
        # Those who attend see what they attend; without them, the least revealing.
        prepared["visibility"] = (Visibility.DELEGATION if data.get("attendees") else Visibility.INTERNAL).value
    prepared.update(
        starts_at=_moment(data["starts_at"], zone, data.get("starts_fold"), "starts_at", "starts_fold"),
        ends_at=_moment(data["ends_at"], end_zone, data.get("ends_fold"), "ends_at", "ends_fold"),
        timezone=zone, end_timezone=end_zone if end_zone != zone else None,
        attendees=[members[i] for i in data.get("attendees") or []],
    )
    if "participants" in data:
        wanted = list(dict.fromkeys(data["participants"] or []))
        found = {p.id: p for p in db.session.scalars(select(Participant).where(Participant.id.in_(wanted)))}
        prepared["participants"] = [found[i] for i in wanted]
    if "focal_themes" in data:
        chosen = {t.id: t for t in mission.partnership.focal_themes}
        prepared["focal_themes"] = [chosen[i] for i in sorted(dict.fromkeys(data["focal_themes"] or []))]
    return prepared


def item_problems(mission: Mission, data: dict, *, imported: bool = False) -> list[RuleViolation]:
    """Everything wrong with an item's data, each at its field, in one pass. A value the form could not read (None)
    is the form's to report and is not judged here, so that a page shows the form's errors and these together.
    Only an import (``imported``) may give an item the kind "to be classified"."""
    problems = []
    zone = data.get("timezone") or ""
    if not is_known_timezone(zone):
        problems.append(RuleViolation(_("Choose a time zone from the list."), "timezone"))
    if data.get("kind") not in {k.value for k in (ItemKind if imported else CHOSEN_KINDS)}:
        problems.append(RuleViolation(_("Choose a kind of programme item."), "kind"))
    if data.get("visibility") != AUTOMATIC and data.get("visibility") not in {v.value for v in Visibility}:
        problems.append(RuleViolation(_("Choose who may see this item."), "visibility"))
    end_zone = data.get("end_timezone") or zone
    if not is_known_timezone(end_zone) and end_zone != zone:
        problems.append(RuleViolation(_("Choose the time zone where the item ends from the list."), "end_timezone"))
    if is_known_timezone(zone) and is_known_timezone(end_zone):
        moments = {}
        for name, fold, where in (("starts_at", "starts_fold", zone), ("ends_at", "ends_fold", end_zone)):
            try:
                moments[name] = None if data.get(name) is None else _moment(data[name], where, data.get(fold), name,
                                                                           fold)
            except RuleViolation as violation:
                problems.append(violation)
                moments[name] = None
        problems += item_time_problems(mission, moments["starts_at"], moments["ends_at"], zone, end_zone,
                                       kind=data.get("kind") or "")
    if any(i not in {m.id for m in mission.members} for i in data.get("attendees") or []):
        problems.append(RuleViolation(_("Attendees must be members of this mission's delegation."), "attendees"))
    headcount = data.get("headcount") or None
    if headcount is not None and data.get("kind") != ItemKind.CITIZEN_MEETING:
        problems.append(RuleViolation(_("Only a meeting with residents counts people kept off the record."),
                                      "headcount"))
    if headcount is not None and not (data.get("headcount_reason") or "").strip():
        problems.append(RuleViolation(_("Say why they are kept off the record."), "headcount_reason"))
    if data.get("participants"):
        wanted = set(data["participants"])
        # An id beyond what the database holds names no one (and PostgreSQL would refuse to compare it).
        holdable = {i for i in wanted if isinstance(i, int) and 0 < i < 2**31}
        known = set(db.session.scalars(select(Participant.id).where(Participant.id.in_(holdable))))
        if known != wanted:
            problems.append(RuleViolation(_("Choose participants from the list."), "participants"))
    if data.get("focal_themes") and not set(data["focal_themes"]) <= {t.id for t in mission.partnership.focal_themes}:
        problems.append(RuleViolation(_("Choose among the focal themes this partnership has chosen."),
                                      "focal_themes"))
    return problems


def _moment(local: datetime, zone: str, fold: str | None, field: str, fold_field: str) -> datetime:
    """A wall-clock time the person typed, as UTC; a time the clocks skip or repeat is refused at the field, saying
    what exists instead, or asking which of the two is meant."""
    try:
        return resolve_local(local, zone, int(fold) if fold in ("0", "1") else None)
    except NonexistentLocalTime as gap:
        raise RuleViolation(_(
            "%(time)s does not exist on %(day)s in %(place)s: the clocks skip it. Choose for example %(before)s or "
            "%(after)s.", time=gap.local.strftime("%H:%M"), day=format_date(gap.local.date()), place=place_name(zone),
            before=gap.before.strftime("%H:%M"), after=gap.after.strftime("%H:%M")), field) from None
    except AmbiguousLocalTime as fold_:
        raise RuleViolation(_(
            "%(time)s happens twice on %(day)s in %(place)s (%(first)s, then %(second)s): say which one is meant.",
            time=fold_.local.strftime("%H:%M"), day=format_date(fold_.local.date()), place=place_name(zone),
            first=utc_offset(fold_.first, zone), second=utc_offset(fold_.second, zone)), fold_field) from None


def _audit(actor, action: str, item: ProgrammeItem, changes) -> None:
    record(actor, action, item, label=item.title, changes=changes, mission_id=item.mission_id,
           partnership_id=item.mission.partnership_id)


def create_item(actor: User, mission: Mission, *, import_uid: str | None = None, **data) -> ProgrammeItem:
    """Add a programme item to a mission; ``import_uid``: imported from the event of a calendar file with this UID
    (:func:`import_programme`)."""
    prepared = _prepare(mission, data, imported=import_uid is not None)
    item = ProgrammeItem(mission=mission, import_uid=import_uid, **prepared)
    db.session.add(item)
    db.session.flush()
    _audit(actor, "item.create", item, changed({}, snapshot(item, ProgrammeItem.AUDITED)))
    return item


def update_item(actor: User, item: ProgrammeItem, *, expected_version: int | None, imported: bool = False,
                **data) -> ProgrammeItem:
    """Change a programme item; refuses a save based on a stale version. ``imported``: by a new import of the file it
    came from, which may leave it "to be classified"."""
    if expected_version != item.version:
        raise StaleEdit()
    if item.removed_at is not None:
        raise RuleViolation(_("This item has been removed and can no longer be changed."))
    prepared = _prepare(item.mission, data, imported=imported)
    before = snapshot(item, ProgrammeItem.AUDITED)
    for key, value in prepared.items():
        setattr(item, key, value)
    changes = changed(before, snapshot(item, ProgrammeItem.AUDITED))
    if changes:
        item.updated_at = now_utc()
        db.session.flush()
        _audit(actor, "item.update", item, changes)
    return item


def remove_item(actor: User, item: ProgrammeItem) -> None:
    """Remove an item from the programme; it is kept, marked removed, so calendars can show it cancelled."""
    if item.removed_at is not None:
        raise RuleViolation(_("This item has already been removed."))
    item.removed_at = now_utc()
    item.updated_at = item.removed_at
    db.session.flush()
    _audit(actor, "item.remove", item, {"removed_at": [None, item.removed_at.isoformat()]})


def protect_item(actor: User, item: ProgrammeItem) -> None:
    """Keep the item out of every calendar feed and command-line export: someone at it was assessed at critical
    risk. The decision is recorded on the item, naming no one, and holds until the advisor releases the item
    (:func:`release_item`); unlinking or erasing the person, editing the item or another assessment leaves it."""
    item.protected_at, item.protected_by_id = now_utc(), actor.id if actor is not None else None
    db.session.flush()
    _audit(actor, "item.protect", item, {"protected": [False, True]})


def critical_at(item: ProgrammeItem) -> list[Participant]:
    """The people linked to the item whose latest assessment *for this item* rates the risk critical."""
    return [p for p in item.participants
            if (a := current_assessment(p.assessments, item.id)) is not None and a.risk_level == RiskLevel.CRITICAL]


def release_item(actor: User, item: ProgrammeItem, reason: str) -> None:
    """The advisor releases a protected item into calendars again, with a reason (audited). Refused while someone at
    the item is still assessed at critical risk for it: a new assessment comes first."""
    reason = (reason or "").strip()
    if not item.is_protected:
        raise RuleViolation(_("This item is not kept out of calendars."))
    if not reason:
        raise RuleViolation(_("Give the reason for releasing this item into calendars."), "reason")
    still = critical_at(item)
    if still:
        raise RuleViolation(_("%(aliases)s is still assessed at critical risk for this item: record a new assessment "
                              "first.", aliases=", ".join(sorted(p.alias for p in still))), "reason")
    item.protected_at = item.protected_by_id = None
    db.session.flush()
    _audit(actor, "item.release", item, {"protected": [True, False], "reason": [None, reason]})


#: The most an item's talking points hold (the item form's limit).
TALKING_POINTS_MAX = 5000


def amend_talking_points(actor: User, item: ProgrammeItem, *, expected_version: int | None, talking_points: str,
                         theme_ids: list[int] = (), noted: dict | None = None) -> ProgrammeItem:
    """Change an item's talking points, and add the focal themes they raise, and nothing else: an item edit like
    :func:`update_item` (a stale version refused, audited as a change of the item; at the commit its revisions are
    raised, a sign-off that vouched for the old talking points is voided and calendars follow). ``noted`` adds to
    the audit entry what the change was made from (the library's versions)."""
    if expected_version != item.version:
        raise StaleEdit()
    if item.removed_at is not None:
        raise RuleViolation(_("This item has been removed and can no longer be changed."))
    talking_points = (talking_points or "").strip()
    if len(talking_points) > TALKING_POINTS_MAX:
        raise RuleViolation(_("Together the talking points would be longer than %(most)d characters. Shorten the "
                              "item's talking points on its form first.", most=TALKING_POINTS_MAX))
    chosen = {t.id: t for t in item.mission.partnership.focal_themes}
    if not set(theme_ids) <= chosen.keys():
        raise RuleViolation(_("Choose among the focal themes this partnership has chosen."))
    before = snapshot(item, ProgrammeItem.AUDITED)
    item.talking_points = talking_points
    wanted = {t.id for t in item.focal_themes} | set(theme_ids)
    if wanted != {t.id for t in item.focal_themes}:
        item.focal_themes = [chosen[i] for i in sorted(wanted) if i in chosen] + [
            t for t in item.focal_themes if t.id not in chosen]
    changes = changed(before, snapshot(item, ProgrammeItem.AUDITED))
    if changes:
        item.updated_at = now_utc()
        db.session.flush()
        _audit(actor, "item.update", item, {**changes, **(noted or {})})
    return item


# ---- a partner's draft programme, imported from a calendar file ------------------------------------------------


class ImportAction(LabelledEnum):
    """What importing a calendar file does with one of its events."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    IGNORE = "ignore"

    __labels__ = {
        CREATE: _l("Added"),
        UPDATE: _l("Updated"),
        UNCHANGED: _l("Unchanged"),
        IGNORE: _l("Ignored"),
    }


@dataclass(frozen=True)
class PlannedEvent:
    """One event of the file and what importing it would do: with the item it would update (or that it is), why it
    is ignored, or which of the item's fields it changes."""

    action: ImportAction
    event: ParsedEvent
    item: ProgrammeItem | None = None
    reasons: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        return self.action in (ImportAction.CREATE, ImportAction.UPDATE)


#: The item's fields an import sets (what changes on an update), with the labels their columns carry.
IMPORTED_FIELDS = {name: facts_of(ProgrammeItem.__table__.c[name]).audit
                   for name in ("title", "starts_at", "ends_at", "timezone", "end_timezone", "location", "description")}


def _times(event: ParsedEvent, zone_for_utc: str | None = None) -> dict:
    """An event's start and end as the item form gives them: wall-clock times in their zones. A time given in UTC
    is kept in ``zone_for_utc`` when given (the zone the office gave the item)."""
    start, end = event.start, event.end
    if zone_for_utc is not None and start.how == "utc" and end.how == "utc":
        start, end = start.seen_in(zone_for_utc), end.seen_in(zone_for_utc)
    return {"starts_at": start.local, "starts_fold": start.fold, "timezone": start.zone,
            "ends_at": end.local, "ends_fold": end.fold, "end_timezone": end.zone if end.zone != start.zone else ""}


def _new_item_data(event: ParsedEvent) -> dict:
    """An imported event as a new item's data: internal and to be classified, until the office decides."""
    return {"kind": ItemKind.UNCLASSIFIED.value, "visibility": Visibility.INTERNAL.value, "title": event.title,
            "location": event.location, "description": event.description, "attendees": [], **_times(event)}


def _updated_item_data(item: ProgrammeItem, event: ParsedEvent) -> dict:
    """An item updated from its event: the file's title, place, description and times; everything the office set
    (kind, visibility, who attends, talking points) as it is."""
    return {"kind": item.kind, "visibility": item.visibility, "talking_points": item.talking_points,
            "no_talking_points_reason": item.no_talking_points_reason, "parallel": item.parallel,
            "headcount": item.headcount, "headcount_reason": item.headcount_reason, "attendees": item.attendee_ids,
            "title": event.title, "location": event.location, "description": event.description,
            **_times(event, item.timezone)}


def _same_text(a: str, b: str) -> bool:
    return lines(a) == lines(b)


def _changed_fields(item: ProgrammeItem, prepared: dict) -> tuple[str, ...]:
    changed_ = []
    for name in IMPORTED_FIELDS:
        now, then = getattr(item, name), prepared[name]
        same = _same_text(now or "", then or "") if name in ("title", "location", "description") else now == then
        if not same:
            changed_.append(name)
    return tuple(changed_)


def _as_exported(item: ProgrammeItem, event: ParsedEvent, viewer, today) -> bool:
    """Whether ``event`` is the item exactly as a calendar file of this application gives it to some audience now
    (the mission's own export, imported back): its times, title, place and description compared, not its UID."""
    if item.removed_at is not None:
        return False
    try:
        start, end = event.start.instant(), event.end.instant()
    except ValueError:
        return False
    for language in current_app.config["LANGUAGES"]:  # downloaded in either language: its labels in it
        with force_locale(language):
            for audience in Audience:
                view = present_live(item, audience, viewer, today, False)
                if view is None or (view.starts_at, view.ends_at) != (start, end):
                    continue
                shown = not view.private
                expected, _cut = as_imported(view.title, view.location if shown else "",
                                             describe(view) if shown else "")
                if expected == (event.title, event.location, event.description):
                    return True
    return False


def _reasons(problems: list[RuleViolation]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(p.message) for p in problems))


def plan_import(actor: User, mission: Mission, events: list[ParsedEvent], today) -> list[PlannedEvent]:
    """What importing these events into the mission would do, writing nothing: each is added (new), updated (its UID
    was imported into this mission before), unchanged, or ignored for the reason a hand-typed item with its times
    would be refused (rule 7 and the times' rules, ``item_problems``). An event that is one of this mission's own
    items, exported from here, is unchanged when it is as exported, and otherwise ignored: the item is changed on its
    own page, not from a copy that shows an audience less of it."""
    own = {i.uid: i for i in mission.items}
    imported = {i.import_uid: i for i in mission.items if i.import_uid is not None}
    planned = []
    for event in events:
        if event.uid in own:
            item = own[event.uid]
            if _as_exported(item, event, actor, today):
                planned.append(PlannedEvent(ImportAction.UNCHANGED, event, item))
            else:
                planned.append(PlannedEvent(ImportAction.IGNORE, event, item, (_(
                    "It is one of this mission's own items, exported from here, and differs from it now. Change the "
                    "item itself if the file is right."),)))
            continue
        item = imported.get(event.uid)
        if item is not None and item.removed_at is not None:
            planned.append(PlannedEvent(ImportAction.IGNORE, event, item, (_(
                "It was imported before and removed from the programme since: it is not brought back."),)))
            continue
        data = _new_item_data(event) if item is None else _updated_item_data(item, event)
        problems = item_problems(mission, data, imported=True)
        if problems:
            planned.append(PlannedEvent(ImportAction.IGNORE, event, item, _reasons(problems)))
        elif item is None:
            planned.append(PlannedEvent(ImportAction.CREATE, event))
        else:
            changes = _changed_fields(item, _prepare(mission, data, imported=True))
            planned.append(PlannedEvent(ImportAction.UPDATE if changes else ImportAction.UNCHANGED, event, item,
                                        changes=changes))
    return planned


def plan_key(planned: list[PlannedEvent]) -> list[list]:
    """What a confirmation confirms: each write, by UID, with the version of the item it updates. A plan whose key
    moved since its preview (someone changed the programme meanwhile) is shown again, not imported."""
    return [[p.event.uid, p.action.value, p.item.version if p.item is not None else 0] for p in planned if p.writes]


#: How the import's audit entry names its counts (``audit/labels.py``).
AUDITED_COUNTS = {"create": "items_added", "update": "items_updated", "unchanged": "items_unchanged",
                  "ignore": "events_ignored"}


def import_programme(actor: User, mission: Mission, events: list[ParsedEvent], confirmed: list, today
                     ) -> dict[str, int]:
    """Import a partner's draft programme as previewed and confirmed: every new event becomes an item, internal and
    "to be classified"; every event imported before updates its item; through :func:`create_item` and
    :func:`update_item`, so that each item is audited, revisions rise, sign-offs that vouched for the programme are
    voided and calendars follow, as when the office types them; plus one audit entry for the import. Refused,
    writing nothing, when the plan is no longer what was confirmed."""
    planned = plan_import(actor, mission, events, today)
    if plan_key(planned) != confirmed:
        raise RuleViolation(_("The programme changed since the preview, or the preview is not this one: nothing was "
                              "imported. Check the new preview below and confirm again."))
    counts = {action.value: 0 for action in ImportAction}
    for p in planned:
        counts[p.action.value] += 1
        if p.action == ImportAction.CREATE:
            create_item(actor, mission, import_uid=p.event.uid, **_new_item_data(p.event))
        elif p.action == ImportAction.UPDATE:
            update_item(actor, p.item, expected_version=p.item.version, imported=True,
                        **_updated_item_data(p.item, p.event))
    record(actor, "programme.import", mission, label=mission.title, mission_id=mission.id,
           partnership_id=mission.partnership_id,
           changes={AUDITED_COUNTS[action]: [None, n] for action, n in counts.items()})
    return counts
def record_briefing_book(actor: User, mission: Mission, audience) -> None:
    """Write to the audit log that ``actor`` downloaded the mission's briefing book for ``audience`` (the download's
    request keeps it: ``shell.keep_on_get``)."""
    record(actor, "programme.briefing_book", mission, label=mission.title,
           changes={"export": [None, f"book:{audience.value}"]}, mission_id=mission.id,
           partnership_id=mission.partnership_id)
