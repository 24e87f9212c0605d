"""After a visit: what was raised in each official meeting, and the follow-up actions (B.c "opvolging")."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum
from ..extensions import db
from ..partnerships.models import Objective
from ..timeutil import UTCDateTime, now_utc


class FollowUpStatus(LabelledEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    __labels__ = {OPEN: _l("Open"), IN_PROGRESS: _l("In progress"), DONE: _l("Done")}


class MeetingOutcome(db.Model):
    """What the delegation raised in an official meeting, and how the partner responded."""

    __tablename__ = "meeting_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), unique=True)
    raised: Mapped[str] = mapped_column(Text)
    partner_response: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    AUDITED = ("raised", "partner_response")


class FollowUp(db.Model):
    """A follow-up action after a mission: what, with whom, who owns it, by when."""

    __tablename__ = "follow_ups"
    __table_args__ = (CheckConstraint("status IN ('open', 'in_progress', 'done')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    with_whom: Mapped[str] = mapped_column(String(300), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=FollowUpStatus.OPEN.value)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    owner: Mapped[User | None] = relationship(lazy="joined")
    objective: Mapped[Objective | None] = relationship(lazy="joined")

    AUDITED = ("what", "with_whom", "owner_id", "due_date", "status", "objective_id")

    @property
    def label(self) -> str:
        return self.what[:80]

    @property
    def status_label(self) -> str:
        return FollowUpStatus(self.status).label

    def is_overdue(self, today: date) -> bool:
        return self.status != FollowUpStatus.DONE and self.due_date < today
