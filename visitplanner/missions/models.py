"""Missions: a delegation visit, inbound or outbound, with its delegation and companies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum, MemberText, sql_in
from ..extensions import db
from ..facts import (
    CREATED,
    UPDATED,
    Through,
    Vouched,
    created,
    facts,
    iso_day,
    raising,
    revision_counter,
    row_id,
    version_counter,
)
from ..itinerary.kinds import PUBLIC_KINDS, QUIET_KINDS
from ..messages import Message, StoredMessage
from ..personal_data import (
    ACTED,
    BOOKKEEPING,
    CIVIL,
    COMPANY,
    COMPANY_CONTACT,
    DELEGATION,
    NOTES,
    OFFICE,
    Category,
    personal,
)
from ..timeutil import UTCDateTime, months_before, now_utc

if TYPE_CHECKING:
    from ..itinerary.models import ProgrammeItem
    from ..partnerships.models import Partnership
    from ..followup.models import FollowUp
    from ..participants.models import Consultation
    from ..companies.models import CivilSocietyConnection, CompanyBriefing, DefenderMeeting, DueDiligenceChange
    from ..partnerships.models import Objective
    from ..readiness.models import ManualConfirmation, SignOff


class Direction(LabelledEnum):
    __fields__ = ("direction",)

    INBOUND = "inbound"
    OUTBOUND = "outbound"

    __labels__ = {
        INBOUND: _l("Inbound (partner delegation visits us)"),
        OUTBOUND: _l("Outbound (our delegation visits the partner)"),
    }
    short_label = MemberText({INBOUND: _l("Inbound"), OUTBOUND: _l("Outbound")})


class MissionStatus(LabelledEnum):
    __fields__ = ("status",)

    DRAFT = "draft"
    READY = "ready_for_signoff"
    FINALISED = "finalised"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    __labels__ = {
        DRAFT: _l("Draft"),
        READY: _l("Ready for sign-off"),
        FINALISED: _l("Finalised"),
        COMPLETED: _l("Completed"),
        CANCELLED: _l("Cancelled"),
    }


class RoomAnswer(LabelledEnum):
    """The partner's answer to an outbound mission's request for room to meet civil society (issue 24, part 7c)."""

    __fields__ = ("room_answer",)

    PENDING = "pending"
    GRANTED = "granted"
    PARTLY = "partly"
    REFUSED = "refused"

    __labels__ = {
        PENDING: _l("No answer yet"),
        GRANTED: _l("Granted"),
        PARTLY: _l("Partly granted"),
        REFUSED: _l("Refused"),
    }


def _in_mission() -> dict:
    """A company taking part in a mission: signers vouch for each company's briefing (readiness/fingerprint.py)."""
    return facts(raises=True, fingerprint=Through("companies"), privacy=COMPANY, audit=False, events=False)


mission_companies = Table(
    "mission_companies",
    db.metadata,
    Column("mission_id", ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True, info=_in_mission()),
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, info=_in_mission()),
)


