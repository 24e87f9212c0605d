"""Retention and erasure of civil-society personal data (issue 14, parts 2 and 4).

Retention: a set number of days (the setting ``retention_days``, 365 unless an administrator changes it) after the
end of the last mission a participant took part in, their real name, contact details and every free-text note about
them are removed, with what the consultations that cover them say: they are *pseudonymised*. What stays is the
alias, the facts of consent and safety (boxes, levels, dates) and the audit trail, which never held the removed
data. The advisor can keep a participant longer, until a date, with a reason. ``flask --app visitplanner
retention`` does it, for cron.

Erasure (GDPR Art. 17), at the person's request: everything about them goes (consent and assessment records, what
the consultations that cover them say, their place in programmes and consultations, their organisation), and the
audit log keeps nothing of them but the alias.

A consultation speaks of everyone it covers at once, so what it says (who was consulted, the question, the answer)
goes with the personal data of any of them, and another person's copy (Art. 15) lists it without that text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit.models import AuditEntry
from ..audit.operations import record
from ..auth.models import User
from ..cache import forget_bodies
from ..crypto import EncryptedText
from ..errors import RuleViolation
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..missions.models import Mission
from ..readiness.models import Setting
from ..stakeholders.models import Involvement, Stakeholder
from ..timeutil import now_utc
from .models import (
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
    item_participants,
)

RETENTION_DAYS = "retention_days"
#: What an erasure leaves in the audit facts about the person: the alias, and facts that say nothing of who they are.
KEPT_IN_AUDIT = frozenset({"alias", "kind", "at_risk", "scopes", "risk_level", "decision", "item", "export",
                           "removed", "keep_until"})
DEFAULT_RETENTION_DAYS = 365
#: How long before it falls due the dashboard lists a participant.
DUE_SOON_DAYS = 30

def _encrypted(model) -> tuple[str, ...]:
    return tuple(c.key for c in model.__table__.columns if isinstance(c.type, EncryptedText))


#: What pseudonymisation takes away: every column kept encrypted of the participant (real name, residence, contact,
#: the reason for keeping them) and of their consent and assessment records (the free-text notes). Derived from the
#: column types, so a new encrypted column is taken away too without anyone adding it here.
PERSONAL = _encrypted(Participant)
NOTES = {ConsentRecord: _encrypted(ConsentRecord), SafetyAssessment: _encrypted(SafetyAssessment)}
#: What a consultation that covers the person says (who was consulted, the question, the answer; and any column kept
#: encrypted): it speaks of everyone it covers, so it goes with the personal data of any of them. The channel, the
#: dates and who else it covers stay.
CONSULTATION_TEXT = tuple(dict.fromkeys((*Consultation.FREE_TEXT, *_encrypted(Consultation))))


def retention_days() -> int:
    setting = db.session.get(Setting, RETENTION_DAYS)
    return int(setting.value) if setting is not None and setting.value.isdigit() else DEFAULT_RETENTION_DAYS


def set_retention_days(actor: User, days: int) -> None:
    """Change the retention period (an administrator), audited."""
    before = retention_days()
    setting = db.session.get(Setting, RETENTION_DAYS) or Setting(key=RETENTION_DAYS, value=str(before))
    setting.value = str(days)
    db.session.add(setting)
    db.session.flush()
    if before != days:
        record(actor, "settings.update", setting, label=RETENTION_DAYS, changes={RETENTION_DAYS: [before, days]})


@dataclass(frozen=True)
class Due:
    """A participant whose personal data is due to be pseudonymised, and when."""

    participant: Participant
    last_mission_end: date | None
    due_on: date


def _last_mission_ends() -> dict[int, date]:
    """Per participant, the end of the last mission whose programme they were in, or the day they were last
    consulted on an objective of an action plan when that is later (two aggregate queries)."""
    stmt = (select(item_participants.c.participant_id, func.max(Mission.end_date))
            .join(ProgrammeItem, ProgrammeItem.id == item_participants.c.item_id)
            .join(Mission, Mission.id == ProgrammeItem.mission_id)
            .group_by(item_participants.c.participant_id))
    ends = dict(db.session.execute(stmt).all())
    consulted = db.session.execute(select(Involvement.participant_id, func.max(Involvement.held_on))
                                   .where(Involvement.participant_id.is_not(None))
                                   .group_by(Involvement.participant_id)).all()
    for participant_id, day in consulted:
        ends[participant_id] = max(ends.get(participant_id, day), day)
    return ends


def due_on(participant: Participant, last_end: date | None, days: int) -> date:
    """The day a participant's data is pseudonymised: ``days`` after their last mission ended (or after they were
    recorded, when they never were in one), or later when an advisor kept them until then."""
    start = last_end or participant.created_at.date()
    due = start + timedelta(days=days)
    return max(due, participant.keep_until) if participant.keep_until else due


def due_by(day: date) -> list[Due]:
    """The participants not yet pseudonymised whose data falls due on or before ``day``, soonest first."""
    days, ends = retention_days(), _last_mission_ends()
    participants = db.session.scalars(select(Participant).where(Participant.pseudonymised_at.is_(None)))
    found = [Due(p, ends.get(p.id), due_on(p, ends.get(p.id), days)) for p in participants]
    return sorted((d for d in found if d.due_on <= day), key=lambda d: (d.due_on, d.participant.alias))


def due_soon(today: date) -> list[Due]:
    """For the dashboard: who falls due within the coming days (or is overdue, the cron job not having run)."""
    return due_by(today + timedelta(days=DUE_SOON_DAYS))


def _consultations_covering(participant: Participant) -> list[Consultation]:
    """The consultations that cover the participant, at any item, each once."""
    covering = select(ConsultationCover.consultation_id).where(ConsultationCover.participant_id == participant.id)
    return list(db.session.scalars(select(Consultation).where(Consultation.id.in_(covering))
                                   .order_by(Consultation.id)))


def _strip(participant: Participant) -> list[str]:
    """Take away the real name, contact details and every free-text note; return what there was."""
    removed = [name for name in PERSONAL if getattr(participant, name)]
    for name in PERSONAL:
        setattr(participant, name, "")
    for model, columns in NOTES.items():
        rows = participant.consents if model is ConsentRecord else participant.assessments
        for row in rows:
            for column in columns:
                if getattr(row, column):
                    removed.append(f"{model.__tablename__}.{column}")
                    setattr(row, column, "")
    for consultation in _consultations_covering(participant):
        for column in CONSULTATION_TEXT:
            if getattr(consultation, column):
                removed.append(f"{Consultation.__tablename__}.{column}")
                setattr(consultation, column, "")
    for involvement in db.session.scalars(select(Involvement).where(Involvement.participant_id == participant.id)):
        if involvement.said:  # what they said on an objective of the action plan
            removed.append(f"{Involvement.__tablename__}.said")
            involvement.said = ""
    participant.keep_until = None
    participant.pseudonymised_at = now_utc()
    forget_bodies()  # a kept feed body may still name them
    return removed


def pseudonymise(actor: User | None, participant: Participant) -> None:
    """Remove a participant's real name, contact details and notes; keep the alias and the facts. Audited."""
    removed = _strip(participant)
    db.session.flush()
    record(actor, "participant.pseudonymise", participant, label=participant.alias,
           changes={"removed": [None, sorted(set(removed))]})


