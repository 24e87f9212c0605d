"""Reads of notices: a person's list, the kinds they turned off, and what is due to be sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..auth.models import User
from ..extensions import db
from .models import Notice, NoticeKind, NoticeOptOut

#: How many of a person's notices their list shows (the newest).
LISTED = 100
#: A claim older than this is taken to be of a run that died: another run may send the notice (once more, with the
#: same Message-ID, so that the receiving side can drop the second copy).
CLAIM_EXPIRES = timedelta(minutes=15)


def notices_of(user: User, limit: int = LISTED) -> list[Notice]:
    """A person's notices, newest first."""
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id)
                                   .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))


def kinds_off(user: User) -> set[NoticeKind]:
    """The kinds of notice a person turned off."""
    return {NoticeKind(kind) for kind in db.session.scalars(
        select(NoticeOptOut.kind).where(NoticeOptOut.user_id == user.id))}


def is_free(now: datetime):
    """The condition of a notice no living run holds: never claimed, or claimed longer ago than a run takes."""
    return or_(Notice.claimed_at.is_(None), Notice.claimed_at < now - CLAIM_EXPIRES)


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    """The notices to send now, oldest first: not sent, their time come, held by no run, for an active account."""
    return list(db.session.scalars(
        select(Notice.id).join(User, User.id == Notice.user_id)
        .where(Notice.sent_at.is_(None), Notice.next_attempt_at <= now, is_free(now), User.active.is_(True))
        .order_by(Notice.id).limit(limit)))
