"""Changes to the company register: a company, its briefings, its due diligence, its meetings with local defenders,
its contacts with foreign civil society and the objectives it is involved in. Each takes the acting person, checks
its rules, flushes, and writes its audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..missions.models import Company, DueDiligence
from ..partnerships.models import DossierTopic, Objective
from .models import BriefingTopic, CivilSocietyConnection, CompanyBriefing, DefenderMeeting, DueDiligenceChange

#: What the company's own form changes.
FIELDS = ("name", "sector", "contact", "ties")


def _audit(actor: User | None, action: str, company: Company, changes: dict) -> None:
    record(actor, action, company, label=company.name, changes=changes)


def _check_name(name: str, company: Company | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("Enter the company's name."), "name")
    taken = select(Company.id).where(func.lower(Company.name) == name.lower())
    if company is not None:
        taken = taken.where(Company.id != company.id)
    if db.session.scalar(taken) is not None:
        raise RuleViolation(_("Another company already has this name."), "name")
    return name


def create_company(actor: User | None, *, name: str, sector: str = "", contact: str = "", ties: str = "") -> Company:
    """Add a company with ties to China to the register (with or without a mission)."""
    company = Company(name=_check_name(name), sector=(sector or "").strip(), contact=(contact or "").strip(),
                      ties=(ties or "").strip())
    db.session.add(company)
    db.session.flush()
    _audit(actor, "company.create", company, changed({}, snapshot(company, Company.AUDITED)))
    return company


def update_company(actor: User, company: Company, *, expected_version: int | None, **data) -> Company:
    """Change a company's name, sector, contact or ties; refuses a stale save."""
    if expected_version != company.version:
        raise StaleEdit()
    data["name"] = _check_name(data["name"], company)
    before = snapshot(company, Company.AUDITED)
    for key in FIELDS:
        setattr(company, key, (data[key] or "").strip())
    changes = changed(before, snapshot(company, Company.AUDITED))
    if changes:
        db.session.flush()
        _audit(actor, "company.update", company, changes)
    return company


def set_due_diligence(actor: User, company: Company, *, status: str, note: str = "") -> DueDiligenceChange:
    """Record the company's due-diligence status (OECD Guidelines, UNGPs) as it stands now, kept in its history."""
    if status not in {d.value for d in DueDiligence}:
        raise RuleViolation(_("Choose a due-diligence status."), "status")
    note = (note or "").strip()
    if status == company.due_diligence and not note:
        raise RuleViolation(_("The status is unchanged: give a note to record, or choose another status."), "note")
    before = snapshot(company, Company.AUDITED)
    company.due_diligence = status
    if note:
        company.due_diligence_notes = note
    entry = DueDiligenceChange(status=status, dd_note=note, changed_by_id=actor.id)
    company.due_diligence_history.append(entry)
    db.session.flush()
    _audit(actor, "company.due_diligence", company,
           changed(before, snapshot(company, Company.AUDITED)) or {"dd_note": [None, note]})
    return entry


def _objectives(ids: Iterable[int]) -> list[Objective]:
    ids = sorted(set(ids))
    found = list(db.session.scalars(select(Objective).where(Objective.id.in_(ids)).order_by(Objective.id))) if ids \
        else []
    if len(found) != len(ids):
        raise RuleViolation(_("Choose objectives of the action plan from the list."), "objectives")
    return found


def _topics(values: Iterable[str]) -> list[str]:
    topics = sorted(set(values))
    if any(t not in {d.value for d in DossierTopic} for t in topics):
        raise RuleViolation(_("Choose topics of the research dossier from the list."), "topics")
    return topics


def _briefing_snapshot(briefing: CompanyBriefing) -> dict:
    found = snapshot(briefing, CompanyBriefing.AUDITED)
    found["topics"] = sorted(t.topic for t in briefing.topics)
    found["objectives"] = [o.label for o in briefing.objectives]
    return found


def _fill_briefing(briefing: CompanyBriefing, *, briefed_on: date, held: bool, briefed_by: User | None,
                   note: str, topics: Iterable[str], objective_ids: Iterable[int], today: date) -> None:
    if briefed_on is None:
        raise RuleViolation(_("Give the day of the briefing."), "briefed_on")
    if held and briefed_on > today:
        raise RuleViolation(_("A briefing on a day still to come cannot have been held yet: record it as planned."),
                            "held")
    chosen = _topics(topics)
    objectives = _objectives(objective_ids)
    briefing.briefed_on, briefing.held = briefed_on, bool(held)
    briefing.briefed_by_id = briefed_by.id if briefed_by is not None else None
    briefing.briefing_note = (note or "").strip()
    kept = {t.topic: t for t in briefing.topics}
    briefing.topics = [kept.get(t) or BriefingTopic(topic=t) for t in chosen]
    briefing.objectives = objectives


