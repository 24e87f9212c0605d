"""Creating, revoking and fetching calendar feeds."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta, timezone

from flask_babel import gettext as _

from ..access import may
from ..audit.operations import record
from ..auth.models import User
from ..disclosure import feed_audiences_for, may_see_mission
from ..errors import RuleViolation
from ..extensions import db
from ..missions.models import Mission
from ..partnerships.models import Partnership
from ..timeutil import now_utc
from .models import CalendarFeed, FeedFetch, FeedKind, hash_token

#: A mission feed ends this long after the mission's last day, unless the owner chooses otherwise.
MISSION_FEED_GRACE = timedelta(days=30)


def create_feed(actor: User, *, kind: str, audience: str, mission: Mission | None = None,
                partnership: Partnership | None = None) -> tuple[CalendarFeed, str]:
    """Create a feed for ``actor``; returns it with its token (shown once, only its hash is kept)."""
    if kind not in {k.value for k in FeedKind}:
        raise RuleViolation(_("Choose what the feed covers."), "kind")
    if audience not in {a.value for a in feed_audiences_for(actor)}:
        raise RuleViolation(_("Your role does not allow a feed for this audience."), "audience")
    if kind == FeedKind.MISSION and (mission is None or not may_see_mission(actor, mission)):
        raise RuleViolation(_("Choose a mission you take part in."), "mission_id")
    if kind in (FeedKind.PARTNERSHIP, FeedKind.ORGANISATION) and not may(
            actor, "follow a partnership or the organisation"):
        raise RuleViolation(_("Only office staff can subscribe to a partnership or the whole organisation."), "kind")
    if kind == FeedKind.PARTNERSHIP and partnership is None:
        raise RuleViolation(_("Choose a partnership."), "partnership_id")
    token = secrets.token_urlsafe(32)  # 256 bits
    expires = None
    if kind == FeedKind.MISSION:
        expires = datetime.combine(mission.end_date, time.min, tzinfo=timezone.utc) + MISSION_FEED_GRACE
    feed = CalendarFeed(
        token_hash=hash_token(token), owner_id=actor.id, kind=kind, audience=audience,
        mission_id=mission.id if kind == FeedKind.MISSION else None,
        partnership_id=partnership.id if kind == FeedKind.PARTNERSHIP else None, expires_at=expires,
    )
    db.session.add(feed)
    db.session.flush()
    record(actor, "feed.create", feed, label=f"{kind}/{audience}",
           mission_id=feed.mission_id, partnership_id=feed.partnership_id,
           changes={"kind": [None, kind], "audience": [None, audience]})
    return feed, token


def revoke_feed(actor: User, feed: CalendarFeed) -> None:
    """End a feed at once; its URL answers 404 from now on."""
    if feed.revoked_at is not None:
        raise RuleViolation(_("This feed has already been revoked."))
    feed.revoked_at = now_utc()
    db.session.flush()
    record(actor, "feed.revoke", feed, label=f"{feed.kind}/{feed.audience}", mission_id=feed.mission_id,
           partnership_id=feed.partnership_id, changes={"revoked_at": [None, feed.revoked_at.isoformat()]})


#: Fetch records older than this are pruned: enough to judge a leaked link, not a permanent trail.
FETCHES_KEPT = timedelta(days=90)


def record_fetch(feed_id: int, address: str, user_agent: str) -> None:
    """Note when and from where a feed was fetched in full (and forget its fetches older than 90 days), without
    loading the feed: a full answer served from the cache reads nothing more.

    A conditional fetch answered 304 records nothing: it writes nothing at all.
    """
    from sqlalchemy import delete, update

    now = now_utc()
    db.session.execute(update(CalendarFeed).where(CalendarFeed.id == feed_id).values(last_fetched_at=now))
    db.session.add(FeedFetch(feed_id=feed_id, at=now, address=address[:64], user_agent=user_agent[:300]))
    db.session.execute(delete(FeedFetch).where(FeedFetch.feed_id == feed_id, FeedFetch.at < now - FETCHES_KEPT))
    db.session.flush()


def old_fetches(now: datetime) -> int:
    """How many fetch records, of every feed, are older than ``FETCHES_KEPT``."""
    from sqlalchemy import func, select

    return db.session.scalar(select(func.count(FeedFetch.id)).where(FeedFetch.at < now - FETCHES_KEPT))


def forget_old_fetches(now: datetime) -> int:
    """Delete the fetch records older than ``FETCHES_KEPT`` of every feed, also of one nobody fetches any more (the
    daily ``retention`` run); returns how many went, audited when any did."""
    from sqlalchemy import delete

    removed = db.session.execute(delete(FeedFetch).where(FeedFetch.at < now - FETCHES_KEPT)).rowcount
    if removed:
        record(None, "feed.fetches_pruned", None, changes={"fetches_removed": [None, removed]})
    return removed


def move_mission_feed_expiry(mission: Mission) -> None:
    """When a mission's dates change, its feeds end 30 days after the new last day."""
    from sqlalchemy import select

    expires = datetime.combine(mission.end_date, time.min, tzinfo=timezone.utc) + MISSION_FEED_GRACE
    for feed in db.session.scalars(select(CalendarFeed).where(CalendarFeed.mission_id == mission.id,
                                                              CalendarFeed.revoked_at.is_(None))):
        feed.expires_at = expires
