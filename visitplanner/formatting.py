"""Dates and times for people: in the zone where things happen, in the reader's language."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel import dates as babel_dates
from flask import current_app, has_app_context
from flask_babel import get_locale

from flask_babel import gettext as _
from flask_babel import ngettext

from .timeutil import in_zone, is_known_timezone, place_name, resolve_local, zone_label


#: English reads dates and times as in Britain ("1 Dec 2026", 21:47), not as in the United States.
_REGION = {"en": "en_GB"}
#: The one style of a date, and of a date with its time, in every language: "7 Dec 2026", "7 Dec 2026, 10:50";
#: in Dutch "7 dec. 2026", "7 dec. 2026, 10:50". Pages, errors, History and exports all use it.
DATE = "d MMM y"
DATETIME = "d MMM y, HH:mm"
#: The format names of Babel that mean "a date in the text" here: each gives the one style.
_ONE_STYLE = ("short", "medium", "long")
#: Dutch abbreviates a month with a full stop ("7 dec. 2026"; "mei" is whole), as the Taalunie advises and as CLDR
#: wrote it before version 42, whose abbreviations (in Babel since 2.12) dropped the stop. Babel still formats the
#: rest: only the month is put in as literal text.
_NL_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")
_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def _locale() -> str:
    language = str(get_locale() or "nl")
    return _REGION.get(language, language)


def _pattern(pattern: str, value: date, locale: str) -> str:
    """``pattern`` for ``value`` in ``locale``: in Dutch, an abbreviated month (``MMM``) with its full stop."""
    if locale.split("_")[0] == "nl":
        return _ABBREVIATED_MONTH.sub(f"'{_NL_MONTHS[value.month - 1]}'", pattern)
    return pattern


def format_date(value: date, format: str = "medium") -> str:
    """A date in the one style ("7 Dec 2026"), whichever of Babel's short, medium or long is asked; "full" (with the
    weekday) and CLDR patterns ("EEE d MMM") as given."""
    locale = _locale()
    pattern = DATE if format in _ONE_STYLE else format
    if pattern == "full":
        return babel_dates.format_date(value, format="full", locale=locale)
    return babel_dates.format_date(value, format=_pattern(pattern, value, locale), locale=locale)


def format_day(value: date) -> str:
    """A programme day heading, e.g. 'maandag 11 mei 2026'."""
    return babel_dates.format_date(value, format="full", locale=_locale())


def format_time(moment: datetime, zone: str) -> str:
    """The wall-clock time of ``moment`` in ``zone``, e.g. '14:00'."""
    return babel_dates.format_time(in_zone(moment, zone), format="HH:mm", locale=_locale())


def format_datetime(moment: datetime, zone: str | None = None, format: str = "medium") -> str:
    """A moment in the one style, "7 Dec 2026, 10:50", as the clock reads in ``zone`` (a wall-clock time without a
    zone is shown as it is); Babel's short, medium and long all give it."""
    local = in_zone(moment, zone) if zone and moment.tzinfo is not None else moment
    locale = _locale()
    pattern = _pattern(DATETIME if format in _ONE_STYLE else format, local, locale)
    return babel_dates.format_datetime(local, format=pattern, tzinfo=local.tzinfo, locale=locale)


#: A date or a moment as stored in text (the audit log, stored messages): ``2026-12-07``, ``2026-12-07T10:50``,
#: ``2026-12-07T09:50:00+00:00``.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$")


#: A wall-clock time with its zone, as programme items record their start and end: "2027-04-20 14:00 (Asia/Shanghai)".
_LOCAL_IN_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}) \(([^()]+)\)$")


def shown_zone(zone: str) -> str:
    """A time zone's name as a person reads it beside its code: "China (Asia/Shanghai)"."""
    if not is_known_timezone(zone) or place_name(zone) == zone:
        return zone
    return f"{place_name(zone)} ({zone})"


def shown_moment(value: str, zone: str | None = None) -> str:
    """A date or moment kept as ISO text, in the one style; a moment with an offset as the clock reads in ``zone``
    (the home zone), a wall-clock time without one as it is, a wall-clock time with its zone's name with the zone's
    label ("20 Apr 2027, 14:00 China (UTC+8)"). Any other text is returned as it is."""
    local = _LOCAL_IN_ZONE.match(value) if isinstance(value, str) else None
    if local and is_known_timezone(local.group(3)):
        day, time_, where = local.groups()
        try:
            wall = datetime.fromisoformat(f"{day}T{time_}")
            return f"{format_datetime(wall)} {zone_label(resolve_local(wall, where, 0), where)}"
        except ValueError:  # a time the clocks skip: shown as recorded
            return value
    if not isinstance(value, str) or not _ISO.match(value):
        return value
    try:
        if len(value) == 10:
            return format_date(date.fromisoformat(value))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if zone is None and moment.tzinfo is not None and has_app_context():
        zone = current_app.config.get("HOME_TIMEZONE")
    return format_datetime(moment, zone or "UTC")


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
