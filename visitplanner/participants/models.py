"""Civil-society participants, their consent and the safety assessments of their part in a programme.

Real names are shown only where a viewer's role and the participant's consent allow it; the
decision is made in :mod:`visitplanner.disclosure`, never here or in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..auth.models import User
from ..crypto import EncryptedText, keyring
from ..enums import LabelledEnum, RiskLevel, sql_in
from ..extensions import db
from ..facts import RETENTION, Through, Vouched, created, facts, raising, row_id, version_counter
from ..personal_data import ACTED, CIVIL, NAMED, Category, personal
from ..timeutil import UTCDateTime, now_utc


class ParticipantKind(LabelledEnum):
    __fields__ = ("kind",)

    DEFENDER = "defender"
    NGO = "ngo"
    RESIDENT = "resident"
    JOURNALIST = "journalist"
    ACADEMIC = "academic"

    __labels__ = {
        DEFENDER: _l("Human-rights defender"),
        NGO: _l("NGO representative"),
        RESIDENT: _l("Resident or diaspora member"),
        JOURNALIST: _l("Journalist"),
        ACADEMIC: _l("Academic"),
    }


def _takes_part() -> dict:
    """Taking part in a human-rights component (an NGO visit, a meeting with residents) speaks of the person's
    opinions, and for diaspora members of their origin. Signers vouch for who takes part."""
    return facts(raises=True, fingerprint=Vouched(), privacy=personal(Category.SPECIAL, CIVIL), audit=False)


item_participants = Table(
    "item_participants",
    db.metadata,
    Column("item_id", ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True, info=_takes_part()),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True,
           info=_takes_part()),
)

#: Who a participant is.
PERSON = personal(Category.IDENTITY, CIVIL)


class Participant(db.Model):
    """A person from civil society who takes part in programme items."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: Shown only where role and consent allow it; encrypted at rest, empty once pseudonymised or erased. The audit
    #: log keeps only that it changed.
    real_name: Mapped[str] = mapped_column(EncryptedText("participants.real_name", blind_index="real_name_index"),
                                           info=raising(PERSON, _l("Real name")))
    #: The keyed hash the real name is looked up by (duplicate check): never the clear text (``crypto``).
    real_name_index: Mapped[str | None] = mapped_column(String(64), index=True, info=facts(
        ignored="a keyed hash of the real name, which raises; no output shows it", fingerprint=False, privacy=PERSON,
        audit=False))
    #: The code name used wherever the real name may not go.
    alias: Mapped[str] = mapped_column(String(80), unique=True, info=raising(PERSON, _l("Alias")))
    organisation: Mapped[str] = mapped_column(String(200), default="",
                                              info=raising(PERSON, _l("Organisation"), events=False))
    kind: Mapped[str] = mapped_column(String(16), info=raising(personal(Category.SPECIAL, CIVIL), _l("Kind"),
                                                               events=False))
    #: Where the person lives (city, country); encrypted at rest.
    residence: Mapped[str] = mapped_column(EncryptedText("participants.residence"), default="", info=raising(
        personal(Category.CONTACT, CIVIL), _l("Where they live"), events=False))
    #: How to reach the person (phone, Signal, e-mail, an intermediary); encrypted at rest.
    contact: Mapped[str] = mapped_column(EncryptedText("participants.contact"), default="", info=facts(
        ignored="shown on the participant's own page only, never in any output of a mission", fingerprint=False,
        privacy=personal(Category.CONTACT, CIVIL), audit=_l("Contact")))
    #: A calendar feed never names a person at risk.
    at_risk: Mapped[bool] = mapped_column(default=True, info=raising(personal(Category.SAFETY, CIVIL), _l("At risk")))
    #: Lives or works in the partner region: their input to the action plan counts as the partner region's (B.b).
    in_partner_region: Mapped[bool] = mapped_column(default=False, info=raising(
        personal(Category.SAFETY, CIVIL), _l("In the partner region"), events=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(PERSON))
    #: Retention: an advisor kept the data beyond the period after the last mission, until this day, and why.
    keep_until: Mapped[date | None] = mapped_column(info=facts(
        ignored=RETENTION, fingerprint=False, privacy=PERSON, audit=_l("Kept until")))
    keep_reason: Mapped[str] = mapped_column(EncryptedText("participants.keep_reason"), default="", info=facts(
        ignored=RETENTION, fingerprint=False, privacy=personal(Category.FREE_TEXT, CIVIL), audit=False))
    #: When the retention period (or an erasure) took the real name, contact details and notes away.
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=facts(
        ignored=RETENTION, fingerprint=False, privacy=PERSON, audit=False))
    #: When the person's data was erased at their request (GDPR Art. 17): nothing but the alias is left.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=facts(
        ignored=RETENTION, fingerprint=False, privacy=PERSON, audit=False))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())

    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="participant", order_by="ConsentRecord.id", cascade="save-update, merge"
    )
    assessments: Mapped[list[SafetyAssessment]] = relationship(
        back_populates="participant", order_by="SafetyAssessment.id", cascade="save-update, merge"
    )

    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(ParticipantKind)})", name="known_kind"),)
    __mapper_args__ = {"version_id_col": version}

    #: What the audit log keeps the values of; the real name, residence and contact only as "(changed)".
    AUDITED = ("alias", "organisation", "kind", "at_risk", "in_partner_region")

    @validates("real_name")
    def _index_real_name(self, key: str, value: str) -> str:
        """The blind index follows the real name in one place, whoever sets it."""
        self.real_name_index = keyring().blind_index(value) if value else None
        return value

    @property
    def label(self) -> str:
        return self.alias

    @property
    def awaits_real_name(self) -> bool:
        """Proposed by alias (by a protocol officer) and not yet completed by the human-rights advisor."""
        return not self.real_name and self.pseudonymised_at is None

    @property
    def kind_label(self) -> str:
        return ParticipantKind(self.kind).label


