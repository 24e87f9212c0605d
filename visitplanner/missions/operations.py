"""Changes to missions, their delegation and their companies."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..access import may
from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..calendar.operations import move_mission_feed_expiry
from ..companies.operations import create_company
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..itinerary.rules import item_days
from ..partnerships.models import Partnership
from ..timeutil import is_known_timezone, now_utc, last_day
from .models import Company, DelegationMember, Direction, Mission, RoomAnswer, Side

FIELDS = ("partnership_id", "direction", "title", "purpose", "start_date", "end_date", "timezone")


#: Where an outbound visit takes place unless the office says otherwise.
OUTBOUND_ZONE = "Asia/Shanghai"


def default_zone(direction: str) -> str:
    """The zone a mission takes place in unless chosen: the home zone for an inbound visit, China for outbound."""
    from flask import current_app

    return current_app.config["HOME_TIMEZONE"] if direction == Direction.INBOUND else OUTBOUND_ZONE


def _check_mission(data: dict) -> None:
    if data["direction"] not in {d.value for d in Direction}:
        raise RuleViolation(_("Choose inbound or outbound."), "direction")
    data["timezone"] = data.get("timezone") or default_zone(data["direction"])
    if not is_known_timezone(data["timezone"]):
        raise RuleViolation(_("Choose a time zone from the list."),
                            "timezone")
    if data["end_date"] < data["start_date"]:
        raise RuleViolation(_("The last day cannot be before the first day."), "end_date")
    if db.session.get(Partnership, data["partnership_id"]) is None:
        raise RuleViolation(_("Choose an existing partnership."), "partnership_id")


def _audit(actor, action, obj, mission: Mission, changes=None) -> None:
    record(actor, action, obj, label=obj.label, changes=changes, mission_id=mission.id,
           partnership_id=mission.partnership_id)


def may_create_mission(user: User, partnership: Partnership) -> bool:
    """Whether ``user``'s roles create a mission of ``partnership`` now: while engagement is advised against, only
    those who may override the advice (with a reason), otherwise those who create missions (``access.py``)."""
    return may(user, "override the advice against engagement" if partnership.needs_override else "create a mission")


def create_mission(actor: User, *, override_reason: str = "", **data) -> Mission:
    """Create a mission in draft. While the partnership is advised against, only an approver can, with a reason."""
    _check_mission(data)
    partnership = db.session.get(Partnership, data["partnership_id"])
    override_reason = (override_reason or "").strip()
    allowed = may_create_mission(actor, partnership) if actor is not None else not partnership.needs_override
    if not allowed and partnership.needs_override:
        raise RuleViolation(_("Engagement with this partner is advised against: only an approver can create a "
                              "mission, with an override and its reason."), "override_reason")
    if not allowed:
        raise RuleViolation(_("Only a protocol officer creates missions."))
    if partnership.needs_override and not override_reason:
        raise RuleViolation(_("Give the reason for the override."), "override_reason")
    mission = Mission(created_by_id=actor.id if actor else None, **{k: data[k] for k in FIELDS})
    if partnership.needs_override:
        mission.override_reason, mission.override_by_id, mission.override_at = override_reason, actor.id, now_utc()
    db.session.add(mission)
    db.session.flush()
    _audit(actor, "mission.create", mission, mission, changed({}, snapshot(mission, Mission.AUDITED)))
    return mission


def items_outside(mission: Mission, start: date, end: date) -> list:
    """The live items of ``mission`` that would fall outside the days ``start``..``end`` (rule 7: transport may
    take a day either side)."""
    return [
        item for item in mission.items
        if item.removed_at is None
        and not item_days(item.kind, start, end).holds(item.local_start.date(), last_day(item.ends_at, item.end_zone))
    ]


def update_mission(actor: User, mission: Mission, *, expected_version: int | None, **data) -> Mission:
    """Change a mission's details; refuses stale saves and dates that would strand programme items."""
    if expected_version != mission.version:
        raise StaleEdit()
    _check_mission(data)
    stranded = items_outside(mission, data["start_date"], data["end_date"])
    if stranded:
        raise RuleViolation(
            ngettext("%(num)d programme item falls outside these dates: “%(title)s”. Move or remove it first.",
                     "%(num)d programme items fall outside these dates (first: “%(title)s”). Move or remove them "
                     "first.", len(stranded), title=stranded[0].title),
            "start_date",
        )
    before = snapshot(mission, Mission.AUDITED)
    for key in FIELDS:
        setattr(mission, key, data[key])
    changes = changed(before, snapshot(mission, Mission.AUDITED))
    if changes:
        if "end_date" in changes:
            move_mission_feed_expiry(mission)
        db.session.flush()
        _audit(actor, "mission.update", mission, mission, changes)
    return mission


