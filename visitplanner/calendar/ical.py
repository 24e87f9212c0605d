"""Pure iCalendar builders: a programme as an audience may see it, for files and subscription feeds.

Built only with the icalendar library (no string joining), so that a line break in a title can never
inject a property. What goes in is decided by :mod:`visitplanner.disclosure`; this module only lays it out.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vRecur

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


def build_calendar(name: str, views: list[ItemView], describe, extra_events=()) -> bytes:
    """The whole calendar as bytes: CRLF line ends, folded at 75 octets, UTF-8 intact.

    ``describe(view) -> str`` writes an event's description (already disclosed for its audience);
    ``extra_events`` are ready-made events such as all-day reminders.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    years: dict[str, int] = {}
    for view in views:
        for tzid, moment in ((view.timezone, view.starts_at), (view.end_timezone or view.timezone, view.ends_at)):
            year = moment.astimezone(ZoneInfo(tzid)).year
            years[tzid] = min(year, years.get(tzid, year))
    for tzid in sorted(years):
        cal.add_component(vtimezone(tzid, years[tzid]))
    for view in views:
        cal.add_component(event(view, describe(view)))
    for extra in extra_events:
        cal.add_component(extra)
    return cal.to_ical()
