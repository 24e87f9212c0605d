"""Time in the tests: the application's one clock, and letting time pass for what was written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from visitplanner.commit import commit
from visitplanner.extensions import db


def replace_clock(patch: pytest.MonkeyPatch, now) -> None:
    """Set the application's one clock (``timeutil.clock``) to ``now`` (a moment or a callable), so that today,
    lapses, expiry, sessions and second-factor steps all follow it (undone with ``patch``)."""
    from visitplanner.timeutil import clock

    patch.setattr(clock, "_source", None)  # what ``patch`` puts back
    clock.set(now)


def time_passes(seconds: int = 5) -> None:
    """As if everything written so far had been written ``seconds`` earlier (revisions, feeds).

    A feed answers If-Modified-Since with 304 only once its latest change is a whole second in the past, so that
    a change in the same second as a fetch can never hide behind it; tests that look at that answer let time pass.
    """
    from visitplanner.calendar.models import CalendarFeed

    for table in ("missions", "partnerships", "users"):
        db.session.execute(text(f"UPDATE {table} SET revised_ms = revised_ms - :ms"), {"ms": seconds * 1000})
    for feed in db.session.scalars(select(CalendarFeed)):
        feed.created_at -= timedelta(seconds=seconds)
    commit()