class Scope(LabelledEnum):
    """What a participant agreed to; each is a separate box that starts unticked."""

    __fields__ = ("scopes",)

    TAKE_PART = "take_part"
    NAMED_INTERNAL = "named_internal"
    NAMED_DELEGATION = "named_delegation"
    NAMED_PARTNER = "named_partner"
    PHOTOS_PRESS = "photos_press"
    PUBLIC_ATTENTION = "public_attention"

    __labels__ = {
        TAKE_PART: _l("Take part"),
        NAMED_INTERNAL: _l("Be named in internal documents"),
        NAMED_DELEGATION: _l("Be named in the delegation's programme"),
        NAMED_PARTNER: _l("Be named to the partner authorities"),
        PHOTOS_PRESS: _l("Photographs or press"),
        PUBLIC_ATTENTION: _l("Public attention for their case"),
    }


class ConsentMethod(LabelledEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    SECURE_MESSENGER = "secure_messenger"
    INTERMEDIARY = "intermediary"
    EMBASSY = "embassy"

    __labels__ = {
        IN_PERSON: _l("In person"),
        PHONE: _l("By phone"),
        SECURE_MESSENGER: _l("Through a secure messenger"),
        INTERMEDIARY: _l("Through an intermediary"),
        EMBASSY: _l("Through the embassy"),
    }


class ConsentKind(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


#: What a person agreed to, how and when.
CONSENT = personal(Category.CONSENT, CIVIL)


def _state(audit=False) -> dict:
    """Read into the participant's consent state for a mission: whether and how they may be named (in events too)
    and what signers vouch for."""
    return facts(raises=True, fingerprint=Through("consent"), privacy=CONSENT, audit=audit)


class ConsentRecord(db.Model):
    """One statement of consent (or its withdrawal). Append-only: nothing edits or deletes these rows."""

    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ConsentKind)})", name="known_kind"),
        CheckConstraint(f"method IN ({sql_in(ConsentMethod)})", name="known_method"),
        CheckConstraint(
            "kind = 'given' OR (NOT take_part AND NOT named_internal AND NOT named_delegation "
            "AND NOT named_partner AND NOT photos_press AND NOT public_attention)",
            name="withdrawal_grants_nothing",
        ),
        CheckConstraint("kind = 'withdrawn' OR reconfirm_by IS NOT NULL", name="given_has_reconfirm_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True, info=_state())
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True, info=_state())
    kind: Mapped[str] = mapped_column(String(16), default=ConsentKind.GIVEN.value, info=_state(_l("Kind")))
    take_part: Mapped[bool] = mapped_column(default=False, info=_state())
    named_internal: Mapped[bool] = mapped_column(default=False, info=_state())
    named_delegation: Mapped[bool] = mapped_column(default=False, info=_state())
    named_partner: Mapped[bool] = mapped_column(default=False, info=_state())
    photos_press: Mapped[bool] = mapped_column(default=False, info=_state())
    public_attention: Mapped[bool] = mapped_column(default=False, info=_state())
    method: Mapped[str] = mapped_column(String(32), info=raising(CONSENT, events=False))
    #: Which version of the information sheet the person was given.
    information_version: Mapped[str] = mapped_column(String(80), default="", info=raising(CONSENT, events=False))
    #: After this day the consent counts as not given until reconfirmed.
    reconfirm_by: Mapped[date | None] = mapped_column(info=_state(_l("Reconfirm by")))
    #: Encrypted at rest; emptied when the participant is pseudonymised.
    note: Mapped[str] = mapped_column(EncryptedText("consent_records.note"), default="",
                                      info=raising(CONSENT, events=False))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(CONSENT, events=False))

    participant: Mapped[Participant] = relationship(back_populates="consents")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def scopes(self) -> frozenset[Scope]:
        return frozenset(s for s in Scope if getattr(self, s.value))

    @property
    def method_label(self) -> str:
        return ConsentMethod(self.method).label

    @property
    def is_withdrawal(self) -> bool:
        """The record withdraws consent (it then holds no scopes and no reconfirm-by date)."""
        return self.kind == ConsentKind.WITHDRAWN

    def holds_on(self, day: date) -> bool:
        """Whether the consent still counts on ``day``: through its reconfirm-by date, not after."""
        return self.reconfirm_by is None or day <= self.reconfirm_by


