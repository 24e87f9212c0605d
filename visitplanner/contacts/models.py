"""Contacts between visits: letters, calls, video meetings and visits by others with the partner region (B.c: human
rights as "integraal deel … van de doorlopende communicatie met de partnerregio"), with the focal themes raised and
the partner's response. The self-censorship monitor reads them beside missions (``partnerships/queries.py``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum, sql_in
from ..extensions import db
from ..facts import created, raising, row_id, version_counter
from ..partnerships.models import FocalTheme, Partnership
from ..personal_data import ACTED, NOTES, OFFICE
from ..timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from ..followup.models import FollowUp


class ContactKind(LabelledEnum):
    """How the office was in touch with the partner region between visits."""

    __fields__ = ("kind",)

    LETTER = "letter"
    CALL = "call"
    VIDEO_MEETING = "video_meeting"
    VISIT_BY_OTHERS = "visit_by_others"

    __labels__ = {
        LETTER: _l("Letter"),
        CALL: _l("Call"),
        VIDEO_MEETING: _l("Video meeting"),
        VISIT_BY_OTHERS: _l("Visit by others"),
    }


contact_focal_themes = Table(
    "contact_focal_themes",
    db.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, info=raising(OFFICE)),
    Column("theme_id", ForeignKey("focal_themes.id", ondelete="CASCADE"), primary_key=True, info=raising(OFFICE)),
)


class Contact(db.Model):
    """One contact with the partner region between visits, the focal themes raised in it and the partner's answer."""

    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(ContactKind)})", name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True,
                                                info=raising(OFFICE))
    kind: Mapped[str] = mapped_column(String(32), info=raising(OFFICE, _l("Kind")))
    #: The day of the call or meeting, or the date of the letter: where it stands among the missions.
    happened_on: Mapped[date] = mapped_column(info=raising(OFFICE, _l("Date")))
    subject: Mapped[str] = mapped_column(String(200), info=raising(NOTES, _l("Subject")))
    #: What the partner answered: free text that may name officials, as a meeting's outcome.
    partner_response: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Response")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))
    #: A save based on an older version is merged, never allowed to undo what someone else saved meanwhile.
    version: Mapped[int] = mapped_column(default=1, info=version_counter())

    partnership: Mapped[Partnership] = relationship()
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    focal_themes: Mapped[list[FocalTheme]] = relationship(secondary=contact_focal_themes, order_by="FocalTheme.id")
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="contact", order_by="FollowUp.due_date",
                                                      cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    AUDITED = ("kind", "happened_on", "subject", "partner_response")

    @property
    def label(self) -> str:
        return self.subject[:80]

    @property
    def kind_label(self) -> str:
        return ContactKind(self.kind).label