def renew(actor: User, participant: Participant, reason: str, today: date) -> date:
    """Keep a participant's data for another retention period from today, for a reason (the advisor). Audited."""
    if participant.pseudonymised_at is not None:
        raise RuleViolation(_("This participant's personal data has already been removed."))
    if not reason.strip():
        raise RuleViolation(_("Give the reason for keeping the data longer."), "reason")
    keep_until = today + timedelta(days=retention_days())
    participant.keep_until, participant.keep_reason = keep_until, reason.strip()
    db.session.flush()
    # The reason may speak of the person: it is kept encrypted with them, not in the audit log.
    record(actor, "participant.retention_renew", participant, label=participant.alias,
           changes={"keep_until": [None, keep_until.isoformat()]})
    return keep_until


def erase(actor: User, participant: Participant) -> None:
    """Erase everything about a participant at their request (GDPR Art. 17); only the alias is left, in the
    participant row and in the audit facts. Audited."""
    if participant.erased_at is not None:
        raise RuleViolation(_("This participant has already been erased."))
    removed = _strip(participant)  # before their covers go: the consultations about them are found by these
    participant.organisation = ""
    for item in db.session.scalars(select(ProgrammeItem).where(ProgrammeItem.participants.contains(participant))):
        item.participants.remove(participant)  # through the ORM: programmes and feeds follow, sign-offs too
    for model in (ConsentRecord, SafetyAssessment, Involvement):
        for row in db.session.scalars(select(model).where(model.participant_id == participant.id)):
            db.session.delete(row)
    for cover in db.session.scalars(select(ConsultationCover).where(
            ConsultationCover.participant_id == participant.id)):
        db.session.delete(cover)
    participant.erased_at = participant.pseudonymised_at
    db.session.flush()
    # The audit facts about the person keep only the alias: the values they held (organisation, residence) go.
    # The one rewrite the append-only audit log allows (``audit/models.py`` refuses it through the ORM): by Core,
    # here, because the person's right to erasure (Art. 17) outweighs keeping what they told us.
    about = (AuditEntry.object_type == Participant.__name__) & (AuditEntry.object_id == participant.id)
    for entry_id, changes in db.session.execute(select(AuditEntry.id, AuditEntry.changes).where(about)).all():
        kept = {key: value if key in KEPT_IN_AUDIT else ["…", "…"] for key, value in (changes or {}).items()}
        if kept != changes:
            db.session.connection().execute(
                update(AuditEntry.__table__).where(AuditEntry.__table__.c.id == entry_id).values(changes=kept))
    record(actor, "participant.erase", participant, label=participant.alias,
           changes={"removed": [None, sorted(set(removed))]})


