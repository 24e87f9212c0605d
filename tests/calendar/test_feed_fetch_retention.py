"""The records of feed fetches (address, user agent) are kept 90 days for every feed (issue 21): the daily
``retention`` run deletes older ones, also of a feed nobody fetches any more, says how many, and audits it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar.models import FeedFetch
from visitplanner.calendar.operations import FETCHES_KEPT, create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.timeutil import now_utc


def fetched(feed, days_ago: int, address: str) -> None:
    db.session.add(FeedFetch(feed_id=feed.id, at=now_utc() - timedelta(days=days_ago), address=address,
                             user_agent="Google-Calendar-Importer"))


def addresses() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(FeedFetch.address)))


def test_the_retention_run_deletes_fetch_records_older_than_90_days_of_every_feed(runner, ctx, make_user):
    assert FETCHES_KEPT == timedelta(days=90)
    owner = make_user(Role.DELEGATE)
    quiet, busy = (create_feed(owner, kind="person", audience="delegation")[0] for _ in range(2))
    fetched(quiet, 120, "198.51.100.1")  # a feed nobody fetched since
    fetched(quiet, 95, "198.51.100.2")
    fetched(busy, 95, "198.51.100.3")
    fetched(busy, 85, "198.51.100.4")
    fetched(busy, 1, "198.51.100.5")
    commit()

    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 feed fetch records older than 90 days due" in dry.output
    assert len(addresses()) == 5

    result = runner.invoke(args=["retention"])

    assert result.exit_code == 0, result.output
    assert "3 feed fetch records older than 90 days deleted" in result.output
    assert addresses() == {"198.51.100.4", "198.51.100.5"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "feed.fetches_pruned")).one()
    assert entry.actor_id is None and entry.changes == {"fetches_removed": [None, 3]}

    again = runner.invoke(args=["retention"])
    assert "0 feed fetch records older than 90 days deleted" in again.output
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "feed.fetches_pruned")) == 1