@dataclass(frozen=True)
class ConsentState:
    """What a participant currently agrees to for one mission."""

    scopes: frozenset[Scope]
    record: ConsentRecord | None
    expired: bool = False
    withdrawn: bool = False

    def covers(self, scope: Scope) -> bool:
        return scope in self.scopes

    def ends_before(self, day: date | None) -> bool:
        """Whether consent that holds today no longer holds on ``day`` (the day of a meeting): it is to be
        reconfirmed by an earlier date."""
        return (day is not None and self.record is not None and not (self.withdrawn or self.expired)
                and not self.record.holds_on(day))


NO_CONSENT = ConsentState(frozenset(), None)


def consent_state(records: list[ConsentRecord], mission_id: int, today: date) -> ConsentState:
    """The latest record for the mission decides; a withdrawal or a passed reconfirm-by date grants nothing."""
    latest = max((r for r in records if r.mission_id == mission_id), key=lambda r: r.id, default=None)
    if latest is None:
        return NO_CONSENT
    if latest.is_withdrawal:
        return ConsentState(frozenset(), latest, withdrawn=True)
    if not latest.holds_on(today):
        return ConsentState(frozenset(), latest, expired=True)
    return ConsentState(latest.scopes, latest)


class MeetingVisibility(LabelledEnum):
    PUBLIC = "public"
    LOW_PROFILE = "low_profile"
    CONFIDENTIAL = "confidential"

    __labels__ = {PUBLIC: _l("Public"), LOW_PROFILE: _l("Low-profile"), CONFIDENTIAL: _l("Confidential")}


class Decision(LabelledEnum):
    __fields__ = ("decision",)

    PROCEED = "proceed"
    MITIGATE = "proceed_with_mitigations"
    STOP = "do_not_proceed"

    __labels__ = {PROCEED: _l("Proceed"), MITIGATE: _l("Proceed with mitigations"), STOP: _l("Do not proceed")}


#: A person's safety: risk, threats, what protects them.
SAFETY = personal(Category.SAFETY, CIVIL)


def _decides(audit=False, events=True) -> dict:
    """Read into the safety signers vouch for: the decision, whether it holds on the day, a trusted channel
    consulted."""
    return facts(raises=True, fingerprint=Through("safety"), privacy=SAFETY, audit=audit, events=events)


