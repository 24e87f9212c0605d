"""Partnerships between the own organisation and a partner region."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import LabelledEnum, RiskLevel, sql_in
from ..extensions import db
from ..facts import UPDATED, created, facts, raising, revision_counter, row_id, version_counter
from ..personal_data import ACTED, NOTES, OFFICE
from ..timeutil import UTCDateTime, now_utc
from .themes import CATALOGUE, ThemeLine

if TYPE_CHECKING:
    from ..auth.models import User
    from ..missions.models import Mission


class PartnershipKind(LabelledEnum):
    __fields__ = ("kind",)

    SISTER_CITY = "sister_city"
    FRIENDSHIP = "friendship"
    THEMATIC = "thematic"

    __labels__ = {
        SISTER_CITY: _l("Sister city / partner city"),
        FRIENDSHIP: _l("Friendship relation"),
        THEMATIC: _l("Thematic or strategic partnership"),
    }


class RegionType(LabelledEnum):
    __fields__ = ("region_type",)

    CITY = "city"
    PROVINCE = "province"

    __labels__ = {CITY: _l("City"), PROVINCE: _l("Province")}


class DossierTopic(LabelledEnum):
    #: "topics": what a company's briefing covered (``companies``).
    __fields__ = ("topic", "topics")

    CHINA = "china"
    REGION = "region"
    THEME = "theme"
    CONSULTATIONS = "consultations"
    CIVIL_SOCIETY = "civil_society"

    __labels__ = {
        CHINA: _l("Human-rights situation in China"),
        REGION: _l("Human-rights situation in the partner region"),
        THEME: _l("Human rights within the partnership's theme"),
        CONSULTATIONS: _l("Consultations with human-rights organisations, defenders and residents"),
        CIVIL_SOCIETY: _l("Reports of civil society in the partner region"),
    }


partnership_focal_themes = Table(
    "partnership_focal_themes",
    db.metadata,
    Column("partnership_id", ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True,
           info=raising(OFFICE)),
    Column("theme_id", ForeignKey("focal_themes.id", ondelete="CASCADE"), primary_key=True, info=raising(OFFICE)),
)


class Partnership(db.Model):
    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(PartnershipKind)})", name="known_kind"),
        CheckConstraint(f"region_type IN ({sql_in(RegionType)})", name="known_region_type"),
        CheckConstraint(f"risk_level IN ({sql_in(RiskLevel)})", name="known_risk_level"),
        CheckConstraint("NOT advised_against OR advised_against_reason <> ''", name="advice_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    own_organisation: Mapped[str] = mapped_column(String(200), info=raising(OFFICE, _l("Own organisation")))
    partner_region: Mapped[str] = mapped_column(String(200), info=raising(OFFICE, _l("Partner region")))
    region_type: Mapped[str] = mapped_column(String(16), info=raising(OFFICE, _l("Region type")))
    kind: Mapped[str] = mapped_column(String(32), info=raising(OFFICE, _l("Kind")))
    #: Free text, e.g. "smart cities, water management".
    cooperation_themes: Mapped[str] = mapped_column(Text, default="", info=raising(OFFICE, _l("Cooperation themes")))
    #: None until the human-rights advisor assesses it: a new partnership is "not yet assessed", never "medium".
    risk_level: Mapped[str | None] = mapped_column(String(16), info=raising(OFFICE, _l("Risk level")))
    #: Research shows repression so large that no human-rights engagement is possible (e.g. Xinjiang).
    advised_against: Mapped[bool] = mapped_column(default=False, info=raising(OFFICE, _l("Engagement advised against")))
    advised_against_reason: Mapped[str] = mapped_column(Text, default="",
                                                        info=raising(OFFICE, _l("Reason for the advice")))
    #: When the research dossier was last reviewed as a whole.
    dossier_reviewed_on: Mapped[date | None] = mapped_column(info=raising(OFFICE, _l("Dossier last reviewed")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc, info=facts(
        ignored=UPDATED, fingerprint=False, privacy=OFFICE, audit=False))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())
    #: Raised by every change to the partnership's own content (revisions.py); never set by hand.
    revision: Mapped[int] = mapped_column(default=0, info=revision_counter())
    #: Milliseconds since 1970 (UTC) of the latest revision, strictly rising: what Last-Modified derives from.
    revised_ms: Mapped[int] = mapped_column(BigInteger, default=0, info=revision_counter())

    missions: Mapped[list[Mission]] = relationship(
        back_populates="partnership", order_by="Mission.start_date"
    )
    dossier_entries: Mapped[list[DossierEntry]] = relationship(
        back_populates="partnership", order_by="DossierEntry.entry_date.desc()", cascade="all, delete-orphan"
    )
    focal_themes: Mapped[list[FocalTheme]] = relationship(secondary=partnership_focal_themes, order_by="FocalTheme.id")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="partnership", order_by="Objective.target_date", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    AUDITED = ("own_organisation", "partner_region", "region_type", "kind", "cooperation_themes")
    ADVICE = ("risk_level", "advised_against", "advised_against_reason")

    @property
    def label(self) -> str:
        return f"{self.own_organisation} – {self.partner_region}"

    @property
    def needs_override(self) -> bool:
        """While engagement is advised against, a mission goes ahead only with an override and its reason (who may
        create one then, and who may override, is ``access.py``'s)."""
        return self.advised_against

    @property
    def kind_label(self) -> str:
        return PartnershipKind(self.kind).label

    @property
    def region_type_label(self) -> str:
        return RegionType(self.region_type).label

    @property
    def risk_label(self) -> str:
        return RiskLevel(self.risk_level).label if self.risk_level else str(_l("Not yet assessed"))

    def review_due_on(self, last_review: date | None, months: int) -> date:
        """When the next periodic review of the whole partnership falls due: ``months`` after the last review, or
        after the partnership's creation when it was never reviewed (as the dossier's review is counted)."""
        return add_months(last_review or self.created_at.date(), months)

    def review_due(self, last_review: date | None, months: int, today: date) -> ReviewDue:
        """Where the next periodic review stands on ``today`` (:meth:`review_due_on`)."""
        return ReviewDue(self.review_due_on(last_review, months), today)

    def dossier_due_for_review(self, today: date, every: timedelta) -> bool:
        """Whether the research dossier has gone ``every`` without a review, counted from the partnership's
        creation when it was never reviewed (not from the beginning of time: a new dossier is not overdue)."""
        last = self.dossier_reviewed_on or self.created_at.date()
        return last < today - every


@dataclass(frozen=True)
class ReviewDue:
    """When the next periodic review of a partnership falls due, seen on ``today``: due from that day on, overdue
    after it. Pages, the report and the dashboard ask it; none compares the days itself."""

    on: date
    today: date

    @property
    def due(self) -> bool:
        return self.on <= self.today

    @property
    def overdue(self) -> bool:
        return self.on < self.today


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 January + 1 month: 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class FocalTheme(db.Model):
    """A focal theme (speerpuntthema): from the catalogue or custom. No theme is excluded up front."""

    __tablename__ = "focal_themes"
    __table_args__ = (CheckConstraint(f"line IN ({sql_in(ThemeLine)})", name="known_line"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: Catalogue themes have a key and a translated name; custom themes only a name. Audited by their labels (a
    #: partnership's or an item's focal themes); an item's themes are in its event on the office's own copy.
    key: Mapped[str | None] = mapped_column(String(64), unique=True, info=raising(OFFICE))
    name: Mapped[str] = mapped_column(String(200), info=raising(NOTES))
    line: Mapped[str] = mapped_column(String(16), info=raising(OFFICE, events=False))
    description: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, events=False))

    @property
    def label(self) -> str:
        entry = CATALOGUE.get(self.key or "")
        return str(entry[0]) if entry else self.name

    @property
    def line_label(self) -> str:
        return ThemeLine(self.line).label


class DossierEntry(db.Model):
    """An entry in the partnership's research dossier (B.b "Onderzoek")."""

    __tablename__ = "dossier_entries"
    __table_args__ = (CheckConstraint(f"topic IN ({sql_in(DossierTopic)})", name="known_topic"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True,
                                                info=raising(OFFICE))
    topic: Mapped[str] = mapped_column(String(32), info=raising(OFFICE, _l("Topic")))
    summary: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Summary")))
    #: Sources, one per line: title, link and date.
    sources: Mapped[str] = mapped_column(Text, default="", info=raising(OFFICE, _l("Sources")))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    entry_date: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Date")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    partnership: Mapped[Partnership] = relationship(back_populates="dossier_entries")
    author: Mapped[User | None] = relationship(lazy="joined")

    AUDITED = ("topic", "summary", "sources", "entry_date")

    @property
    def label(self) -> str:
        return self.topic_label

    @property
    def topic_label(self) -> str:
        return DossierTopic(self.topic).label


class ProgressRating(LabelledEnum):
    __fields__ = ("progress",)

    NONE = "none"
    LITTLE = "little"
    SOME = "some"
    GOOD = "good"
    ACHIEVED = "achieved"

    __labels__ = {
        NONE: _l("No progress"),
        LITTLE: _l("Little progress"),
        SOME: _l("Some progress"),
        GOOD: _l("Good progress"),
        ACHIEVED: _l("Achieved"),
    }


class Evaluation(db.Model):
    """An evaluation of an action-plan objective against its benchmark."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(f"progress IN ({sql_in(ProgressRating)})", name="known_progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"), index=True,
                                              info=raising(OFFICE))
    evaluated_on: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Date")))
    progress: Mapped[str] = mapped_column(String(16), info=raising(OFFICE, _l("Progress")))
    findings: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Findings")))
    next_steps: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Next steps")))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    AUDITED = ("evaluated_on", "progress", "findings", "next_steps")

    @property
    def label(self) -> str:
        return self.evaluated_on.isoformat()

    @property
    def progress_label(self) -> str:
        return ProgressRating(self.progress).label


class ObjectiveKind(LabelledEnum):
    """An action-plan objective, or a concrete project with a local partner (issue 24, part 7b)."""

    __fields__ = ("kind",)

    OBJECTIVE = "objective"
    PROJECT = "project"

    __labels__ = {OBJECTIVE: _l("An objective of the action plan"), PROJECT: _l("Project with a local partner")}


class Objective(db.Model):
    """An objective of the partnership's human-rights action plan (B.b "Planning"), or a project with a local
    partner: an objective of a kind, with the partner organisation's name."""

    __tablename__ = "objectives"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ObjectiveKind)})", name="known_kind"),
        CheckConstraint("kind = 'project' OR local_partner = ''", name="local_partner_of_project"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True,
                                                info=raising(OFFICE))
    focal_theme_id: Mapped[int | None] = mapped_column(ForeignKey("focal_themes.id"),
                                                       info=raising(OFFICE, _l("Focal theme")))
    what: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Objective")))
    benchmark: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Benchmark")))
    target_date: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Target date")))
    evaluation_due: Mapped[date | None] = mapped_column(info=raising(OFFICE, _l("Evaluation due")))
    kind: Mapped[str] = mapped_column(String(16), default=ObjectiveKind.OBJECTIVE.value, server_default="objective",
                                      info=raising(OFFICE, _l("Kind")))
    #: A project's local partner: an organisation, never a person.
    local_partner: Mapped[str] = mapped_column(String(200), default="", server_default="",
                                               info=raising(OFFICE, _l("Local partner")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    partnership: Mapped[Partnership] = relationship(back_populates="objectives")
    focal_theme: Mapped[FocalTheme | None] = relationship(lazy="joined")
    evaluations: Mapped[list[Evaluation]] = relationship(order_by="Evaluation.evaluated_on",
                                                         cascade="all, delete-orphan")

    AUDITED = ("what", "benchmark", "target_date", "evaluation_due", "focal_theme_id", "kind", "local_partner")

    @property
    def label(self) -> str:
        return self.what[:80]

    @property
    def is_project(self) -> bool:
        return self.kind == ObjectiveKind.PROJECT

    @property
    def kind_label(self) -> str:
        return ObjectiveKind(self.kind).label

    @property
    def latest_evaluation(self) -> Evaluation | None:
        return self.evaluations[-1] if self.evaluations else None

    def evaluation_overdue(self, today: date) -> bool:
        """Whether its evaluation fell due before today and was not held."""
        return self.evaluation_due is not None and self.evaluation_due < today


class PartnershipReview(db.Model):
    """A periodic review of the whole partnership against its action plan (B.b: "Werk met benchmarks en evalueer
    je actieplan regelmatig"): when, by whom, the overall conclusion and next steps, and notes per objective."""

    __tablename__ = "partnership_reviews"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True,
                                                info=raising(OFFICE))
    held_on: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Held on")))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, _l("Reviewed by")))
    conclusion: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Overall conclusion")))
    next_steps: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Next steps")))
    #: Risk and safety details for the office only: never in the edition for the council.
    internal_notes: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Internal notes")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    partnership: Mapped[Partnership] = relationship()
    reviewed_by: Mapped[User | None] = relationship(lazy="joined")
    notes: Mapped[list[ReviewNote]] = relationship(order_by="ReviewNote.id", cascade="all, delete-orphan")

    AUDITED = ("held_on", "conclusion", "next_steps", "internal_notes")

    @property
    def label(self) -> str:
        return self.held_on.isoformat()


class ReviewNote(db.Model):
    """What a partnership review says of one objective or project."""

    __tablename__ = "partnership_review_notes"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    review_id: Mapped[int] = mapped_column(ForeignKey("partnership_reviews.id", ondelete="CASCADE"), index=True,
                                           info=raising(OFFICE))
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"), index=True,
                                              info=raising(OFFICE))
    note: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Note")))