def pseudonymise_due(today: date, dry_run: bool) -> list[Due]:
    """Pseudonymise every participant due today (or only list them, ``dry_run``)."""
    due = due_by(today)
    if not dry_run:
        for entry in due:
            pseudonymise(None, entry.participant)
    return due


# ---- access (Art. 15) -----------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, (date,)):
        return value.isoformat()
    return value


def _row(row, leave_out=()) -> dict:
    """Every column of a row, as stored (decrypted): derived from the model, so nothing new is left out."""
    return {attr.key: _plain(getattr(row, attr.key)) for attr in db.inspect(type(row)).mapper.column_attrs
            if attr.key not in leave_out}


#: What a person's copy shows of a consultation that also covers others: what it was, not what it says.
CONSULTATION_SHARED = ("channel", "consulted_on", "valid_until")


def _consultation(consultation: Consultation, participant: Participant) -> dict:
    """A consultation in a person's copy, with the items it covers them at: in full when it is about them alone;
    otherwise without what it says (who was consulted, the question, the answer), which speaks of the others too."""
    item_ids = [c.item_id for c in consultation.covers if c.participant_id == participant.id]
    titles = db.session.scalars(select(ProgrammeItem.title).where(ProgrammeItem.id.in_(item_ids))
                                .order_by(ProgrammeItem.starts_at, ProgrammeItem.id))
    alone = all(c.participant_id == participant.id for c in consultation.covers)
    row = _row(consultation) if alone else {name: _plain(getattr(consultation, name)) for name in CONSULTATION_SHARED}
    return {**row, "covers": list(titles)}