class Mission(db.Model):
    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint(f"direction IN ({sql_in(Direction)})", name="known_direction"),
        CheckConstraint(f"status IN ({sql_in(MissionStatus)})", name="known_status"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        # Each state carries the columns that say how it was reached, and no others.
        CheckConstraint(
            "status NOT IN ('ready_for_signoff', 'finalised', 'completed') "
            "OR (submitted_by_id IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_submitter",
        ),
        CheckConstraint("status NOT IN ('finalised', 'completed') OR finalised_at IS NOT NULL",
                        name="finalised_has_time"),
        CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name="completed_has_time"),
        CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)",
                        name="cancelled_has_time_and_reason"),
        CheckConstraint("(override_reason IS NULL) = (override_by_id IS NULL)", name="override_has_approver"),
        CheckConstraint("(high_risk_reason IS NULL) = (high_risk_at IS NULL)", name="high_risk_has_moment"),
        # Nobody vouches for a draft or a cancelled mission.
        CheckConstraint("vouched_fingerprint IS NULL OR status NOT IN ('draft', 'cancelled')", name="vouched_not_draft"),
        CheckConstraint("(vouched_fingerprint IS NULL) = (vouched_content IS NULL)", name="vouched_with_content"),
        CheckConstraint(f"room_answer IS NULL OR room_answer IN ({sql_in(RoomAnswer)})", name="known_room_answer"),
        # A request for room to meet civil society is dated and has an answer (perhaps "no answer yet").
        CheckConstraint("(room_requested_on IS NULL) = (room_answer IS NULL)", name="room_request_has_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True,
                                                info=raising(OFFICE, _l("Partnership"), events=False))
    direction: Mapped[str] = mapped_column(String(16), info=facts(
        raises=True, fingerprint=Vouched(), privacy=OFFICE, audit=_l("Direction"), events=False))
    #: Names the mission's pages and calendar files; in no event.
    title: Mapped[str] = mapped_column(String(200), info=raising(OFFICE, _l("Title"), events=False))
    purpose: Mapped[str] = mapped_column(Text, default="", info=raising(OFFICE, _l("Purpose"), events=False))
    start_date: Mapped[date] = mapped_column(info=facts(
        raises=True, fingerprint=Vouched(how=iso_day), privacy=OFFICE, audit=_l("First day"), events=False))
    end_date: Mapped[date] = mapped_column(info=facts(
        raises=True, fingerprint=Vouched(how=iso_day), privacy=OFFICE, audit=_l("Last day"), events=False))
    #: IANA name of the zone where the visit takes place; the default for its programme items.
    timezone: Mapped[str] = mapped_column(String(64), info=raising(OFFICE, _l("Time zone"), events=False))
    #: A cancelled mission's items leave every calendar.
    status: Mapped[str] = mapped_column(String(32), default=MissionStatus.DRAFT.value,
                                        info=raising(OFFICE, _l("Status")))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=facts(
        ignored=CREATED, fingerprint=False, privacy=ACTED, audit=False))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE, events=False))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE, events=False))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE, events=False))
    #: When its items left calendars.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE))
    cancel_reason: Mapped[str | None] = mapped_column(Text, info=raising(OFFICE, events=False))
    #: Why the mission needs attention again (its sign-offs were voided); cleared on resubmission.
    #: A stored message (``messages.py``), or the reason as a person typed it.
    attention_reason: Mapped[Message | None] = mapped_column(StoredMessage, info=raising(OFFICE, events=False))
    #: An approver's reasoned override, needed while the partnership is advised against.
    override_reason: Mapped[str | None] = mapped_column(Text, info=raising(OFFICE, _l("Override"), events=False))
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE, events=False))
    #: High-risk mode set by the advisor, with the reason: no feed carries any item with a civil-society participant
    #: (disclosure.py). It also comes on by itself for a participant whose latest assessment is critical. The reason
    #: speaks of the danger to the people met.
    high_risk_reason: Mapped[str | None] = mapped_column(Text, info=raising(
        personal(Category.SAFETY, CIVIL), _l("High-risk mode")))
    high_risk_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    high_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(OFFICE, events=False))
    #: What the submitter, and after them each signer, vouched for (readiness/binding.py): its SHA-256, and the
    #: content itself, so that what changed since can be shown. Set on submission, cleared back in draft. The content
    #: holds aliases, delegation members, consent states and safety decisions, times.
    vouched_fingerprint: Mapped[str | None] = mapped_column(String(64), info=raising(BOOKKEEPING, events=False))
    vouched_content: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), info=raising(
        personal(Category.SAFETY, CIVIL, DELEGATION), events=False))
    #: An outbound mission's request to the partner for room to meet civil society (B.c), and the partner's answer.
    room_requested_on: Mapped[date | None] = mapped_column(info=raising(OFFICE, _l("Room requested on"),
                                                                         events=False))
    room_request: Mapped[str] = mapped_column(Text, default="", server_default="",
                                              info=raising(NOTES, _l("What was asked"), events=False))
    room_answer: Mapped[str | None] = mapped_column(String(16), info=raising(OFFICE, _l("The partner's answer"),
                                                                             events=False))
    room_answered_on: Mapped[date | None] = mapped_column(info=raising(OFFICE, _l("Answered on"), events=False))
    room_answer_notes: Mapped[str] = mapped_column(Text, default="", server_default="",
                                                   info=raising(NOTES, _l("Notes on the answer"), events=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc, info=facts(
        ignored=UPDATED, fingerprint=False, privacy=OFFICE, audit=False))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())
    #: Raised by every change to what any output shows of the mission (revisions.py); never set by hand.
    revision: Mapped[int] = mapped_column(default=0, info=revision_counter())
    #: Milliseconds since 1970 (UTC) of the latest revision, strictly rising: what Last-Modified derives from.
    revised_ms: Mapped[int] = mapped_column(BigInteger, default=0, info=revision_counter())

    partnership: Mapped[Partnership] = relationship(back_populates="missions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    override_by: Mapped[User | None] = relationship(foreign_keys=[override_by_id])
    high_risk_by: Mapped[User | None] = relationship(foreign_keys=[high_risk_by_id])
    sign_offs: Mapped[list[SignOff]] = relationship(order_by="SignOff.id", cascade="all, delete-orphan")
    confirmations: Mapped[list[ManualConfirmation]] = relationship(
        order_by="ManualConfirmation.id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(order_by="FollowUp.due_date", cascade="all, delete-orphan")
    members: Mapped[list[DelegationMember]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", order_by="DelegationMember.id"
    )
    companies: Mapped[list[Company]] = relationship(
        secondary=mission_companies, back_populates="missions", order_by="Company.name"
    )
    items: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", order_by="ProgrammeItem.starts_at"
    )
    #: Consultations of the embassy or another trusted channel on meeting civil society (rule 5, outbound).
    consultations: Mapped[list[Consultation]] = relationship(order_by="Consultation.consulted_on",
                                                             cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    AUDITED = ("partnership_id", "direction", "title", "purpose", "start_date", "end_date", "timezone", "status",
               "override_reason")

    @property
    def label(self) -> str:
        return self.title

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).short_label

    @property
    def status_label(self) -> str:
        return MissionStatus(self.status).label

    @property
    def is_outbound(self) -> bool:
        return self.direction == Direction.OUTBOUND

    ROOM_REQUEST = ("room_requested_on", "room_request", "room_answer", "room_answered_on", "room_answer_notes")

    @property
    def room_answer_label(self) -> str | None:
        return RoomAnswer(self.room_answer).label if self.room_answer else None

    def can_record_room_request(self) -> bool:
        """Room to meet civil society is asked of the partner for a visit to the partner (outbound) only."""
        return self.is_outbound

    def member_for(self, user: User) -> DelegationMember | None:
        return next((m for m in self.members if m.user_id == user.id), None)

    @property
    def ours(self) -> list[DelegationMember]:
        """Our own people in the delegation."""
        return [m for m in self.members if not m.is_visitor]

    @property
    def visitors(self) -> list[DelegationMember]:
        """The visiting delegation's members on the list (an inbound mission)."""
        return [m for m in self.members if m.is_visitor]

    @property
    def diplomacy_balance(self) -> tuple[int, int]:
        """(public moments, quiet meetings): does the office only ever raise rights behind closed doors?"""
        live = [i for i in self.items if i.removed_at is None]
        return sum(1 for i in live if i.kind in PUBLIC_KINDS), sum(1 for i in live if i.kind in QUIET_KINDS)

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention_reason) and self.status == MissionStatus.DRAFT

    @property
    def is_completed(self) -> bool:
        """Outcomes and follow-up actions are recorded once the mission is completed."""
        return self.status == MissionStatus.COMPLETED


