"""Time handling: stored in UTC with the IANA zone name beside it, shown where it happens."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class Clock:
    """The one clock the application reads: every moment it stores or compares (``now_utc``, ``today_utc``), a
    session's age, a second-factor code's time step. The system's, unless a test sets another (:meth:`set`): tests
    move time here, never by patching a module."""

    def __init__(self) -> None:
        self._source: Callable[[], datetime] | None = None

    def now(self) -> datetime:
        return self._source() if self._source is not None else datetime.now(timezone.utc)

    def timestamp(self) -> float:
        """Seconds since 1970, as ``time.time()`` counts them."""
        return self.now().timestamp()

    def set(self, source: datetime | Callable[[], datetime] | None) -> None:
        """Read the time from ``source`` from now on: a moment (time stands still), a callable, or None (the
        system's again)."""
        self._source = (lambda: source) if isinstance(source, datetime) else source


clock = Clock()


def now_utc() -> datetime:
    """The current moment, timezone-aware in UTC (a callable default, never evaluated at import)."""
    return clock.now()


def today_utc() -> date:
    return now_utc().date()


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str | None) -> bool:
    return bool(name) and name in known_timezones()


#: Zones offered first in forms, in this order; every other IANA zone follows.
COMMON_TIMEZONES = (
    "Europe/Amsterdam",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Urumqi",
    "Europe/Brussels",
    "Europe/London",
    "UTC",
)

#: How a zone is named for people: the country or city, never an abbreviation ("CST" is China and US Central).
PLACE_NAMES = {
    "Asia/Shanghai": "China",
    "Asia/Urumqi": "Xinjiang",
    "Asia/Hong_Kong": "Hong Kong",
    "Asia/Macau": "Macau",
    "Asia/Taipei": "Taiwan",
    "UTC": "UTC",
}


def place_name(zone: str) -> str:
    """The place a zone is named after: "China" for Asia/Shanghai, "Amsterdam" for Europe/Amsterdam."""
    return PLACE_NAMES.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset(moment: datetime, zone: str) -> str:
    """The zone's offset at ``moment``: "UTC+8", "UTC+1", "UTC+5:30", "UTC"."""
    offset = in_zone(moment, zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def zone_label(moment: datetime, zone: str) -> str:
    """A zone as nobody can misread it at ``moment``: "China (UTC+8)", "Amsterdam (UTC+2)"."""
    place, offset = place_name(zone), utc_offset(moment, zone)
    return place if place == offset else f"{place} ({offset})"


def zone_label_on(day: date, zone: str) -> str:
    """A zone's label as it reads on ``day`` (at noon there): the zone of a visit on its first day."""
    return zone_label(datetime.combine(day, time(12), zoneinfo.ZoneInfo(zone)), zone)


def zone_periods(first: date, last: date, zone: str) -> list[tuple[date, str]]:
    """A zone's labels from ``first`` to ``last`` (each day at noon there), each with the first day it holds: one
    pair when the clocks do not change in between; a visit across the end of summer time in 2027 gets
    ``[(29 Oct, "Amsterdam (UTC+2)"), (31 Oct, "Amsterdam (UTC+1)")]``."""
    periods: list[tuple[date, str]] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        label = zone_label_on(day, zone)
        if not periods or periods[-1][1] != label:
            periods.append((day, label))
    return periods


def zone_label_through(day: date, zone: str) -> str:
    """A zone's label over a whole day: "Amsterdam (UTC+1)", and on the day the clocks change both offsets,
    "Amsterdam (UTC+2 → UTC+1)"."""
    tz = zoneinfo.ZoneInfo(zone)
    opens, closes = datetime.combine(day, time(0), tz), datetime.combine(day + timedelta(days=1), time(0), tz)
    before, after = utc_offset(opens, zone), utc_offset(closes, zone)
    if before == after:
        return zone_label(opens, zone)
    return f"{place_name(zone)} ({before} → {after})"


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone for a select: the common ones first, each with its place name."""
    def label(zone: str) -> str:
        place = place_name(zone)
        return zone if place == zone.rsplit("/", 1)[-1].replace("_", " ") else f"{place} — {zone}"

    rest = sorted(known_timezones() - set(COMMON_TIMEZONES))
    return [(z, label(z)) for z in COMMON_TIMEZONES] + [(z, label(z)) for z in rest]


class NonexistentLocalTime(ValueError):
    """A wall-clock time that the clocks skip (the spring change): ``before`` and ``after`` are times that exist."""

    def __init__(self, local: datetime, before: datetime, after: datetime):
        super().__init__(local)
        self.local, self.before, self.after = local, before, after


class AmbiguousLocalTime(ValueError):
    """A wall-clock time that happens twice (the autumn change): ``first`` and ``second`` are the two moments."""

    def __init__(self, local: datetime, first: datetime, second: datetime):
        super().__init__(local)
        self.local, self.first, self.second = local, first, second


def resolve_local(local: datetime, zone: str, fold: int | None = None) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC datetime, refusing what cannot be meant unambiguously.

    A time in the spring gap does not exist: NonexistentLocalTime, with the nearest times that do. A time in the
    autumn fold happens twice: AmbiguousLocalTime, unless ``fold`` says which (0: the first, 1: the second).
    """
    tz = zoneinfo.ZoneInfo(zone)
    local = local.replace(tzinfo=None)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != local:
        gap = (second.utcoffset() or timedelta(0)) - (first.utcoffset() or timedelta(0))
        gap = abs(gap) or timedelta(hours=1)
        raise NonexistentLocalTime(local, local - gap, local + gap)
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise AmbiguousLocalTime(local, first.astimezone(timezone.utc), second.astimezone(timezone.utc))
        return (second if fold else first).astimezone(timezone.utc)
    return first.astimezone(timezone.utc)


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC datetime."""
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(timezone.utc)


def in_zone(moment: datetime, zone: str) -> datetime:
    """An aware datetime seen in ``zone``."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def local_naive(moment: datetime, zone: str) -> datetime:
    """The wall-clock time in ``zone``, without tzinfo (what a datetime-local input shows)."""
    return in_zone(moment, zone).replace(tzinfo=None)


def local_fold(moment: datetime, zone: str) -> str:
    """Which of two equal wall-clock times ``moment`` is in ``zone`` ("0" the first, "1" the second, after the
    clocks went back); "" when that wall-clock time happens only once."""
    local = in_zone(moment, zone)
    if local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset():
        return ""
    return str(local.fold)


def last_day(end: datetime, zone: str) -> date:
    """The last day in ``zone`` that something ending at ``end`` takes up; ending at midnight, the day before."""
    local = in_zone(end, zone)
    if local.time() == time.min:
        return local.date() - timedelta(days=1)
    return local.date()


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


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the last day of that month when it is shorter: 31 May less
    three months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))
