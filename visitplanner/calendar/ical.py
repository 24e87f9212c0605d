"""Pure iCalendar builders: a programme as an audience may see it, for files and subscription feeds.

Built with the icalendar library, so that a line break in a title can never inject a property. What goes in is
decided by :mod:`visitplanner.disclosure`; this module only lays it out, descriptions included (:func:`describer`).
It sits below what follows calendars at every commit (``following.py`` builds events with it) and the files and
feeds (``programme.py``): see ``docs/engineers.md``, "Layers".

A feed of thousands of events is written by :func:`event_bytes`: the same event the library's ``Event`` gives
(:func:`event`), property by property in the library's order, each value escaped by the library's ``vText`` and
every line folded as its ``Contentline`` folds, without building a component tree per event
(which costs more than everything else a feed does together). ``tests/calendar/test_ical_fast.py`` holds the two byte for
byte equal for generated events: any title, place or description, any zone, either side of a clock change.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vRecur
from icalendar.parser import Contentline
from icalendar.prop import vText

from ..disclosure import ItemView
from ..timeutil import local_fold

PRODID = "-//visitplanner//Delegation programme//NL"
REFRESH = timedelta(hours=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _offset_changes(zone: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """The moments (UTC) in ``year`` when the zone's offset changes, with the offsets before and after."""
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    changes = []
    previous = start.astimezone(zone).utcoffset()
    for day in range(1, 367):
        moment = start + timedelta(days=day)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            low, high = moment - timedelta(days=1), moment  # narrow down to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == previous:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            if high.astimezone(zone).utcoffset() == previous:
                high += timedelta(seconds=1)
            changes.append((high, previous, offset))
            previous = offset
    return changes


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _byday(local: datetime) -> str:
    weekday = _WEEKDAYS[local.weekday()]
    days_in_month = pycalendar.monthrange(local.year, local.month)[1]
    nth = -1 if local.day + 7 > days_in_month else (local.day - 1) // 7 + 1
    return f"{nth}{weekday}"


def _onset(year: int, month: int, byday: str, at: time) -> datetime:
    """The local moment in ``year`` on which a yearly rule (``month``, ``byday`` such as ``-1SU``) falls."""
    nth, weekday = int(byday[:-2]), _WEEKDAYS.index(byday[-2:])
    days_in_month = pycalendar.monthrange(year, month)[1]
    if nth < 0:
        day = days_in_month - (date(year, month, days_in_month).weekday() - weekday) % 7
    else:
        day = 1 + (weekday - date(year, month, 1).weekday()) % 7 + (nth - 1) * 7
    return datetime.combine(date(year, month, day), at)