def _check_side(mission: Mission, side: str) -> None:
    if side not in {s.value for s in Side}:
        raise RuleViolation(_("Choose whose side the person is on."), "side")
    if side == Side.VISITORS and mission.is_outbound:
        raise RuleViolation(_("An outbound delegation is our own people: visitors are on inbound missions only."),
                            "side")


def add_member(
    actor: User, mission: Mission, *, user: User | None = None, name: str = "", function: str = "",
    organisation: str = "", side: str = Side.OURS.value,
) -> DelegationMember:
    """Add a person to the delegation: an account, or an external person by name; on our side or, on an inbound
    mission, the visitors' (who never get the talking points)."""
    _check_side(mission, side)
    name = (name or "").strip()
    if user is None and not name:
        raise RuleViolation(_("Choose a person with an account, or enter the name of an external person."), "name")
    if user is not None and mission.member_for(user) is not None:
        raise RuleViolation(_("%(name)s is already in the delegation.", name=user.name), "user_id")
    member = DelegationMember(
        mission=mission, user=user, name=None if user is not None else name,
        function=function.strip(), organisation=organisation.strip(), side=side,
    )
    db.session.add(member)
    db.session.flush()
    _audit(actor, "delegation.add", member, mission, changed({}, snapshot(member, DelegationMember.AUDITED)))
    return member


def set_member_side(actor: User, mission: Mission, member: DelegationMember, side: str) -> DelegationMember:
    """Put a delegation member on our side or the visitors': what their programme carries follows at once."""
    if member.mission_id != mission.id:
        raise RuleViolation(_("This person is not in this delegation."))
    _check_side(mission, side)
    before = snapshot(member, DelegationMember.AUDITED)
    member.side = side
    changes = changed(before, snapshot(member, DelegationMember.AUDITED))
    if changes:
        db.session.flush()
        _audit(actor, "delegation.update", member, mission, changes)
    return member


def remove_member(actor: User, mission: Mission, member: DelegationMember) -> None:
    """Take a person out of the delegation (and out of the items they attended)."""
    if member.mission_id != mission.id:
        raise RuleViolation(_("This person is not in this delegation."))
    _audit(actor, "delegation.remove", member, mission,
           changed(snapshot(member, DelegationMember.AUDITED), {k: None for k in DelegationMember.AUDITED}))
    for item in mission.items:
        if member in item.attendees:
            item.attendees.remove(member)
            item.updated_at = now_utc()  # calendar clients must see the attendee gone
    mission.members.remove(member)
    db.session.flush()


def add_company(actor: User, mission: Mission, *, company: Company | None = None, name: str = "", sector: str = "",
                contact: str = "") -> Company:
    """Link a company of the register to the mission: the one picked, or the one of that name; a name new to the
    register adds the company to it first."""
    field = "company_id" if company is not None else "name"
    if company is None:
        name = (name or "").strip()
        if not name:
            raise RuleViolation(_("Choose a company from the register, or enter the name of a new one."), "company_id")
        company = db.session.scalar(select(Company).where(func.lower(Company.name) == name.lower()))
        if company is None:
            company = create_company(actor, name=name, sector=sector, contact=contact)
    if company in mission.companies:
        raise RuleViolation(_("%(name)s already takes part in this mission.", name=company.name), field)
    mission.companies.append(company)
    db.session.flush()
    _audit(actor, "mission.add_company", company, mission, {"company": [None, company.name]})
    return company


