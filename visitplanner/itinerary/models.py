"""Programme items: the itinerary of a mission."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum, sql_in
from ..extensions import db
from ..facts import (
    CREATED,
    DERIVED,
    Through,
    Vouched,
    created,
    digest,
    facts,
    flag,
    raising,
    row_id,
    stripped,
    version_counter,
    wall_clock,
)
from ..missions.models import DelegationMember, Mission, MissionStatus
from ..personal_data import ACTED, BOOKKEEPING, CIVIL, DELEGATION, NOTES, OFFICE, Category, personal
from ..timeutil import UTCDateTime, in_zone, now_utc
# The kinds sit below this model and the mission's (kinds.py); rules and pages still import them from here.
from .kinds import CHOSEN_KINDS, CIVIL_SOCIETY_KINDS, HUMAN_RIGHTS_COMPONENTS, NEUTRAL_IN_TRAVEL, ItemKind  # noqa: F401

if TYPE_CHECKING:
    from ..participants.models import Participant
    from ..partnerships.models import FocalTheme


#: Asked for instead of a visibility: decided by who attends (``itinerary.operations``).
AUTOMATIC = "automatic"


class Visibility(LabelledEnum):
    """Who may see an item, from least to most revealing."""

    __fields__ = ("visibility",)

    INTERNAL = "internal"
    DELEGATION = "delegation"
    PARTNER = "partner"
    PUBLIC = "public"

    __labels__ = {
        INTERNAL: _l("Internal (office only)"),
        DELEGATION: _l("Delegation"),
        PARTNER: _l("Shared with the partner"),
        PUBLIC: _l("Public"),
    }


def new_uid() -> str:
    """A UID for calendar clients: random, never derived from position, never reused."""
    return f"{uuid.uuid4()}@visitplanner"


#: When and where the people taking part meet: of the delegation, and of civil society.
MEETINGS = personal(Category.MEETINGS, CIVIL, DELEGATION)


def _attends() -> dict:
    """Who of the delegation attends an item: named in its events; signers vouch for it."""
    return facts(raises=True, fingerprint=Vouched(), privacy=personal(Category.MEETINGS, DELEGATION), audit=False)


item_attendees = Table(
    "item_attendees",
    db.metadata,
    Column("item_id", ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True, info=_attends()),
    Column("member_id", ForeignKey("delegation_members.id", ondelete="CASCADE"), primary_key=True, info=_attends()),
)

#: The partnership's focal themes an item raises (B.b: raise the themes at every contact).
item_focal_themes = Table(
    "item_focal_themes",
    db.metadata,
    Column("item_id", ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True, info=raising(OFFICE)),
    Column("theme_id", ForeignKey("focal_themes.id", ondelete="CASCADE"), primary_key=True, info=raising(OFFICE)),
)


class ProgrammeItem(db.Model):
    __tablename__ = "programme_items"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ItemKind)})", name="known_kind"),
        CheckConstraint(f"visibility IN ({sql_in(Visibility)})", name="known_visibility"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("headcount IS NULL OR headcount > 0", name="headcount_positive"),
        CheckConstraint("protected_by_id IS NULL OR protected_at IS NOT NULL", name="protected_has_moment"),
        UniqueConstraint("mission_id", "import_uid", name="uq_programme_items_import_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: Stable identifier for calendar clients; what signers vouch for of an item is kept under it.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid, info=facts(
        ignored=CREATED, fingerprint=Through("items"), privacy=BOOKKEEPING, audit=False))
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True, info=facts(
        raises=True, fingerprint=Through("items"), privacy=OFFICE, audit=False))
    kind: Mapped[str] = mapped_column(String(32), info=facts(
        raises=True, fingerprint=Vouched(), privacy=OFFICE, audit=_l("Kind")))
    #: What a change is shown by in what changed since a sign-off; renaming alone voids nothing.
    title: Mapped[str] = mapped_column(String(200), info=raising(NOTES, _l("Title")))
    #: Aware UTC instants; ``timezone`` is the IANA zone where the item happens. Signers vouch for the wall-clock
    #: times where it starts and ends.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, info=facts(
        raises=True, fingerprint=Vouched("starts", read="local_start", how=wall_clock), privacy=MEETINGS,
        audit=_l("Start")))
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, info=facts(
        raises=True, fingerprint=Vouched("ends", read="local_end", how=wall_clock), privacy=MEETINGS,
        audit=_l("End")))
    timezone: Mapped[str] = mapped_column(String(64), info=facts(
        raises=True, fingerprint=Vouched(), privacy=MEETINGS, audit=_l("Time zone")))
    #: Where the item ends, when that is another zone than where it starts (a flight, a night train). Signers vouch
    #: for the zone where it ends, whichever says so.
    end_timezone: Mapped[str | None] = mapped_column(String(64), info=facts(
        raises=True, fingerprint=Vouched(read="end_zone"), privacy=MEETINGS, audit=_l("Time zone at the end")))
    location: Mapped[str] = mapped_column(String(300), default="", info=facts(
        raises=True, fingerprint=Vouched(how=stripped), privacy=MEETINGS, audit=_l("Location")))
    description: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Description")))
    #: Vouched for as a digest: whether there are talking points and which, never the text (kept with the mission).
    talking_points: Mapped[str] = mapped_column(Text, default="", info=facts(
        raises=True, fingerprint=Vouched(how=digest), privacy=NOTES, audit=_l("Human-rights talking points")))
    #: Why an official meeting carries no human-rights talking points (rule 8).
    no_talking_points_reason: Mapped[str] = mapped_column(Text, default="", info=facts(
        raises=True, fingerprint=Vouched(how=digest), privacy=OFFICE, audit=_l("Reason for having no talking points")))
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.INTERNAL.value, info=facts(
        raises=True, fingerprint=Vouched(), privacy=OFFICE, audit=_l("Visibility")))
    #: A meeting with residents may count people kept off the record for their own safety instead of naming them
    #: as participants: how many, and why (rule 2).
    headcount: Mapped[int | None] = mapped_column(info=facts(
        raises=True, fingerprint=Vouched(), privacy=OFFICE, audit=_l("People kept off the record")))
    headcount_reason: Mapped[str] = mapped_column(Text, default="", info=facts(
        raises=True, fingerprint=Vouched(how=digest), privacy=NOTES, audit=_l("Why they are kept off the record")))
    #: Runs alongside other items on purpose: attendees in both are not double-booked.
    parallel: Mapped[bool] = mapped_column(default=False, info=facts(
        raises=True, fingerprint=Vouched(how=flag), privacy=OFFICE, audit=_l("Parallel")))
    #: iCalendar SEQUENCE: the highest an audience has been sent (see ``shown``). Derived at every commit by
    #: ``visitplanner/calendar/following.py``, never set by hand.
    sequence: Mapped[int] = mapped_column(default=0, info=facts(
        ignored=DERIVED, fingerprint=False, privacy=BOOKKEEPING, audit=False))
    #: What each audience has been shown of the item in calendars, per audience: a digest of its event, its own
    #: SEQUENCE, and the time, title and class it was shown with; ``withdrawn_at`` once it no longer sees the item
    #: (it then gets the event cancelled for 30 days). Derived, like ``sequence``. NULL: made before this was
    #: followed.
    shown: Mapped[dict | None] = mapped_column(JSON, default=dict, info=facts(
        ignored=DERIVED, fingerprint=False, privacy=MEETINGS, audit=False))
    #: The advisor's decision that keeps the item out of every calendar feed and command-line export (high-risk
    #: mode for this item): set when someone at it is assessed at critical risk, and held, whatever happens to the
    #: people linked, the item or other assessments, until the advisor releases it with a reason (audited). It names
    #: no one: who was at risk stays on the assessment.
    protected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(personal(Category.SAFETY, CIVIL)))
    protected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    #: Set when the item is removed; kept so calendar subscribers see it cancelled. Signers vouch for the live items.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=facts(
        raises=True, fingerprint=Through("items"), privacy=OFFICE, audit=_l("Removed")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(OFFICE))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())
    #: The UID of the event in a partner's calendar file this item was imported from (``itinerary/importing.py``):
    #: importing the file again updates the item instead of adding it twice. None: typed by hand.
    import_uid: Mapped[str | None] = mapped_column(String(255), info=facts(
        ignored=CREATED, fingerprint=False, privacy=BOOKKEEPING, audit=False))

    mission: Mapped[Mission] = relationship(back_populates="items")
    attendees: Mapped[list[DelegationMember]] = relationship(
        secondary=item_attendees, order_by="DelegationMember.id"
    )
    participants: Mapped[list[Participant]] = relationship(
        secondary="item_participants", order_by="Participant.id"
    )
    focal_themes: Mapped[list[FocalTheme]] = relationship(secondary=item_focal_themes, order_by="FocalTheme.id")
    protected_by: Mapped[User | None] = relationship(foreign_keys=[protected_by_id])

    __mapper_args__ = {"version_id_col": version}

    #: Audited as people read them: local wall-clock times with their zone, attendees by name.
    AUDITED = (
        "kind", "title", "starts_local", "ends_local", "location", "description",
        "talking_points", "no_talking_points_reason", "visibility", "parallel", "attendee_names",
        "participant_aliases", "theme_names", "headcount", "headcount_reason",
    )

    @property
    def label(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return ItemKind(self.kind).label

    @property
    def to_be_classified(self) -> bool:
        """Imported and not yet given a kind by the office (kept out of every feed, file and print)."""
        return self.kind == ItemKind.UNCLASSIFIED

    @property
    def visibility_label(self) -> str:
        return Visibility(self.visibility).label

    @property
    def attendee_ids(self) -> list[int]:
        return sorted(m.id for m in self.attendees)

    @property
    def attendee_names(self) -> list[str]:
        return sorted(m.display_name for m in self.attendees)

    @property
    def participant_aliases(self) -> list[str]:
        return sorted(p.alias for p in self.participants)

    @property
    def theme_names(self) -> list[str]:
        return [t.label for t in self.focal_themes]

    @property
    def starts_local(self) -> str:
        return f"{self.local_start:%Y-%m-%d %H:%M} ({self.timezone})"

    @property
    def ends_local(self) -> str:
        return f"{self.local_end:%Y-%m-%d %H:%M} ({self.end_zone})"

    @property
    def is_protected(self) -> bool:
        """Whether the advisor's decision keeps the item out of every feed (see ``protected_at``)."""
        return self.protected_at is not None

    @property
    def is_civil_society_kind(self) -> bool:
        return self.kind in CIVIL_SOCIETY_KINDS

    @property
    def in_calendars(self) -> bool:
        """Whether calendars carry the item as planned: it is not removed and its mission is not cancelled."""
        return self.removed_at is None and self.mission.status != MissionStatus.CANCELLED

    @property
    def left_calendars_at(self) -> datetime | None:
        """When the item left calendars: removed, or its mission cancelled (the earlier); None while in them."""
        moments = [m for m in (self.removed_at, self.mission.cancelled_at) if m is not None]
        return min(moments) if moments else None

    @property
    def end_zone(self) -> str:
        """The zone where the item ends: its own end zone, or the zone where it starts."""
        return self.end_timezone or self.timezone

    @property
    def local_start(self) -> datetime:
        return in_zone(self.starts_at, self.timezone)

    @property
    def local_end(self) -> datetime:
        return in_zone(self.ends_at, self.end_zone)

    def overlaps(self, other: ProgrammeItem) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
