"""Time is stored in UTC with the zone where it happens beside it; wall-clock times convert both ways."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from visitplanner.audit.models import AuditEntry
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.timeutil import (
    UTCDateTime,
    in_zone,
    is_known_timezone,
    last_day,
    local_naive,
    to_utc,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("wall_clock", "zone", "utc"),
    [
        ("2027-04-13T14:00", "Asia/Shanghai", "2027-04-13T06:00"),  # China: UTC+8 all year
        ("2027-07-01T09:30", "Europe/Amsterdam", "2027-07-01T07:30"),  # summer time: UTC+2
        ("2027-01-15T09:30", "Europe/Amsterdam", "2027-01-15T08:30"),  # winter time: UTC+1
    ],
)
def test_a_wall_clock_time_becomes_the_right_utc_moment_and_back(wall_clock, zone, utc):
    local = datetime.fromisoformat(wall_clock)
    moment = to_utc(local, zone)
    assert moment == datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert moment.utcoffset().total_seconds() == 0
    assert local_naive(moment, zone) == local
    assert in_zone(moment, zone).strftime("%H:%M") == local.strftime("%H:%M")


@pytest.mark.parametrize(
    ("end", "zone", "day"),
    [
        ("2027-04-15T23:59", "Asia/Shanghai", date(2027, 4, 15)),
        ("2027-04-16T00:00", "Asia/Shanghai", date(2027, 4, 15)),  # ends at midnight: takes up nothing of the 16th
        ("2027-04-16T00:01", "Asia/Shanghai", date(2027, 4, 16)),
        ("2027-10-31T00:00", "Europe/Amsterdam", date(2027, 10, 30)),  # the night summer time ends
    ],
)
def test_the_last_day_an_item_takes_up_where_it_happens(end, zone, day):
    assert last_day(to_utc(datetime.fromisoformat(end), zone), zone) == day


@pytest.mark.parametrize("name", ["Europe/Amsterdam", "Asia/Shanghai", "Asia/Urumqi", "UTC"])
def test_known_zones_are_accepted(name):
    assert is_known_timezone(name)


@pytest.mark.parametrize("name", ["Mars/Olympus", "Europe/Utrecht", "CEST", "", None, "asia/shanghai "])
def test_unknown_zone_names_are_rejected(name):
    assert not is_known_timezone(name)


def _entry_at(moment: datetime) -> AuditEntry:
    return AuditEntry(action="test.time", object_type="Test", at=moment)


@pytest.mark.parametrize(
    "stored",
    [
        datetime(2027, 4, 13, 6, 0, tzinfo=UTC),
        to_utc(datetime(2027, 4, 13, 14, 0), "Asia/Shanghai"),
        in_zone(datetime(2027, 7, 1, 7, 30, tzinfo=UTC), "Europe/Amsterdam"),  # aware, but not in UTC
    ],
)
def test_an_aware_moment_comes_back_from_the_database_as_the_same_moment_in_utc(ctx, stored):
    entry = _entry_at(stored)
    db.session.add(entry)
    commit()
    entry_id = entry.id
    db.session.expunge_all()  # read it back from the database, not from the session

    loaded = db.session.scalar(select(AuditEntry.at).where(AuditEntry.id == entry_id))
    assert loaded == stored
    assert loaded.tzinfo is not None
    assert loaded.utcoffset().total_seconds() == 0


def test_a_naive_datetime_is_refused_before_it_reaches_the_database(ctx):
    db.session.add(_entry_at(datetime(2027, 4, 13, 14, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.id)) is None


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_the_column_type_refuses_naive_datetimes_on_every_database(dialect):
    with pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(datetime(2027, 4, 13, 14, 0), dialect)