def remove_company(actor: User, mission: Mission, company: Company) -> None:
    """Unlink a company from the mission; its record stays."""
    if company not in mission.companies:
        raise RuleViolation(_("This company does not take part in this mission."))
    mission.companies.remove(company)
    db.session.flush()
    _audit(actor, "mission.remove_company", company, mission, {"company": [company.name, None]})


def set_high_risk(actor: User, mission: Mission, reason: str) -> None:
    """The advisor puts the mission in high-risk mode: no feed carries any item with civil society (disclosure.py)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for high-risk mode."), "reason")
    before = mission.high_risk_reason
    mission.high_risk_reason, mission.high_risk_by_id, mission.high_risk_at = reason, actor.id, now_utc()
    db.session.flush()
    _audit(actor, "mission.high_risk_on", mission, mission, {"high_risk_reason": [before, reason]})


def end_high_risk(actor: User, mission: Mission, reason: str) -> None:
    """The advisor ends the high-risk mode they set, with a reason (a participant at critical risk keeps theirs)."""
    reason = (reason or "").strip()
    if mission.high_risk_reason is None:
        raise RuleViolation(_("High-risk mode is not set on this mission."))
    if not reason:
        raise RuleViolation(_("Give the reason for ending high-risk mode."), "reason")
    before = mission.high_risk_reason
    mission.high_risk_reason = mission.high_risk_by_id = mission.high_risk_at = None
    db.session.flush()
    _audit(actor, "mission.high_risk_off", mission, mission, {"high_risk_reason": [before, None],
                                                              "reason": [None, reason]})


def record_room_request(actor: User, mission: Mission, *, expected_version: int | None, requested_on: date | None,
                        request: str, answer: str, answered_on: date | None, notes: str = "",
                        today: date) -> Mission:
    """Record an outbound mission's request to the partner for room to meet civil society, and the partner's
    answer (B.c). An inbound mission asks the partner for nothing of the kind: refused."""
    if not mission.can_record_room_request():
        raise RuleViolation(_("Room to meet civil society is asked of the partner for a visit to the partner region: "
                              "this mission is inbound."))
    if expected_version != mission.version:
        raise StaleEdit()
    problems = []
    if requested_on is None:
        problems.append(RuleViolation(_("Give the date the request was made."), "room_requested_on"))
    elif requested_on > today:
        problems.append(RuleViolation(_("Record the request once it was made: the date cannot be in the future."),
                                      "room_requested_on"))
    if not (request or "").strip():
        problems.append(RuleViolation(_("Say what was asked of the partner."), "room_request"))
    if answer not in {a.value for a in RoomAnswer}:
        problems.append(RuleViolation(_("Choose the partner's answer."), "room_answer"))
    elif answer == RoomAnswer.PENDING and answered_on is not None:
        problems.append(RuleViolation(_("There is no answer yet: leave its date empty, or choose the answer."),
                                      "room_answered_on"))
    elif answer != RoomAnswer.PENDING and answered_on is None:
        problems.append(RuleViolation(_("Give the date of the partner's answer."), "room_answered_on"))
    elif answered_on is not None and requested_on is not None and answered_on < requested_on:
        problems.append(RuleViolation(_("The answer cannot come before the request."), "room_answered_on"))
    if problems:
        raise RuleViolation.of(problems)
    before = snapshot(mission, Mission.ROOM_REQUEST)
    mission.room_requested_on, mission.room_request = requested_on, request.strip()
    mission.room_answer, mission.room_answered_on = answer, answered_on
    mission.room_answer_notes = (notes or "").strip()
    changes = changed(before, snapshot(mission, Mission.ROOM_REQUEST))
    if changes:
        db.session.flush()
        _audit(actor, "mission.room_request", mission, mission, changes)
    return mission