def stored_about(participant: Participant) -> dict:
    """Everything the application keeps about a participant (GDPR Art. 15), for a page and for JSON."""
    items = db.session.scalars(
        select(ProgrammeItem).where(ProgrammeItem.participants.contains(participant)).order_by(ProgrammeItem.starts_at))
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == Participant.__name__, AuditEntry.object_id == participant.id).order_by(AuditEntry.id))
    consulted = db.session.scalars(select(Involvement).where(Involvement.participant_id == participant.id)
                                   .order_by(Involvement.held_on))
    return {
        "participant": _row(participant, leave_out=("real_name_index", "version")),
        "programme": [{"mission": item.mission.title, "item": item.title, "starts_at": _plain(item.starts_at),
                       "timezone": item.timezone, "location": item.location,
                       "removed": item.removed_at is not None} for item in items],
        "consent": [_row(r, leave_out=("participant_id",)) for r in participant.consents],
        "safety_assessments": [_row(a, leave_out=("participant_id",)) for a in participant.assessments],
        "consultations": [_consultation(c, participant) for c in _consultations_covering(participant)],
        # What they said on the objectives of an action plan they were consulted on (issue 24).
        "action_plan": [{"partnership": i.objective.partnership.label, "objective": i.objective.what,
                         "held_on": _plain(i.held_on), "way": i.way, "said": i.said} for i in consulted],
        "audit": [{"at": _plain(e.at), "action": e.action, "by": e.actor_id, "changes": e.changes} for e in audit],
    }


def export_stored(actor: User, participant: Participant, form: str) -> dict:
    """A copy of everything kept about the person for them (Art. 15), written to the audit log with who made it."""
    stored = stored_about(participant)
    record(actor, "participant.access_export", participant, label=participant.alias, changes={"export": [None, form]})
    return stored


# ---- the register's protected organisations (issue 24, part 1) ------------------------------------------------


def _strip_stakeholder(stakeholder: Stakeholder) -> list[str]:
    """Take away the name, contact details and what was said in every involvement; return what there was."""
    removed = [key for key in ("name", "contact") if getattr(stakeholder, key)]
    stakeholder.name, stakeholder.contact = "", ""
    for involvement in stakeholder.involvements:
        if involvement.said:
            removed.append(f"{Involvement.__tablename__}.said")
            involvement.said = ""
    return removed


def erase_stakeholder(actor: User, stakeholder: Stakeholder) -> None:
    """Erase an organisation's record: only the alias is left, and the facts of its involvement (when, how)."""
    if stakeholder.erased_at is not None:
        raise RuleViolation(_("This organisation has already been erased."))
    removed = _strip_stakeholder(stakeholder)
    stakeholder.erased_at = now_utc()
    db.session.flush()
    record(actor, "stakeholder.erase", stakeholder, label=stakeholder.alias,
           changes={"removed": [None, sorted(set(removed))]})


def stakeholders_due(today: date) -> list[Stakeholder]:
    """Protected organisations not involved in anything for the retention period (from their last involvement, or
    from when they were recorded): their name, contact and what they said are due to go."""
    days = timedelta(days=retention_days())
    last = (select(Involvement.stakeholder_id, func.max(Involvement.held_on).label("day"))
            .where(Involvement.stakeholder_id.is_not(None)).group_by(Involvement.stakeholder_id).subquery())
    rows = db.session.execute(
        select(Stakeholder, last.c.day).outerjoin(last, last.c.stakeholder_id == Stakeholder.id)
        .where(Stakeholder.protected, Stakeholder.erased_at.is_(None))
        .order_by(Stakeholder.alias)).all()
    return [s for s, day in rows if (day or s.created_at.date()) + days <= today and (s.name or s.contact)]


def pseudonymise_stakeholders(today: date, dry_run: bool) -> list[Stakeholder]:
    """Retention for the register, for cron: strip every protected organisation due today (or only list them)."""
    due = stakeholders_due(today)
    if not dry_run:
        for stakeholder in due:
            removed = _strip_stakeholder(stakeholder)
            db.session.flush()
            record(None, "stakeholder.pseudonymise", stakeholder, label=stakeholder.alias,
                   changes={"removed": [None, sorted(set(removed))]})
    return due
