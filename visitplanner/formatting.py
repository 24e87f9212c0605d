"""Dates and times for people: in the zone where things happen, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from flask_babel import get_locale

from flask_babel import gettext as _
from flask_babel import ngettext

from .timeutil import in_zone, zone_label


#: English reads dates and times as in Britain ("1 Dec 2026", 21:47), not as in the United States.
_REGION = {"en": "en_GB"}


def _locale() -> str:
    language = str(get_locale() or "nl")
    return _REGION.get(language, language)


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




def time_span(start: datetime, start_zone: str, end: datetime, end_zone: str) -> str:
    """An item's time as nobody can misread it: "14:00–15:30 China (UTC+8)"; an overnight item that ends after
    the clocks changed "01:30 Amsterdam (UTC+1) – 04:00 Amsterdam (UTC+2)"; a flight "14:30 Amsterdam (UTC+2) –
    07:05 next day China (UTC+8)"."""
    first, last = zone_label(start, start_zone), zone_label(end, end_zone)
    days = (in_zone(end, end_zone).date() - in_zone(start, start_zone).date()).days
    later = ""
    if days > 0:
        later = " " + (_("next day") if days == 1 else ngettext("%(num)d day later", "%(num)d days later", days))
    if first == last:
        return f"{format_time(start, start_zone)}–{format_time(end, end_zone)}{later} {first}"
    return f"{format_time(start, start_zone)} {first} – {format_time(end, end_zone)}{later} {last}"


def shows_home_time(start_zone: str, end_zone: str, home_zone: str) -> bool:
    """Whether an item happens (or ends) outside the home zone, so that home time goes beside it."""
    return start_zone != home_zone or (end_zone or start_zone) != home_zone


def short_code(fingerprint_hex: str) -> str:
    """A sign-off's fingerprint as people compare it: its first 32 bits, in two groups ("3F9A-C21B"). The SHA-256
    itself is never shown: it is not for reading, and the short code tells two versions apart as well."""
    return f"{fingerprint_hex[:4]}-{fingerprint_hex[4:8]}".upper()
