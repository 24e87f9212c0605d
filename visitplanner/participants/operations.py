"""Changes to participants, their consent and their safety assessments.

Consent and assessments are only ever added: a withdrawal or a new judgement is a new row.
A change that matters to a submitted or finalised mission voids its sign-offs in the same transaction: not by a
call here, but because it moves what the sign-offs vouched for (``readiness/binding.py``).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..cache import forget_bodies
from ..crypto import keyring
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..enums import RiskLevel
from ..itinerary.models import ProgrammeItem
from ..itinerary.operations import protect_item
from ..missions.models import Mission
from ..timeutil import now_utc
from .aliases import alias_taken, generate_alias
from .models import (
    ConsentKind,
    ConsentMethod,
    ConsentRecord,
    Consultation,
    ConsultationChannel,
    ConsultationCover,
    Decision,
    Participant,
    SafetyAssessment,
    Scope,
    consent_state,
    current_assessment,
)


def _same_name(real_name: str, except_id: int | None = None) -> Participant | None:
    """A participant already recorded under this real name, found by its blind index (``crypto``)."""
    stmt = select(Participant).where(Participant.real_name_index.in_(keyring().blind_indexes(real_name)))
    if except_id is not None:
        stmt = stmt.where(Participant.id != except_id)
    return db.session.scalars(stmt.limit(1)).first()


def _check_same_name(real_name: str, another_person: bool, except_id: int | None = None) -> None:
    same = None if another_person else _same_name(real_name, except_id)
    if same is not None:
        raise RuleViolation(_("A participant with this real name is already recorded, as %(alias)s. Open that "
                              "record instead, or tick that this is another person.", alias=same.alias), "real_name")


def create_participant(actor: User, *, real_name: str, alias: str = "", organisation: str = "", kind: str,
                       residence: str = "", contact: str = "", at_risk: bool = True,
                       in_partner_region: bool = False, another_person: bool = False) -> Participant:
    """Record a civil-society participant; a code name is generated when none is given. A real name already
    recorded is refused unless the user says it is another person (two people may share a name)."""
    alias = alias.strip() or generate_alias()
    if alias_taken(alias):
        raise RuleViolation(_("This alias is already in use; choose another or leave it empty."), "alias")
    _check_same_name(real_name.strip(), another_person)
    participant = Participant(real_name=real_name.strip(), alias=alias, organisation=organisation, kind=kind,
                              residence=residence, contact=contact, at_risk=at_risk,
                              in_partner_region=in_partner_region)
    db.session.add(participant)
    db.session.flush()
    # The audit log names the person by alias only; the real name, residence and contact never enter it.
    record(actor, "participant.create", participant, label=participant.alias,
           changes=changed({}, snapshot(participant, Participant.AUDITED)))
    return participant


def propose_participant(actor: User, *, alias: str = "", organisation: str = "", kind: str,
                        at_risk: bool = True, item: ProgrammeItem | None = None) -> Participant:
    """A protocol officer proposes a participant without the real name; the human-rights advisor completes the
    real name, consent and safety (``update_participant``, ``record_consent``, ``record_assessment``). Proposed
    from a mission for one of its items, the person is linked to that item at once (:func:`attach_participant`)."""
    alias = alias.strip() or generate_alias()
    if alias_taken(alias):
        raise RuleViolation(_("This alias is already in use; choose another or leave it empty."), "alias")
    participant = Participant(real_name="", alias=alias, organisation=organisation, kind=kind, at_risk=at_risk)
    db.session.add(participant)
    db.session.flush()
    record(actor, "participant.propose", participant, label=participant.alias,
           changes=changed({}, snapshot(participant, Participant.AUDITED)))
    if item is not None:
        attach_participant(actor, participant, item)
    return participant


def attach_participant(actor: User, participant: Participant, item: ProgrammeItem) -> ProgrammeItem:
    """Link a participant to a programme item, as the item form would: audited as a change of the item (its
    version rises, so an item form opened before is merged, not overwritten)."""
    if item.removed_at is not None:
        raise RuleViolation(_("This item has been removed and can no longer be changed."), "item")
    if participant.erased_at is not None:
        raise RuleViolation(_("This person's data was erased: they can no longer take part."), "item")
    if participant in item.participants:
        raise RuleViolation(_("%(alias)s already takes part in “%(title)s”.", alias=participant.alias,
                              title=item.title), "item")
    before = snapshot(item, ProgrammeItem.AUDITED)
    item.participants.append(participant)
    item.updated_at = now_utc()
    db.session.flush()
    record(actor, "item.update", item, label=item.title, changes=changed(before, snapshot(item, ProgrammeItem.AUDITED)),
           mission_id=item.mission_id, partnership_id=item.mission.partnership_id)
    return item


#: Kept encrypted, so the audit log says that they changed, never what they were.
_UNLOGGED = ("real_name", "residence", "contact")


def update_participant(actor: User, participant: Participant, *, expected_version: int | None, real_name: str,
                       alias: str, organisation: str, kind: str, residence: str, at_risk: bool, contact: str = "",
                       in_partner_region: bool | None = None, another_person: bool = False) -> Participant:
    """Change a participant's details."""
    if expected_version != participant.version:
        raise StaleEdit()
    alias = alias.strip() or participant.alias
    if alias_taken(alias, participant_id=participant.id):
        raise RuleViolation(_("This alias is already in use; choose another or leave it empty."), "alias")
    if participant.real_name != real_name.strip():
        _check_same_name(real_name.strip(), another_person, except_id=participant.id)
    before = snapshot(participant, Participant.AUDITED)
    moved = [name for name, value in zip(_UNLOGGED, (real_name.strip(), residence, contact))
             if getattr(participant, name) != value]
    participant.real_name, participant.alias = real_name.strip(), alias
    participant.organisation, participant.kind = organisation, kind
    participant.residence, participant.contact, participant.at_risk = residence, contact, at_risk
    if in_partner_region is not None:
        participant.in_partner_region = in_partner_region
    changes = changed(before, snapshot(participant, Participant.AUDITED))
    changes.update({name: ["", _("(changed)")] for name in moved})
    if changes:
        db.session.flush()
        record(actor, "participant.update", participant, label=participant.alias, changes=changes)
    return participant


