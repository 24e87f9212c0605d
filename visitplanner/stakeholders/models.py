"""The register of those the partnership works with, and who was involved in which objective of the action plan
(issue 24, parts 1 and 2; B.b "Betrek zoveel mogelijk de civil society en mensenrechtenverdedigers bij je
actieplan … zeker ook in de partnerregio in China", B.c "Betrek bedrijven bij het opstellen en uitvoeren van een
actieplan mensenrechten").

The register holds organisations. A *person* in it is a civil-society participant (``participants``): one alias, one
consent history, one erasure, whether they are consulted on an objective or take part in a meeting. Companies are
the company records the missions use. An organisation in the partner region, a diaspora organisation and any other
the advisor has not released are *protected*: everyone but the roles that may see real names sees the alias, and
what was said in their involvement is read by those roles only (``disclosure``).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..crypto import EncryptedText
from ..enums import LabelledEnum, sql_in
from ..extensions import db
from ..facts import RETENTION, created, facts, version_counter
from ..missions.models import Company
from ..participants.models import Participant
from ..partnerships.models import Objective
from ..personal_data import ACTED, CIVIL, KEY, OFFICE, Category, personal
from ..timeutil import UTCDateTime, now_utc


class StakeholderKind(LabelledEnum):
    __fields__ = ("kind",)

    DUTCH_CIVIL_SOCIETY = "dutch_civil_society"
    LOCAL_HR_GROUP = "local_hr_group"
    DIASPORA = "diaspora"
    KNOWLEDGE = "knowledge"
    PARTNER_CIVIL_SOCIETY = "partner_civil_society"

    __labels__ = {
        DUTCH_CIVIL_SOCIETY: _l("Dutch civil society"),
        LOCAL_HR_GROUP: _l("Local human-rights group"),
        DIASPORA: _l("Diaspora organisation"),
        KNOWLEDGE: _l("Knowledge institution"),
        PARTNER_CIVIL_SOCIETY: _l("Civil society in the partner region"),
    }


#: Protected whatever anyone decides: civil society in the partner region and diaspora organisations.
ALWAYS_PROTECTED = frozenset({StakeholderKind.DIASPORA, StakeholderKind.PARTNER_CIVIL_SOCIETY})
#: The kinds whose input counts as civil society's (a knowledge institution's does not).
CIVIL_SOCIETY = frozenset(StakeholderKind) - {StakeholderKind.KNOWLEDGE}


def _register(privacy, audit=False) -> dict:
    """A column of the register: read by its own pages and the partnership's, in no calendar, feed or file that a
    revision or a sign-off stands for."""
    return facts(ignored="the register is in no feed, calendar or checked output; its pages read it as it is",
                 fingerprint=False, privacy=privacy, audit=audit)


#: Who an organisation of the register is (its name may put its people at risk).
ORGANISATION = personal(Category.IDENTITY, CIVIL)


class Stakeholder(db.Model):
    """An organisation the partnership works with or consults."""

    __tablename__ = "stakeholders"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(StakeholderKind)})", name="known_kind"),
        CheckConstraint(f"protected OR kind NOT IN ({sql_in(ALWAYS_PROTECTED)})", name="always_protected"),
        CheckConstraint("protected OR released_reason <> ''", name="release_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=_register(KEY))
    #: Shown by role (``disclosure.stakeholder_label``); encrypted at rest, empty once erased.
    name: Mapped[str] = mapped_column(EncryptedText("stakeholders.name"), default="",
                                      info=_register(ORGANISATION, _l("Name")))
    #: The code name used wherever the name may not go.
    alias: Mapped[str] = mapped_column(String(80), unique=True, info=_register(ORGANISATION, _l("Alias")))
    kind: Mapped[str] = mapped_column(String(32), info=_register(ORGANISATION, _l("Kind")))
    #: How to reach them (a contact person, Signal, an intermediary); encrypted at rest, on the record's page only.
    contact: Mapped[str] = mapped_column(EncryptedText("stakeholders.contact"), default="",
                                         info=_register(personal(Category.CONTACT, CIVIL), _l("Contact")))
    #: Protected unless the advisor released it, with a reason; only ever released by the advisor.
    protected: Mapped[bool] = mapped_column(default=True, info=_register(personal(Category.SAFETY, CIVIL)))
    released_reason: Mapped[str] = mapped_column(Text, default="", info=_register(personal(Category.SAFETY, CIVIL)))
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_register(ACTED))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_register(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    #: When the advisor erased it: nothing but the alias is left.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=facts(ignored=RETENTION, fingerprint=False,
                                                                  privacy=ORGANISATION, audit=False))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())

    released_by: Mapped[User | None] = relationship(lazy="joined")
    involvements: Mapped[list[Involvement]] = relationship(back_populates="stakeholder",
                                                           order_by="Involvement.held_on.desc()")

    __mapper_args__ = {"version_id_col": version}

    #: What the audit log keeps the values of; the name and contact only as "(changed)".
    AUDITED = ("alias", "kind")

    @property
    def label(self) -> str:
        return self.alias

    @property
    def kind_label(self) -> str:
        return StakeholderKind(self.kind).label

    @property
    def always_protected(self) -> bool:
        return self.kind in ALWAYS_PROTECTED

    @property
    def civil_society(self) -> bool:
        return self.kind in CIVIL_SOCIETY

    @property
    def in_partner_region(self) -> bool:
        return self.kind == StakeholderKind.PARTNER_CIVIL_SOCIETY


class InvolvementWay(LabelledEnum):
    __fields__ = ("way",)

    MEETING = "meeting"
    CONSULTATION = "consultation"
    WORKSHOP = "workshop"
    CALL = "call"
    WRITTEN = "written"
    PARTNER = "partner"

    __labels__ = {
        MEETING: _l("A meeting"),
        CONSULTATION: _l("A consultation round"),
        WORKSHOP: _l("A workshop"),
        CALL: _l("A call or video meeting"),
        WRITTEN: _l("Written input"),
        PARTNER: _l("Involved in carrying it out"),
    }


def _involved(privacy, audit=False) -> dict:
    return facts(ignored="involvement is read by the partnership's pages and its review, in no feed or checked output",
                 fingerprint=False, privacy=privacy, audit=audit)


class Involvement(db.Model):
    """Who was consulted on or involved in an objective of the action plan: an organisation of the register, a
    person (a civil-society participant) or a company; when, how, and what they said."""

    __tablename__ = "involvements"
    __table_args__ = (
        CheckConstraint(f"way IN ({sql_in(InvolvementWay)})", name="known_way"),
        CheckConstraint(
            "(CASE WHEN stakeholder_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN participant_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=_involved(KEY))
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"), index=True,
                                              info=_involved(OFFICE, _l("Objective")))
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholders.id", ondelete="CASCADE"), index=True,
                                                       info=_involved(KEY))
    #: A person: the same record as when they take part in a meeting (one alias, one consent history, one erasure).
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True,
                                                       info=_involved(personal(Category.SPECIAL, CIVIL)))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                                                   info=_involved(KEY))
    held_on: Mapped[date] = mapped_column(info=_involved(OFFICE, _l("Held on")))
    way: Mapped[str] = mapped_column(String(16), info=_involved(OFFICE, _l("How")))
    #: What they said or contributed; encrypted at rest, read by the roles that may see real names when the party
    #: is protected, taken away with the person's data (retention, erasure).
    said: Mapped[str] = mapped_column(EncryptedText("involvements.said"), default="",
                                      info=_involved(personal(Category.FREE_TEXT, CIVIL), _l("What they said")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_involved(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    objective: Mapped[Objective] = relationship()
    stakeholder: Mapped[Stakeholder | None] = relationship(back_populates="involvements", lazy="joined")
    participant: Mapped[Participant | None] = relationship(lazy="joined")
    company: Mapped[Company | None] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    #: What the audit log keeps the values of; what was said only as "(changed)".
    AUDITED = ("objective_id", "held_on", "way")

    @property
    def label(self) -> str:
        return self.way_label

    @property
    def way_label(self) -> str:
        return InvolvementWay(self.way).label

    @property
    def protected(self) -> bool:
        """Whether the party is protected: every person, and an organisation the advisor has not released."""
        if self.participant is not None:
            return True
        return self.stakeholder is not None and self.stakeholder.protected

    @property
    def civil_society(self) -> bool:
        if self.participant is not None:
            return True
        return self.stakeholder is not None and self.stakeholder.civil_society

    @property
    def from_partner_region(self) -> bool:
        if self.participant is not None:
            return self.participant.in_partner_region
        return self.stakeholder is not None and self.stakeholder.in_partner_region


class InputGap(LabelledEnum):
    """What an objective's input lacks (B.b): civil society's, or the partner region's."""

    NO_CIVIL_SOCIETY = "no_civil_society"
    NONE_FROM_PARTNER_REGION = "none_from_partner_region"

    __labels__ = {
        NO_CIVIL_SOCIETY: _l("rests on no civil-society input"),
        NONE_FROM_PARTNER_REGION: _l("has no input from civil society in the partner region"),
    }


def input_gaps(involvements: list[Involvement]) -> list[InputGap]:
    """What an objective's recorded involvement lacks: no civil society at all, or none from the partner region."""
    civil = [i for i in involvements if i.civil_society]
    if not civil:
        return [InputGap.NO_CIVIL_SOCIETY]
    if not any(i.from_partner_region for i in civil):
        return [InputGap.NONE_FROM_PARTNER_REGION]
    return []
