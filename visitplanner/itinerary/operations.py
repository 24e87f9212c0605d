"""Changes to programme items. Times arrive as wall-clock times in the item's own zone."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..enums import RiskLevel
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
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
from .models import AUTOMATIC, ItemKind, ProgrammeItem, Visibility
from .rules import item_time_problems

TEXT_FIELDS = ("kind", "title", "location", "description", "talking_points", "no_talking_points_reason",
               "visibility", "parallel", "headcount_reason")


def unseen_by_attendees(item: ProgrammeItem) -> list[str]:
    """The attendees who will see this item only as a private appointment (it is for the office only)."""
    if item.visibility != Visibility.INTERNAL.value:
        return []
    return [member.display_name for member in item.attendees]


def _prepare(mission: Mission, data: dict) -> dict:
    """Check and convert form data: local times to UTC, attendee ids to members of this mission. Every problem is
    found in one pass and raised together, each at its field."""
    problems = item_problems(mission, data)
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


def item_problems(mission: Mission, data: dict) -> list[RuleViolation]:
    """Everything wrong with an item's data, each at its field, in one pass. A value the form could not read (None)
    is the form's to report and is not judged here, so that a page shows the form's errors and these together."""
    problems = []
    zone = data.get("timezone") or ""
    if not is_known_timezone(zone):
        problems.append(RuleViolation(_("Choose a time zone from the list."), "timezone"))
    if data.get("kind") not in {k.value for k in ItemKind}:
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


def create_item(actor: User, mission: Mission, **data) -> ProgrammeItem:
    """Add a programme item to a mission."""
    prepared = _prepare(mission, data)
    item = ProgrammeItem(mission=mission, **prepared)
    db.session.add(item)
    db.session.flush()
    _audit(actor, "item.create", item, changed({}, snapshot(item, ProgrammeItem.AUDITED)))
    return item


def update_item(actor: User, item: ProgrammeItem, *, expected_version: int | None, **data) -> ProgrammeItem:
    """Change a programme item; refuses a save based on a stale version."""
    if expected_version != item.version:
        raise StaleEdit()
    if item.removed_at is not None:
        raise RuleViolation(_("This item has been removed and can no longer be changed."))
    prepared = _prepare(item.mission, data)
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


def record_briefing_book(actor: User, mission: Mission, audience) -> None:
    """Write to the audit log that ``actor`` downloaded the mission's briefing book for ``audience`` (the download's
    request keeps it: ``shell.keep_on_get``)."""
    record(actor, "programme.briefing_book", mission, label=mission.title,
           changes={"export": [None, f"book:{audience.value}"]}, mission_id=mission.id,
           partnership_id=mission.partnership_id)