def missions_of(participant: Participant) -> list[Mission]:
    """The missions in whose live programme the participant takes part."""
    stmt = (
        select(Mission).join(ProgrammeItem, ProgrammeItem.mission_id == Mission.id)
        .where(ProgrammeItem.participants.contains(participant), ProgrammeItem.removed_at.is_(None))
        .order_by(Mission.start_date)
    )
    return list(db.session.scalars(stmt).unique())


def _audit(actor, action, participant: Participant, mission: Mission, changes) -> None:
    record(actor, action, participant, label=participant.alias, changes=changes, mission_id=mission.id,
           partnership_id=mission.partnership_id)


def record_consent(actor: User, participant: Participant, mission: Mission, *, scopes, method: str,
                   information_version: str, reconfirm_by: date, note: str = "", today: date) -> ConsentRecord:
    """Record what the participant agrees to for a mission."""
    if method not in {m.value for m in ConsentMethod}:
        raise RuleViolation(_("Choose how consent was obtained."), "method")
    if reconfirm_by < today:
        raise RuleViolation(_("The reconfirm-by date has already passed."), "reconfirm_by")
    scopes = {Scope(s) for s in scopes}
    before = consent_state(participant.consents, mission.id, today)
    consent = ConsentRecord(
        participant=participant, mission_id=mission.id, kind=ConsentKind.GIVEN.value, method=method,
        information_version=information_version, reconfirm_by=reconfirm_by, note=note, recorded_by_id=actor.id,
        **{s.value: s in scopes for s in Scope},
    )
    db.session.add(consent)
    db.session.flush()
    _audit(actor, "consent.give", participant, mission,
           {"scopes": [sorted(before.scopes), sorted(scopes)], "reconfirm_by": [None, reconfirm_by.isoformat()]})
    return consent


def withdraw_consent(actor: User, participant: Participant, mission: Mission, *, method: str,
                     note: str = "") -> ConsentRecord:
    """Withdraw consent: one action, effective at once everywhere."""
    if method not in {m.value for m in ConsentMethod}:
        raise RuleViolation(_("Choose how the withdrawal reached us."), "method")
    withdrawal = ConsentRecord(participant=participant, mission_id=mission.id, kind=ConsentKind.WITHDRAWN.value,
                               method=method, note=note, recorded_by_id=actor.id)
    db.session.add(withdrawal)
    db.session.flush()
    _audit(actor, "consent.withdraw", participant, mission, {"scopes": ["…", []]})
    forget_bodies()  # a kept feed body may still name them
    return withdrawal


