"""Dates and times for people: in the zone where things happen, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from flask_babel import get_locale

from .timeutil import in_zone


def _locale() -> str:
    return str(get_locale() or "nl")


def format_date(value: date, format: str = "medium") -> str:
    return babel_dates.format_date(value, format=format, locale=_locale())


def format_day(value: date) -> str:
    """A programme day heading, e.g. 'maandag 11 mei 2026'."""
    return babel_dates.format_date(value, format="full", locale=_locale())


def format_time(moment: datetime, zone: str) -> str:
    """The wall-clock time of ``moment`` in ``zone``, e.g. '14:00'."""
    return babel_dates.format_time(in_zone(moment, zone), format="HH:mm", locale=_locale())


def format_datetime(moment: datetime, zone: str, format: str = "medium") -> str:
    local = in_zone(moment, zone)
    return babel_dates.format_datetime(local, format=format, tzinfo=local.tzinfo, locale=_locale())


def zone_abbreviation(moment: datetime, zone: str) -> str:
    """A short zone name for a moment, e.g. 'CST' or 'CEST' (the zone's own abbreviation)."""
    return in_zone(moment, zone).tzname() or zone