def record_briefing(actor: User, company: Company, *, briefed_on: date, held: bool, briefed_by: User | None,
                    note: str = "", topics: Iterable[str] = (), objective_ids: Iterable[int] = (),
                    today: date) -> CompanyBriefing:
    """Record a human-rights briefing of the company, held or planned, with the dossier topics and action-plan
    objectives it covered."""
    briefing = CompanyBriefing()
    with db.session.no_autoflush:  # the briefing joins the session with its company, once it is filled
        _fill_briefing(briefing, briefed_on=briefed_on, held=held, briefed_by=briefed_by, note=note, topics=topics,
                       objective_ids=objective_ids, today=today)
    company.briefings.append(briefing)
    db.session.flush()
    _audit(actor, "company.brief", company, changed({}, _briefing_snapshot(briefing)))
    return briefing


def update_briefing(actor: User, briefing: CompanyBriefing, *, expected_version: int | None, briefed_on: date,
                    held: bool, briefed_by: User | None, note: str = "", topics: Iterable[str] = (),
                    objective_ids: Iterable[int] = (), today: date) -> CompanyBriefing:
    """Change a briefing: record a planned one as held, correct its day, what it covered or who gave it."""
    if expected_version != briefing.version:
        raise StaleEdit()
    before = _briefing_snapshot(briefing)
    _fill_briefing(briefing, briefed_on=briefed_on, held=held, briefed_by=briefed_by, note=note, topics=topics,
                   objective_ids=objective_ids, today=today)
    changes = changed(before, _briefing_snapshot(briefing))
    if changes:
        # Topics and objectives live in tables of their own: touch the row so that its version goes up with them.
        flag_modified(briefing, "briefing_note")
        db.session.flush()
        _audit(actor, "company.update_briefing", briefing.company, changes)
    return briefing


def record_defender_meeting(actor: User, company: Company, *, met_on: date, note: str = "",
                            today: date) -> DefenderMeeting:
    """Record that the company met local human-rights defenders: the day and a note, never their names."""
    if met_on is None:
        raise RuleViolation(_("Give the day of the meeting."), "met_on")
    if met_on > today:
        raise RuleViolation(_("Record a meeting once it took place: this day is still to come."), "met_on")
    meeting = DefenderMeeting(met_on=met_on, meeting_note=(note or "").strip(), recorded_by_id=actor.id)
    company.defender_meetings.append(meeting)
    db.session.flush()
    _audit(actor, "company.meet_defenders", company, changed({}, snapshot(meeting, DefenderMeeting.AUDITED)))
    return meeting


def record_connection(actor: User, company: Company, *, connected_with: str, connected_on: date, note: str = "",
                      today: date) -> CivilSocietyConnection:
    """Record that the office put the company in touch with foreign civil society (e.g. the Business and Human
    Rights Resource Centre)."""
    connected_with = (connected_with or "").strip()
    if not connected_with:
        raise RuleViolation(_("Name the organisation the company was put in touch with."), "connected_with")
    if connected_on is None:
        raise RuleViolation(_("Give the day of the contact."), "connected_on")
    if connected_on > today:
        raise RuleViolation(_("Record a contact once it was made: this day is still to come."), "connected_on")
    connection = CivilSocietyConnection(connected_with=connected_with, connected_on=connected_on,
                                        connection_note=(note or "").strip(), recorded_by_id=actor.id)
    company.connections.append(connection)
    db.session.flush()
    _audit(actor, "company.connect", company, changed({}, snapshot(connection, CivilSocietyConnection.AUDITED)))
    return connection


def set_objectives(actor: User, company: Company, objective_ids: Iterable[int], *,
                   expected_version: int | None = None) -> None:
    """Say which objectives of the action plan the company is involved in (B.c: "Betrek bedrijven bij het opstellen
    en uitvoeren van een actieplan"). ``expected_version``: the version the person's choice was based on (a stale
    one is refused); None for the demo and scripts, which base it on nothing."""
    if expected_version is not None and expected_version != company.version:
        raise StaleEdit()
    chosen = _objectives(objective_ids)
    before = [o.label for o in company.objectives]
    company.objectives = chosen
    after = [o.label for o in chosen]
    if before != after:
        # The objectives live in a table of their own: touch the row so that its version goes up with them, and a
        # form based on the objectives before is merged, not saved over them.
        flag_modified(company, "name")
        db.session.flush()
        _audit(actor, "company.objectives", company, {"objectives": [before, after]})
