"""Changes to programme items. Times arrive as wall-clock times in the item's own zone."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..missions.models import Mission
from ..participants.models import Participant
from ..timeutil import is_known_timezone, now_utc, to_utc
from .models import ItemKind, ProgrammeItem, Visibility
from .rules import check_item_times

TEXT_FIELDS = ("kind", "title", "location", "description", "talking_points", "no_talking_points_reason",
               "visibility", "parallel", "headcount_reason")


def _prepare(mission: Mission, data: dict) -> dict:
    """Check and convert form data: local times to UTC, attendee ids to members of this mission."""
    zone = data["timezone"]
    if not is_known_timezone(zone):
        raise RuleViolation(
            _("Unknown time zone. Use an IANA name such as Europe/Amsterdam or Asia/Shanghai."), "timezone"
        )
    if data["kind"] not in {k.value for k in ItemKind}:
        raise RuleViolation(_("Choose a kind of programme item."), "kind")
    if data["visibility"] not in {v.value for v in Visibility}:
        raise RuleViolation(_("Choose who may see this item."), "visibility")
    starts_at = to_utc(data["starts_at"], zone)
    ends_at = to_utc(data["ends_at"], zone)
    check_item_times(mission, starts_at, ends_at, zone)
    members = {m.id: m for m in mission.members}
    unknown = [i for i in data.get("attendees") or [] if i not in members]
    if unknown:
        raise RuleViolation(_("Attendees must be members of this mission's delegation."), "attendees")
    prepared = {k: data.get(k) or ("" if k != "parallel" else False) for k in TEXT_FIELDS}
    prepared["headcount"] = data.get("headcount") or None
    if prepared["headcount"] is not None and data["kind"] != ItemKind.CITIZEN_MEETING:
        raise RuleViolation(_("Only a meeting with residents counts people kept off the record."), "headcount")
    if prepared["headcount"] is not None and not prepared["headcount_reason"]:
        raise RuleViolation(_("Say why they are kept off the record."), "headcount_reason")
    prepared.update(
        starts_at=starts_at, ends_at=ends_at, timezone=zone,
        attendees=[members[i] for i in data.get("attendees") or []],
    )
    if "participants" in data:
        wanted = list(dict.fromkeys(data["participants"] or []))
        found = {p.id: p for p in db.session.scalars(select(Participant).where(Participant.id.in_(wanted)))}
        if len(found) != len(wanted):
            raise RuleViolation(_("Choose participants from the list."), "participants")
        prepared["participants"] = [found[i] for i in wanted]
    if "focal_themes" in data:
        chosen = {t.id: t for t in mission.partnership.focal_themes}
        wanted = list(dict.fromkeys(data["focal_themes"] or []))
        if any(i not in chosen for i in wanted):
            raise RuleViolation(_("Choose among the focal themes this partnership has chosen."), "focal_themes")
        prepared["focal_themes"] = [chosen[i] for i in sorted(wanted)]
    return prepared


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
    sequenced_before = snapshot(item, ProgrammeItem.SEQUENCED)
    for key, value in prepared.items():
        setattr(item, key, value)
    changes = changed(before, snapshot(item, ProgrammeItem.AUDITED))
    if changes:
        if changed(sequenced_before, snapshot(item, ProgrammeItem.SEQUENCED)):
            item.sequence += 1
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
    item.sequence += 1
    db.session.flush()
    _audit(actor, "item.remove", item, {"removed_at": [None, item.removed_at.isoformat()]})


def local_value(moment: datetime, zone: str) -> datetime:
    """What a datetime-local field shows for a stored UTC moment."""
    from ..timeutil import local_naive

    return local_naive(moment, zone)