class SafetyAssessment(db.Model):
    """The judgement whether one participant can safely take part in one programme item.

    A new assessment supersedes the previous one; old ones stay as history.
    """

    __tablename__ = "safety_assessments"
    __table_args__ = (
        CheckConstraint(f"risk_level IN ({sql_in(RiskLevel)})", name="known_risk_level"),
        CheckConstraint(f"meeting_visibility IN ({sql_in(MeetingVisibility)})", name="known_meeting_visibility"),
        CheckConstraint(f"decision IN ({sql_in(Decision)})", name="known_decision"),
        CheckConstraint("valid_until >= assessed_on", name="valid_after_assessment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True, info=_decides())
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id"), index=True, info=_decides())
    #: Critical keeps the person's items out of every feed (disclosure.py).
    risk_level: Mapped[str] = mapped_column(String(16), info=raising(SAFETY, _l("Risk level")))
    threats: Mapped[str] = mapped_column(EncryptedText("safety_assessments.threats"), default="",
                                         info=raising(SAFETY, events=False))
    vulnerabilities: Mapped[str] = mapped_column(EncryptedText("safety_assessments.vulnerabilities"), default="",
                                                 info=raising(SAFETY, events=False))
    capacities: Mapped[str] = mapped_column(EncryptedText("safety_assessments.capacities"), default="",
                                            info=raising(SAFETY, events=False))
    #: The person was consulted on the meeting and its visibility.
    person_consulted: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    meeting_visibility: Mapped[str] = mapped_column(String(16), default=MeetingVisibility.CONFIDENTIAL.value,
                                                    info=raising(SAFETY, events=False))
    partner_informed: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    names_shared_with_partner: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    family_at_risk: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    venue: Mapped[str] = mapped_column(EncryptedText("safety_assessments.venue"), default="",
                                       info=raising(SAFETY, events=False))
    photos_allowed: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    social_media_allowed: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    device_precautions: Mapped[str] = mapped_column(EncryptedText("safety_assessments.device_precautions"),
                                                    default="", info=raising(SAFETY, events=False))
    interpreter_vetted: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    expectations_discussed: Mapped[bool] = mapped_column(default=False, info=raising(SAFETY, events=False))
    mitigations: Mapped[str] = mapped_column(EncryptedText("safety_assessments.mitigations"), default="",
                                             info=raising(SAFETY, events=False))
    decision: Mapped[str] = mapped_column(String(32), info=_decides(_l("Decision"), events=False))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    assessed_on: Mapped[date] = mapped_column(info=raising(SAFETY, events=False))
    valid_until: Mapped[date] = mapped_column(info=_decides(_l("Valid until"), events=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(SAFETY))

    participant: Mapped[Participant] = relationship(back_populates="assessments")
    assessor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label

    @property
    def risk_label(self) -> str:
        return RiskLevel(self.risk_level).label

    def holds_on(self, day: date) -> bool:
        """Whether the assessment is valid on ``day``: through its valid-until date."""
        return day <= self.valid_until

    def is_current(self, today: date) -> bool:
        return self.holds_on(today)


def current_assessment(assessments: list[SafetyAssessment], item_id: int) -> SafetyAssessment | None:
    """The latest assessment of a participant for one item."""
    return max((a for a in assessments if a.item_id == item_id), key=lambda a: a.id, default=None)


class ConsultationChannel(LabelledEnum):
    __fields__ = ("channel",)

    EMBASSY = "embassy"
    CONSULATE = "consulate"
    OTHER = "other"

    __labels__ = {EMBASSY: _l("The embassy"), CONSULATE: _l("A consulate"), OTHER: _l("Another trusted channel")}


class Consultation(db.Model):
    """A consultation of the embassy, a consulate or another trusted channel on the safety of meeting civil society
    (B.c: "in samenspraak met ... de Nederlandse ambassade"): the question, the channel, the date, the answer and
    until when it holds. One record covers every participant and item it was about. Only ever added."""

    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint(f"channel IN ({sql_in(ConsultationChannel)})", name="known_channel"),
        CheckConstraint("valid_until >= consulted_on", name="valid_after_consultation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True,
                                            info=_decides())
    channel: Mapped[str] = mapped_column(String(16), info=raising(SAFETY, _l("Who was consulted")))
    #: Who was consulted, e.g. "Consulaat-generaal Shanghai, politieke afdeling".
    consulted: Mapped[str] = mapped_column(String(300), info=raising(personal(Category.IDENTITY, NAMED)))
    #: Encrypted at rest: they speak of the people met and their safety.
    question: Mapped[str] = mapped_column(EncryptedText("consultations.question"), info=raising(SAFETY))
    answer: Mapped[str] = mapped_column(EncryptedText("consultations.answer"), info=raising(SAFETY))
    consulted_on: Mapped[date] = mapped_column(info=_decides(_l("Consulted on")))
    valid_until: Mapped[date] = mapped_column(info=_decides(_l("Valid until")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(SAFETY))

    covers: Mapped[list[ConsultationCover]] = relationship(cascade="all, delete-orphan",
                                                           order_by="ConsultationCover.participant_id")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    #: What the consultation says in words: who was consulted (a post, or a person: with another trusted channel
    #: often someone close to the people met), the question and the answer. It can name people, so it is shown only
    #: to the roles that may see real names, blanked with the personal data of anyone it covers (retention,
    #: erasure), and left out of the access export of a person it is not about alone.
    FREE_TEXT = ("consulted", "question", "answer")

    @property
    def channel_label(self) -> str:
        return ConsultationChannel(self.channel).label

    @property
    def text_removed(self) -> bool:
        """Whether what it said was blanked with the personal data of a person it covered."""
        return not any(getattr(self, name) for name in self.FREE_TEXT)

    def expired(self, today: date) -> bool:
        """Whether it no longer holds at all: its valid-until day has passed."""
        return self.valid_until < today

    def holds_for(self, participant_id: int, item_id: int, *, today: date, day: date) -> bool:
        """Whether this consultation, held by ``today``, covers one participant at one item and still holds today
        and on ``day`` (the day of the item, where it happens). ``day=today`` asks about today alone."""
        return (self.consulted_on <= today and max(today, day) <= self.valid_until
                and any(c.participant_id == participant_id and c.item_id == item_id for c in self.covers))


class ConsultationCover(db.Model):
    """One participant at one item that a consultation was about."""

    __tablename__ = "consultation_covers"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True,
                                                 info=_decides())
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True,
                                                info=_decides())
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True,
                                         info=_decides())
