"""Sign-offs, manual checklist confirmations and the organisation's readiness settings."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum
from ..extensions import db
from ..facts import IDENTITY, facts, raising, row_id
from ..formatting import short_code
from ..messages import Message, StoredMessage
from ..personal_data import ACTED, BOOKKEEPING, NOTES, OFFICE, SETTING
from ..timeutil import UTCDateTime, now_utc


class SignOffRole(LabelledEnum):
    """The roles whose sign-off a mission needs, in the order they usually sign."""

    __fields__ = ("sign_off_role",)

    ADVISOR = "hr_advisor"
    APPROVER = "approver"

    __labels__ = {ADVISOR: _l("Human-rights advisor"), APPROVER: _l("Approver")}


class SignOff(db.Model):
    """A named person's sign-off of a mission in one role, with a fingerprint of what they checked."""

    __tablename__ = "sign_offs"
    __table_args__ = (
        CheckConstraint("role IN ('hr_advisor', 'approver')", name="known_role"),
        CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"),
        # One standing sign-off per role: two people racing to sign in the same role cannot both succeed.
        Index("uq_sign_offs_active_role", "mission_id", "role", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True,
                                            info=raising(ACTED))
    role: Mapped[str] = mapped_column(String(16), info=raising(ACTED))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(ACTED))
    #: SHA-256 of what the sign-off vouches for (readiness/binding.py): void once the content moves from it.
    fingerprint: Mapped[str] = mapped_column(String(64), info=raising(BOOKKEEPING, _l("Sign-off code")))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=raising(ACTED))
    #: A stored message (``messages.py``), or the reason as a person typed it.
    void_reason: Mapped[Message | None] = mapped_column(StoredMessage, info=raising(ACTED))
    #: What the signer wished to say with the sign-off (optional), kept with it.
    comment: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES, _l("Comment")))

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return SignOffRole(self.role).label

    @property
    def short_code(self) -> str:
        """The fingerprint of what this sign-off vouched for, as people compare it."""
        return short_code(self.fingerprint)


class ManualCheck(LabelledEnum):
    __fields__ = ("checklist",)

    EMBASSY_INFORMED = "embassy_informed"
    DELEGATION_BRIEFED = "delegation_briefed"
    COMPANIES_BRIEFED = "companies_briefed"

    __labels__ = {
        EMBASSY_INFORMED: _l("The embassy is informed of the civil-society components"),
        DELEGATION_BRIEFED: _l("The delegation is briefed on the human-rights talking points"),
        COMPANIES_BRIEFED: _l("The companies are briefed on the OECD Guidelines and the UNGPs"),
    }


class ManualConfirmation(db.Model):
    """Someone confirmed a manual checklist item for a mission."""

    __tablename__ = "manual_confirmations"
    __table_args__ = (
        UniqueConstraint("mission_id", "key", name="uq_manual_confirmations_mission_key"),
        CheckConstraint("key IN ('embassy_informed', 'delegation_briefed', 'companies_briefed')", name="known_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True,
                                            info=raising(OFFICE))
    #: Audited as the mission's ``checklist``.
    key: Mapped[str] = mapped_column(String(32), info=raising(OFFICE))
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info=raising(ACTED))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=raising(ACTED))
    note: Mapped[str] = mapped_column(Text, default="", info=raising(NOTES))

    confirmed_by: Mapped[User] = relationship(lazy="joined")


class Setting(db.Model):
    """An organisation-wide setting, changed by an administrator."""

    __tablename__ = "settings"

    #: Audited under its own name (``talking_points_block``, ``retention_days``), the value as the setting reads.
    key: Mapped[str] = mapped_column(String(64), primary_key=True, info=facts(
        ignored=IDENTITY, fingerprint=False, privacy=SETTING, audit=False))
    #: May change what every check decides (the talking points block) or what every audience sees.
    value: Mapped[str] = mapped_column(String(200), info=raising(SETTING))


#: Setting key: "1" when missing talking points block finalisation instead of warning.
TALKING_POINTS_BLOCK = "talking_points_block"
