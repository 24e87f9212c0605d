"""Reading the calendar files and feeds the application writes: built for an audience, parsed back by icalendar,
vobject and libical, and what an item form sends."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar
from support.libical import restriction_errors

from visitplanner.auth.models import User
from visitplanner.calendar.programme import programme_ics
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.missions.queries import mission_for_page
from visitplanner.timeutil import local_fold, local_naive, now_utc

UTC = timezone.utc
#: The day a calendar is built on unless a test says otherwise.
TODAY = date(2027, 3, 1)
#: The title an audience that may not see an item gets instead, in English and in Dutch.
PRIVATE = ("Private appointment", "Privéafspraak")


def fresh(mission: Mission) -> Mission:
    """The mission as a download or feed loads it: from the database, with its programme."""
    db.session.expire_all()
    return mission_for_page(mission.id)


def build(mission: Mission | list[Mission], audience: Audience | str = Audience.DELEGATION, viewer: User | None = None,
          *, for_feed: bool = False, now: datetime | None = None, today: date = TODAY,
          name: str = "Programma") -> bytes:
    """The calendar as built on ``today`` (or on the day of ``now``): a feed's content depends on the day only."""
    missions = mission if isinstance(mission, list) else [fresh(mission)]
    today = now.date() if now is not None else today
    return programme_ics(missions, Audience(audience), viewer, name, today=today, for_feed=for_feed)


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


def unfold(body: bytes) -> str:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def content_lines(body: bytes) -> list[str]:
    return unfold(body)[:-2].split("\r\n")


def events(body: bytes) -> dict:
    """``{uid: VEVENT}`` as icalendar reads the file."""
    return {str(ev["uid"]): ev for ev in Calendar.from_ical(body).walk("VEVENT")}


def event_lines(body: bytes) -> list[str]:
    """The unfolded content lines inside VEVENTs."""
    inside, found = False, []
    for line in content_lines(body):
        if line == "BEGIN:VEVENT":
            inside = True
        elif line == "END:VEVENT":
            inside = False
        elif inside:
            found.append(line)
    return found


def assert_well_formed(body: bytes) -> Calendar:
    """Everything a calendar client needs of any file or feed we write; returns the parsed calendar."""
    # Line ends: CRLF only, no bare CR or LF anywhere.
    assert b"\n" not in body.replace(b"\r\n", b"") and b"\r" not in body.replace(b"\r\n", b"")
    # Folding: at most 75 octets a line, and every line is valid UTF-8 on its own.
    for line in physical_lines(body):
        assert len(line) <= 75, line
        line.decode("utf-8")

    cal = Calendar.from_ical(body)
    other = vobject.readOne(body.decode("utf-8"))
    # libical (Evolution, GNOME, many CalDAV servers): parses it and finds no broken RFC 5545 restriction.
    assert restriction_errors(body) == []

    # Calendar properties.
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"])
    assert str(cal["calscale"]) == "GREGORIAN"
    assert str(cal["name"]) and str(cal["x-wr-calname"]) == str(cal["name"])
    top = [line for line in content_lines(body) if not line.startswith(" ")]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in top
    assert "X-PUBLISHED-TTL:PT1H" in top
    vevents = cal.walk("VEVENT")
    if "method" in cal:  # RFC 5546: METHOD only together with an ORGANIZER on every event
        assert all("organizer" in ev for ev in vevents)

    # Time zones: a VTIMEZONE for every TZID used; yearly RRULEs, never RDATE-only.
    zones = {str(tz["tzid"]): tz for tz in cal.walk("VTIMEZONE")}
    used = set(re.findall(r";TZID=([^:;]+)[:;]", "\n".join(event_lines(body))))
    assert used <= set(zones), f"no VTIMEZONE for {used - set(zones)}"
    for tz in zones.values():
        observances = tz.walk("STANDARD") + tz.walk("DAYLIGHT")
        assert observances
        for part in observances:
            assert "rdate" not in part
            if part.decoded("tzoffsetfrom") != part.decoded("tzoffsetto"):
                assert str(part["rrule"]["FREQ"][0]) == "YEARLY"
            else:  # a zone without changes: one fixed observance
                assert len(observances) == 1

    # Item times: the zone where the item happens, never floating, never a bare date; UTC (Z) only for the second of
    # two equal wall-clock times when the clocks go back, which a TZID would make the first (RFC 5545, 3.3.5).
    for line in event_lines(body):
        if line.startswith(("DTSTART", "DTEND")):
            name_params, value = line.split(":", 1)
            if value.endswith("Z"):
                instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                assert ";" not in name_params and any(local_fold(instant, tzid) == "1" for tzid in zones), line
                continue
            assert ";TZID=" in name_params, line
            assert re.fullmatch(r"\d{8}T\d{6}", value), line

    # Both parsers see the same events at the same instants; vobject reads the times through our VTIMEZONEs.
    theirs = {ev.uid.value: ev for ev in other.contents.get("vevent", [])}
    assert set(theirs) == {str(ev["uid"]) for ev in vevents}
    for ev in vevents:
        uid = str(ev["uid"])
        for key in ("dtstart", "dtend"):
            ours = ev.decoded(key)
            assert ours.tzinfo is not None
            via_vtimezone = getattr(theirs[uid], key).value
            assert not isinstance(via_vtimezone.tzinfo, ZoneInfo)  # built from the VTIMEZONE, not the name
            assert via_vtimezone.astimezone(UTC) == ours.astimezone(UTC)
        assert str(ev["summary"]) == theirs[uid].summary.value
    return cal


def item_data(item: ProgrammeItem, **changes) -> dict:
    """What the item form would send for ``item``, with ``changes``."""
    data = {
        "kind": item.kind, "title": item.title, "starts_at": local_naive(item.starts_at, item.timezone),
        "ends_at": local_naive(item.ends_at, item.timezone), "timezone": item.timezone, "location": item.location,
        "description": item.description, "talking_points": item.talking_points,
        "no_talking_points_reason": item.no_talking_points_reason, "visibility": item.visibility,
        "parallel": item.parallel, "attendees": item.attendee_ids,
        "participants": [p.id for p in item.participants],
    }
    data.update(changes)
    return data


def feed(mission, audience: str, now: datetime | None = None) -> dict:
    """The audience's feed as a calendar server fetches it (today, or on the day of ``now``), checked by both parsers
    and libical; ``{uid: VEVENT}``."""
    body = build(mission, audience, for_feed=True, now=now or now_utc())
    assert_well_formed(body)
    return events(body)
