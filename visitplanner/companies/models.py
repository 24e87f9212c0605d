"""The company register's history (B.c: "zorg ervoor dat alle bedrijven met China-banden uit de regio voldoende op
de hoogte zijn"): each company's human-rights briefings, the changes of its due-diligence status, its meetings with
local human-rights defenders, the contacts it was given with foreign civil society, and the action-plan objectives it
is involved in. The company itself is ``missions.models.Company``, which the missions pick from this register.

Meetings with defenders hold a date and a note, never the defenders' names: they are at risk. Whoever is meant is
recorded by alias in the participants register.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import sql_in
from ..extensions import db
from ..facts import Through, created, facts, raising, row_id, version_counter
from ..missions.models import DueDiligence
from ..personal_data import ACTED, COMPANY, NOTES
from ..partnerships.models import DossierTopic, Objective
from ..timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from ..missions.models import Company


def _briefing_fact(label) -> dict:
    """What the outbound check reads of a briefing (its day, whether it was held): signers vouch for each briefing
    up to departure (``readiness/fingerprint.py``), as they did for the company's one briefing date before."""
    return facts(raises=True, fingerprint=Through("companies"), privacy=COMPANY, audit=label)


#: The objectives of the action plan a company is involved in (B.c: "Betrek bedrijven bij het opstellen en uitvoeren
#: van een actieplan").
company_objectives = Table(
    "company_objectives",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True,
           info=raising(COMPANY)),
    Column("objective_id", ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True, index=True,
           info=raising(COMPANY)),
)

#: The action-plan objectives a briefing covered.
briefing_objectives = Table(
    "company_briefing_objectives",
    db.metadata,
    Column("briefing_id", ForeignKey("company_briefings.id", ondelete="CASCADE"), primary_key=True,
           info=raising(COMPANY)),
    Column("objective_id", ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True, index=True,
           info=raising(COMPANY)),
)


class CompanyBriefing(db.Model):
    """A human-rights briefing of a company (OECD Guidelines, UNGPs, due diligence, the issues of the research and
    the action plan): held, or only planned until it is recorded as held."""

    __tablename__ = "company_briefings"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                                            info=_briefing_fact(False))
    #: The day it is or was held.
    briefed_on: Mapped[date] = mapped_column(info=_briefing_fact(_l("Human-rights briefing")))
    #: The briefing took place (recorded afterwards); until then its day is a plan.
    held: Mapped[bool] = mapped_column(default=False, info=_briefing_fact(_l("Briefing held")))
    #: Who gave (or gives) the briefing; None for briefings carried over from before the register.
    briefed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, _l("Briefed by")))
    briefing_note: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Note on the briefing")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(COMPANY))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())

    __mapper_args__ = {"version_id_col": version}

    company: Mapped[Company] = relationship(back_populates="briefings")
    briefed_by: Mapped[User | None] = relationship(lazy="joined")
    topics: Mapped[list[BriefingTopic]] = relationship(cascade="all, delete-orphan", order_by="BriefingTopic.topic")
    objectives: Mapped[list[Objective]] = relationship(secondary=briefing_objectives, order_by="Objective.id")

    AUDITED = ("briefed_on", "held", "briefed_by_id", "briefing_note")

    @property
    def label(self) -> str:
        return self.briefed_on.isoformat()

    @property
    def topic_values(self) -> list[str]:
        return [t.topic for t in self.topics]


class BriefingTopic(db.Model):
    """A topic of the research dossier a briefing covered (``DossierTopic``)."""

    __tablename__ = "company_briefing_topics"
    __table_args__ = (CheckConstraint(f"topic IN ({sql_in(DossierTopic)})", name="known_topic"),)

    briefing_id: Mapped[int] = mapped_column(ForeignKey("company_briefings.id", ondelete="CASCADE"),
                                             primary_key=True, info=raising(COMPANY))
    topic: Mapped[str] = mapped_column(String(32), primary_key=True, info=raising(COMPANY, _l("Topic")))

    @property
    def label(self) -> str:
        return DossierTopic(self.topic).label


class DueDiligenceChange(db.Model):
    """A change of a company's due-diligence status, as it was recorded: when, by whom, and the note given."""

    __tablename__ = "company_due_diligence"
    __table_args__ = (CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                                            info=raising(COMPANY))
    #: The status from then on (``DueDiligence``).
    status: Mapped[str] = mapped_column(String(16), info=raising(COMPANY, _l("Status")))
    dd_note: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Note on due diligence")))
    #: None: carried over when the register began (migration 0023), by nobody in particular.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, _l("Changed by")))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(COMPANY))

    company: Mapped[Company] = relationship(back_populates="due_diligence_history")
    changed_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return self.status_label

    @property
    def status_label(self) -> str:
        return DueDiligence(self.status).label


class DefenderMeeting(db.Model):
    """A meeting the company had with local human-rights defenders: a date and a note, never the defenders' names
    (they are at risk; whoever is meant is in the participants register, by alias)."""

    __tablename__ = "company_defender_meetings"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                                            info=raising(COMPANY))
    #: None only for a meeting carried over from the former yes/no field, whose day was never recorded.
    met_on: Mapped[date | None] = mapped_column(info=raising(COMPANY, _l("Met on")))
    meeting_note: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Note on the meeting")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(COMPANY))

    company: Mapped[Company] = relationship(back_populates="defender_meetings")

    AUDITED = ("met_on", "meeting_note")

    @property
    def label(self) -> str:
        return self.met_on.isoformat() if self.met_on else ""


class CivilSocietyConnection(db.Model):
    """A contact the office made between the company and foreign civil society (e.g. an introduction to the Business
    and Human Rights Resource Centre)."""

    __tablename__ = "company_connections"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                                            info=raising(COMPANY))
    #: The organisation the company was put in touch with.
    connected_with: Mapped[str] = mapped_column(String(200), info=raising(COMPANY, _l("Organisation")))
    connected_on: Mapped[date] = mapped_column(info=raising(COMPANY, _l("Connected on")))
    connection_note: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Note on the contact")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(COMPANY))

    company: Mapped[Company] = relationship(back_populates="connections")

    AUDITED = ("connected_with", "connected_on", "connection_note")

    @property
    def label(self) -> str:
        return self.connected_with