#: Who a delegation member is.
MEMBER = personal(Category.IDENTITY, DELEGATION)


class Side(LabelledEnum):
    """Whose side a delegation member is on: our own people (hosts, travellers, interpreters we bring) or, on an
    inbound mission, the visiting delegation. Talking points go to our side only (``disclosure.py``)."""

    __fields__ = ("side",)

    OURS = "ours"
    VISITORS = "visitors"

    __labels__ = {
        OURS: _l("Our own people"),
        VISITORS: _l("The visiting delegation"),
    }


class DelegationMember(db.Model):
    """A person in the delegation: an account, or an external person by name."""

    __tablename__ = "delegation_members"
    __table_args__ = (
        UniqueConstraint("mission_id", "user_id", name="uq_delegation_members_mission_user"),
        CheckConstraint("user_id IS NOT NULL OR name IS NOT NULL", name="account_or_name"),
        CheckConstraint(f"side IN ({sql_in(Side)})", name="known_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: Who travels, and so where and when they are: signers vouch for who is in the delegation.
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True, info=facts(
        raises=True, fingerprint=Through("delegation"), privacy=personal(Category.MEETINGS, DELEGATION), audit=False))
    #: A member with an account is named by it in every event they attend.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                info=raising(MEMBER, _l("Account")))
    #: Only for external persons; members with an account are named by it.
    name: Mapped[str | None] = mapped_column(String(200), info=raising(MEMBER, _l("Name")))
    function: Mapped[str] = mapped_column(String(200), default="", info=raising(MEMBER, _l("Function"), events=False))
    organisation: Mapped[str] = mapped_column(String(200), default="",
                                              info=raising(MEMBER, _l("Organisation"), events=False))
    #: Our own people or the visitors (``Side``): whether the member's programme carries the talking points.
    side: Mapped[str] = mapped_column(String(16), default="ours",
                                      info=raising(MEMBER, _l("Side")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(MEMBER))

    mission: Mapped[Mission] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship(lazy="joined")

    AUDITED = ("user_id", "name", "function", "organisation", "side")

    @property
    def side_label(self) -> str:
        return Side(self.side).label

    @property
    def is_visitor(self) -> bool:
        return self.side == Side.VISITORS

    @property
    def display_name(self) -> str:
        return self.user.name if self.user is not None else (self.name or "")

    @property
    def label(self) -> str:
        return self.display_name


class BriefingState(LabelledEnum):
    HELD = "held"
    PLANNED = "planned"
    NOT_HELD = "not_held"
    MISSING = "missing"
    TOO_LATE = "too_late"
    #: Held before departure, but longer ago than a briefing counts for (``COMPANY_BRIEFING_VALID_MONTHS``).
    EXPIRED = "expired"

    __labels__ = {
        HELD: _l("briefing held"),
        PLANNED: _l("briefing planned, not yet recorded as held"),
        NOT_HELD: _l("briefing not recorded as held, and departure is near"),
        MISSING: _l("no briefing"),
        TOO_LATE: _l("briefing only after departure"),
        EXPIRED: _l("not briefed within the period"),
    }

    @property
    def is_held(self) -> bool:
        """Nothing to do: the briefing was held in time (the page marks every other state)."""
        return self is BriefingState.HELD


class DueDiligence(LabelledEnum):
    __fields__ = ("due_diligence",)

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    __labels__ = {NOT_STARTED: _l("Not started"), IN_PROGRESS: _l("In progress"), DONE: _l("Done")}


#: How long a held briefing counts for unless the organisation sets another period (``COMPANY_BRIEFING_VALID_MONTHS``).
BRIEFING_VALID_MONTHS = 12


class Company(db.Model):
    """A business of the region with ties to China, in the register kept across missions (B.c): its briefings, due
    diligence, meetings with local defenders, contacts with foreign civil society and the objectives it is involved
    in (``companies/models.py``). A mission picks its companies from the register."""

    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint(f"due_diligence IN ({sql_in(DueDiligence)})", name="known_due_diligence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    name: Mapped[str] = mapped_column(String(200), unique=True, info=raising(COMPANY, _l("Name")))
    sector: Mapped[str] = mapped_column(String(200), default="", info=raising(COMPANY, _l("Sector")))
    contact: Mapped[str] = mapped_column(String(300), default="", info=raising(
        personal(Category.CONTACT, COMPANY_CONTACT), _l("Contact")))
    #: Its ties to China and the partner region: trade, a plant, suppliers, a project.
    ties: Mapped[str] = mapped_column(Text, default="", info=raising(COMPANY, _l("Ties to the partner region")))
    #: Due diligence against the OECD Guidelines and the UNGPs, as it stands now; each change is kept in its history
    #: (``companies/models.py``, ``DueDiligenceChange``).
    due_diligence: Mapped[str] = mapped_column(String(16), default=DueDiligence.NOT_STARTED.value, info=facts(
        raises=True, fingerprint=Vouched(), privacy=COMPANY, audit=_l("Due diligence")))
    due_diligence_notes: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Due-diligence notes")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(COMPANY))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())

    __mapper_args__ = {"version_id_col": version}

    missions: Mapped[list[Mission]] = relationship(secondary=mission_companies, back_populates="companies")
    #: Its human-rights briefings, newest first: the history the outbound check reads.
    briefings: Mapped[list[CompanyBriefing]] = relationship(
        back_populates="company", cascade="all, delete-orphan",
        order_by="[CompanyBriefing.briefed_on.desc(), CompanyBriefing.id.desc()]")
    due_diligence_history: Mapped[list[DueDiligenceChange]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="DueDiligenceChange.id.desc()")
    defender_meetings: Mapped[list[DefenderMeeting]] = relationship(
        back_populates="company", cascade="all, delete-orphan",
        order_by="[DefenderMeeting.met_on.desc(), DefenderMeeting.id.desc()]")
    connections: Mapped[list[CivilSocietyConnection]] = relationship(
        back_populates="company", cascade="all, delete-orphan",
        order_by="[CivilSocietyConnection.connected_on.desc(), CivilSocietyConnection.id.desc()]")
    objectives: Mapped[list[Objective]] = relationship(secondary="company_objectives", order_by="Objective.id")

    AUDITED = ("name", "sector", "contact", "ties", "due_diligence", "due_diligence_notes")

    @property
    def label(self) -> str:
        return self.name

    @property
    def due_diligence_label(self) -> str:
        return DueDiligence(self.due_diligence).label

    @property
    def latest_held(self) -> CompanyBriefing | None:
        """The most recent briefing recorded as held."""
        return next((b for b in self.briefings if b.held), None)

    def briefing_before(self, departure: date, today: date,
                        valid_months: int = BRIEFING_VALID_MONTHS) -> BriefingState:
        """Where the company's human-rights briefing stands for a departure on ``departure`` (rule 3): a briefing
        held on or before the day of departure counts for ``valid_months`` months; one still to come is a plan."""
        since = months_before(departure, valid_months)
        before = [b for b in self.briefings if b.briefed_on <= departure]
        if any(b.held and b.briefed_on >= since for b in before):
            return BriefingState.HELD
        if any(not b.held and b.briefed_on >= since for b in before):
            # A date is a plan until the briefing is recorded as held; from the day before departure that is too late.
            return BriefingState.NOT_HELD if today >= departure - timedelta(days=1) else BriefingState.PLANNED
        if any(b.held for b in before):
            return BriefingState.EXPIRED
        if len(before) < len(self.briefings):
            return BriefingState.TOO_LATE
        return BriefingState.MISSING
