"""After a visit: what was raised in each official meeting, and the follow-up actions (B.c "opvolging")."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..contacts.models import Contact
from ..enums import LabelledEnum
from ..extensions import db
from ..facts import created, raising, row_id
from ..partnerships.models import Objective, Partnership
from ..personal_data import ACTED, NAMED, NOTES, OFFICE, Category, personal
from ..timeutil import UTCDateTime, now_utc


class FollowUpStatus(LabelledEnum):
    __fields__ = ("status",)

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    __labels__ = {OPEN: _l("Open"), IN_PROGRESS: _l("In progress"), DONE: _l("Done")}


class MeetingOutcome(db.Model):
    """What the delegation raised in an official meeting, and how the partner responded."""

    __tablename__ = "meeting_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), unique=True,
                                         info=raising(OFFICE))
    raised: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Raised")))
    partner_response: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Response")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(OFFICE))

    AUDITED = ("raised", "partner_response")


class FollowUp(db.Model):
    """A follow-up action: what, with whom, who owns it, by when; after a mission, or on the partnership between
    visits (B.c "Zorg voor regelmatige opvolging"), then perhaps from one contact with the partner region.

    It belongs to exactly one of a mission or a partnership, so that the feeds, the dashboard and revisions find
    where it belongs in one column; one from a contact belongs to the contact's partnership and names the contact
    too."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done')", name="known_status"),
        CheckConstraint("(mission_id IS NULL) <> (partnership_id IS NULL)", name="one_parent"),
        CheckConstraint("contact_id IS NULL OR partnership_id IS NOT NULL", name="contact_in_partnership"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True,
                                                   info=raising(OFFICE))
    #: Between visits: the partnership it belongs to (its mission's otherwise, through the mission).
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True,
                                                       info=raising(OFFICE))
    #: The contact with the partner region it came from, of the same partnership.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True,
                                                   info=raising(OFFICE))
    #: Audited as "what", which the audit log labels as an objective's (one label per name).
    what: Mapped[str] = mapped_column(Text, info=raising(NOTES, _l("Objective")))
    with_whom: Mapped[str] = mapped_column(String(300), default="", info=raising(personal(Category.IDENTITY, NAMED),
                                                                                 _l("With whom")))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, _l("Owner")))
    due_date: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Due date")))
    status: Mapped[str] = mapped_column(String(16), default=FollowUpStatus.OPEN.value,
                                        info=raising(OFFICE, _l("Status")))
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id", ondelete="SET NULL"),
                                                     info=raising(OFFICE, _l("Objective")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    #: The organisation feed's reminder carries it as its LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(OFFICE))

    owner: Mapped[User | None] = relationship(lazy="joined")
    objective: Mapped[Objective | None] = relationship(lazy="joined")
    partnership: Mapped[Partnership | None] = relationship()
    contact: Mapped[Contact | None] = relationship(back_populates="follow_ups")

    AUDITED = ("what", "with_whom", "owner_id", "due_date", "status", "objective_id")

    @property
    def label(self) -> str:
        return self.what[:80]

    @property
    def status_label(self) -> str:
        return FollowUpStatus(self.status).label

    def is_overdue(self, today: date) -> bool:
        return self.status != FollowUpStatus.DONE and self.due_date < today
