"""Calendar feeds: subscription URLs with a secret token, each for one audience; revocable."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import ACCOUNT, User
from ..enums import LabelledEnum
from ..extensions import db
from ..facts import facts
from ..personal_data import KEY, USER, Category, personal
from ..timeutil import UTCDateTime, now_utc


class FeedKind(LabelledEnum):
    __fields__ = ("kind",)

    PERSON = "person"
    MISSION = "mission"
    PARTNERSHIP = "partnership"
    ORGANISATION = "organisation"

    __labels__ = {
        PERSON: _l("My missions"),
        MISSION: _l("One mission"),
        PARTNERSHIP: _l("One partnership"),
        ORGANISATION: _l("The whole organisation"),
    }


def hash_token(token: str) -> str:
    """Only this hash is stored: a database leak does not give away subscription URLs."""
    return hashlib.sha256(token.encode()).hexdigest()


def answers(revoked_at: datetime | None, expires_at: datetime | None, owner_active: bool, now: datetime) -> bool:
    """Whether a feed answers: not revoked, not expired, and its owner's account not disabled."""
    return revoked_at is None and (expires_at is None or expires_at > now) and owner_active


def _in_etag(privacy=ACCOUNT, audit=False) -> dict:
    return facts(ignored="a feed's own identity, owner and audience enter its ETag directly (calendar/queries.py)",
                 fingerprint=False, privacy=privacy, audit=audit)


def _fetch_bookkeeping(privacy) -> dict:
    return facts(ignored="fetch bookkeeping: never part of what a feed or page shows of a mission", fingerprint=False,
                 privacy=privacy, audit=False)


class CalendarFeed(db.Model):
    __tablename__ = "calendar_feeds"
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'mission', 'partnership', 'organisation')", name="known_kind"),
        CheckConstraint("audience IN ('internal', 'delegation', 'partner', 'public')", name="known_audience"),
        CheckConstraint("kind <> 'mission' OR mission_id IS NOT NULL", name="mission_feed_has_mission"),
        CheckConstraint("kind <> 'partnership' OR partnership_id IS NOT NULL", name="partnership_feed_has_partnership"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=_in_etag(KEY))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=_in_etag())
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, info=_in_etag())
    kind: Mapped[str] = mapped_column(String(16), info=_in_etag(audit=_l("Kind")))
    audience: Mapped[str] = mapped_column(String(16), info=_in_etag(audit=_l("Audience")))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), info=_in_etag())
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"),
                                                       info=_in_etag())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=_in_etag())
    #: Mission feeds end by default 30 days after the mission's last day.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_in_etag())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_in_etag(audit=_l("Revoked")))
    #: The last full fetch (a 304 answer records nothing).
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_fetch_bookkeeping(ACCOUNT))

    owner: Mapped[User] = relationship(lazy="joined")
    fetches: Mapped[list[FeedFetch]] = relationship(order_by="FeedFetch.id.desc()", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return FeedKind(self.kind).label

    def is_owned_by(self, user: User) -> bool:
        """Whether the feed is ``user``'s own: its owner sees and revokes it (who manages everyone's is
        ``access.py``'s)."""
        return self.owner_id == user.id

    def is_live(self, now: datetime) -> bool:
        return answers(self.revoked_at, self.expires_at, self.owner.active, now)


#: A fetch: when and from which address and software, of a feed of a user.
DEVICE = personal(Category.DEVICE, USER)


class FeedFetch(db.Model):
    """One fetch of a feed: when and from where, so that a leaked link can be judged."""

    __tablename__ = "feed_fetches"

    id: Mapped[int] = mapped_column(primary_key=True, info=_fetch_bookkeeping(KEY))
    feed_id: Mapped[int] = mapped_column(ForeignKey("calendar_feeds.id", ondelete="CASCADE"), index=True,
                                         info=_fetch_bookkeeping(DEVICE))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=_fetch_bookkeeping(DEVICE))
    address: Mapped[str] = mapped_column(String(64), default="", info=_fetch_bookkeeping(DEVICE))
    user_agent: Mapped[str] = mapped_column(String(300), default="", info=_fetch_bookkeeping(DEVICE))