ASSESSMENT_FIELDS = (
    "risk_level", "threats", "vulnerabilities", "capacities", "person_consulted", "meeting_visibility",
    "partner_informed", "names_shared_with_partner", "family_at_risk", "venue", "photos_allowed", "social_media_allowed", "device_precautions", "interpreter_vetted",
    "expectations_discussed", "mitigations", "decision", "assessed_on", "valid_until",
)


def record_assessment(actor: User, participant: Participant, item: ProgrammeItem, **data) -> SafetyAssessment:
    """Record a safety assessment of a participant's part in an item."""
    if participant not in item.participants:
        raise RuleViolation(_("This person does not take part in this programme item."))
    if data["valid_until"] < data["assessed_on"]:
        raise RuleViolation(_("“Valid until” cannot be before the assessment date."), "valid_until")
    if data["decision"] not in {d.value for d in Decision}:
        raise RuleViolation(_("Choose a decision."), "decision")
    previous = current_assessment(participant.assessments, item.id)
    assessment = SafetyAssessment(participant=participant, item_id=item.id, assessor_id=actor.id,
                                  **{k: data[k] for k in ASSESSMENT_FIELDS})
    db.session.add(assessment)
    db.session.flush()
    _audit(actor, "safety.assess", participant, item.mission,
           {"item": [None, item.title], "risk_level": [previous.risk_level if previous else None, data["risk_level"]],
            "decision": [previous.decision if previous else None, data["decision"]]})
    if data["risk_level"] == RiskLevel.CRITICAL and not item.is_protected:
        protect_item(actor, item)
    return assessment


def record_assessments(actor: User, participant: Participant, items: list[ProgrammeItem], **data
                       ) -> list[SafetyAssessment]:
    """One assessment for several items of the same mission the participant takes part in: recorded (and audited)
    for each item on its own, as if made item by item."""
    if len({item.mission_id for item in items}) > 1:
        raise RuleViolation(_("One assessment covers items of one mission only."), "also_for")
    return [record_assessment(actor, participant, item, **data) for item in items]


def record_consultation(actor: User, mission: Mission, *, channel: str, consulted: str, question: str, answer: str,
                        consulted_on: date, valid_until: date, covers: list[tuple[int, int]]) -> Consultation:
    """Record a consultation of the embassy, a consulate or another trusted channel, for the participants at the
    items it was about (pairs of participant and item ids, all in this mission's programme)."""
    if channel not in {c.value for c in ConsultationChannel}:
        raise RuleViolation(_("Choose who was consulted."), "channel")
    for text, name in ((consulted, "consulted"), (question, "question"), (answer, "answer")):
        if not (text or "").strip():
            raise RuleViolation(_("This is needed for the record."), name)
    if valid_until < consulted_on:
        raise RuleViolation(_("“Valid until” cannot be before the day of the consultation."), "valid_until")
    links = {(p.id, item.id) for item in mission.items if item.removed_at is None for p in item.participants}
    wanted = list(dict.fromkeys(covers))
    if not wanted:
        raise RuleViolation(_("Choose the participants and items the consultation was about."), "covers")
    if any(pair not in links for pair in wanted):
        raise RuleViolation(_("Choose participants at items of this mission's programme."), "covers")
    consultation = Consultation(
        mission_id=mission.id, channel=channel, consulted=consulted.strip(), question=question.strip(),
        answer=answer.strip(), consulted_on=consulted_on, valid_until=valid_until, recorded_by_id=actor.id,
        covers=[ConsultationCover(participant_id=p, item_id=i) for p, i in wanted],
    )
    mission.consultations.append(consultation)
    db.session.flush()
    aliases = {p.id: p.alias for item in mission.items for p in item.participants}
    titles = {item.id: item.title for item in mission.items}
    # The audit names people by alias and the consultation by its channel and day (``audit/labels.entry_label``):
    # who was consulted, the question and the answer can name people, and protocol officers read the history.
    record(actor, "consultation.record", consultation, label=f"{channel}/{consulted_on.isoformat()}",
           mission_id=mission.id, partnership_id=mission.partnership_id,
           changes={"channel": [None, channel], "consulted_on": [None, consulted_on.isoformat()],
                    "valid_until": [None, valid_until.isoformat()],
                    "covers": [None, sorted(f"{aliases[p]} @ {titles[i]}" for p, i in wanted)]})
    return consultation