def vtimezone(tzid: str, year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` with the yearly RRULEs in force in ``year`` (Outlook misreads RDATE-only zones).

    Each rule starts in the year before, so that every moment of ``year`` comes after an onset: before
    its first onset a zone is undefined, and parsers guess (wrongly in the southern hemisphere, where
    January is summer time).
    """
    zone = ZoneInfo(tzid)
    component = Timezone()
    component.add("tzid", tzid)
    changes = _offset_changes(zone, year)
    if not changes:
        offset = datetime(year, 1, 1, tzinfo=timezone.utc).astimezone(zone)
        part = TimezoneStandard()
        part.add("dtstart", datetime(1970, 1, 1))
        part.add("tzoffsetfrom", offset.utcoffset())
        part.add("tzoffsetto", offset.utcoffset())
        part.add("tzname", offset.tzname())
        component.add_component(part)
        return component
    for moment, before, after in changes:
        local_before = (moment + before).replace(tzinfo=None)
        in_force = moment.astimezone(zone)
        part = TimezoneDaylight() if in_force.dst() else TimezoneStandard()
        byday = _byday(local_before)
        part.add("dtstart", _onset(year - 1, local_before.month, byday, local_before.time()))
        part.add("rrule", vRecur(freq="YEARLY", bymonth=local_before.month, byday=byday))
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", in_force.tzname())
        component.add_component(part)
    return component


def _moment(moment: datetime, tzid: str) -> datetime:
    """A DTSTART or DTEND: local time in its zone; in UTC for the second of two equal wall-clock times (the hour the
    clocks go back), which RFC 5545 (3.3.5) would otherwise read as the first occurrence."""
    local = moment.astimezone(ZoneInfo(tzid))
    if local_fold(moment, tzid) == "1":
        return moment.astimezone(timezone.utc)
    return local


def event(view: ItemView, description: str) -> Event:
    """One programme item as a VEVENT, its start in the zone where it starts and its end where it ends."""
    stamp = (view.last_modified or _EPOCH).astimezone(timezone.utc).replace(microsecond=0)
    ev = Event()
    ev.add("uid", view.uid)
    ev.add("dtstamp", stamp)
    ev.add("last-modified", stamp)
    ev.add("sequence", view.sequence)
    ev.add("dtstart", _moment(view.starts_at, view.timezone))
    ev.add("dtend", _moment(view.ends_at, view.end_timezone or view.timezone))
    ev.add("summary", view.title)
    ev.add("class", view.classification)
    ev.add("transp", "OPAQUE")
    ev.add("status", "CANCELLED" if view.cancelled else "CONFIRMED")
    if not view.private and not view.cancelled:
        if view.location:
            ev.add("location", view.location)
        if description:
            ev.add("description", description)
    return ev


def _fold(line: str) -> str:
    """A content line folded exactly as icalendar's ``Contentline`` folds it: at 75 octets, never right after a
    backslash or caret that starts an escape; a line of ASCII without the per-character loop."""
    if not line.isascii():
        return Contentline(line).to_ical().decode("utf-8")
    if len(line) < 75:
        return line
    parts, start = [], 0
    while len(line) - start > 74:
        end = start + 74
        if line[end - 1] in "\\^":  # the escape's first character goes to the next line with the rest
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return "\r\n ".join(parts)


def _text(value: str) -> str:
    return vText(value).to_ical().decode("utf-8")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, moment: datetime) -> str:
    if moment.tzinfo is timezone.utc:
        return f"{name}:{moment.strftime('%Y%m%dT%H%M%S')}Z"
    return f"{name};TZID={moment.tzinfo.key}:{moment.strftime('%Y%m%dT%H%M%S')}"


def event_bytes(view: ItemView, description: str) -> bytes:
    """:func:`event` serialised, byte for byte as ``event(view, description).to_ical()``, at a fraction of its cost."""
    stamp = _stamp((view.last_modified or _EPOCH).astimezone(timezone.utc))
    start, end = _moment(view.starts_at, view.timezone), _moment(view.ends_at, view.end_timezone or view.timezone)
    if not _plain_zone(start) or not _plain_zone(end):
        return event(view, description).to_ical()
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(view.title),
        _when("DTSTART", start),
        _when("DTEND", end),
        "DTSTAMP:" + stamp,
        "UID:" + _text(view.uid),
        f"SEQUENCE:{int(view.sequence)}",
        "CLASS:" + _text(view.classification),
    ]
    shows = not view.private and not view.cancelled
    if shows and description:
        lines.append("DESCRIPTION:" + _text(description))
    lines.append("LAST-MODIFIED:" + stamp)
    if shows and view.location:
        lines.append("LOCATION:" + _text(view.location))
    lines += ["STATUS:" + ("CANCELLED" if view.cancelled else "CONFIRMED"), "TRANSP:OPAQUE", "END:VEVENT", ""]
    return "\r\n".join(_fold(line) for line in lines).encode("utf-8")


def _plain_zone(moment: datetime) -> bool:
    """UTC, or a named zone the library writes as TZID (anything else is left to the library itself)."""
    return moment.tzinfo is timezone.utc or (
        isinstance(moment.tzinfo, ZoneInfo) and moment.tzinfo.key not in _UTC_NAMES)


_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
                        "GMT", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0", "GMT+0", "GMT-0",
                        "Etc/Greenwich", "Greenwich"})


def all_day_event(uid: str, day, title: str, description: str, stamp: datetime | None) -> Event:
    """An all-day reminder (a follow-up or an evaluation falling due)."""
    stamp = (stamp or _EPOCH).astimezone(timezone.utc).replace(microsecond=0)
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("last-modified", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + timedelta(days=1))
    ev.add("summary", title)
    ev.add("class", "PRIVATE")
    ev.add("transp", "TRANSPARENT")
    if description:
        ev.add("description", description)
    return ev


def describer():
    """:func:`describe` with its phrases looked up once, in the language of the moment: a feed describes thousands of
    events in one language."""
    attending, civil_society = _("Attending: %(names)s"), _("Civil society: %(names)s")
    talking_points = _("Human-rights talking points:")
    labels: dict[int, str] = {}

    def describe(view: ItemView) -> str:
        kind = view.kind_label
        if isinstance(kind, LazyString):  # one of a few constants (itinerary/kinds.py): each looked up once
            kind = labels.get(id(kind)) or labels.setdefault(id(kind), str(kind))
        lines = [str(kind)] if kind else []
        if view.attendees:
            lines.append(attending % {"names": ", ".join(view.attendees)})
        if view.participants:
            lines.append(civil_society % {"names": ", ".join(view.participants)})
        if view.description:
            lines += ["", view.description]
        if view.talking_points:
            lines += ["", talking_points, view.talking_points]
        return "\n".join(lines)

    return describe


def describe(view: ItemView) -> str:
    """An event's description from what the audience may see (never more than the view holds)."""
    return describer()(view)


def build_calendar(name: str, views, describe, extra_events=()) -> bytes:
    """The whole calendar as bytes: CRLF line ends, folded at 75 octets, UTF-8 intact.

    ``views`` is any iterable of item views, in the order they are to appear (a feed passes them batch by batch,
    so that only the written events are held, never every item at once); ``describe(view) -> str`` writes an
    event's description (already disclosed for its audience); ``extra_events`` are ready-made events such as
    all-day reminders. The VTIMEZONEs, which come first, cover the zones the events were written in.
    """
    years: dict[str, int] = {}
    events: list[bytes] = []
    for view in views:
        for tzid, moment in ((view.timezone, view.starts_at), (view.end_timezone or view.timezone, view.ends_at)):
            year = moment.astimezone(ZoneInfo(tzid)).year
            years[tzid] = min(year, years.get(tzid, year))
        events.append(event_bytes(view, describe(view)))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for tzid in sorted(years):
        cal.add_component(vtimezone(tzid, years[tzid]))
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return b"".join([head[:-len(end)], *events, *(extra.to_ical() for extra in extra_events), end])
