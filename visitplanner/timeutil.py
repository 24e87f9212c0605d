"""Time handling: stored in UTC with the IANA zone name beside it, shown where it happens."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def now_utc() -> datetime:
    """The current moment, timezone-aware in UTC (a callable default, never evaluated at import)."""
    return datetime.now(timezone.utc)


def today_utc() -> date:
    return now_utc().date()


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str | None) -> bool:
    return bool(name) and name in known_timezones()


#: Zones offered first in forms; any IANA zone is accepted.
COMMON_TIMEZONES = (
    "Europe/Amsterdam",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Urumqi",
    "Europe/Brussels",
    "Europe/London",
    "UTC",
)


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC datetime."""
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(timezone.utc)


def in_zone(moment: datetime, zone: str) -> datetime:
    """An aware datetime seen in ``zone``."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def local_naive(moment: datetime, zone: str) -> datetime:
    """The wall-clock time in ``zone``, without tzinfo (what a datetime-local input shows)."""
    return in_zone(moment, zone).replace(tzinfo=None)


def last_day(end: datetime, zone: str) -> date:
    """The last day in ``zone`` that something ending at ``end`` takes up; ending at midnight, the day before."""
    local = in_zone(end, zone)
    if local.time() == time.min:
        return local.date() - timedelta(days=1)
    return local.date()


def day_bounds_utc(day: date, zone: str) -> tuple[datetime, datetime]:
    """The first and last instant of a calendar day in ``zone``, in UTC."""
    start = to_utc(datetime.combine(day, time.min), zone)
    end = to_utc(datetime.combine(day, time.max), zone)
    return start, end


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC, returns them aware in UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
