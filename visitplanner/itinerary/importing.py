"""A partner's draft programme read from an iCalendar file (RFC 5545), with the icalendar library.

Pure: bytes in, events out, nothing read from or written to the database. What importing them would do to a mission
(create, update, leave alone, ignore by the item rules) is ``itinerary.operations.plan_import``; the page is
``itinerary.views``. A file that is not a calendar, is broken, too large, holds too many events or nests components
where the standard allows none is refused whole (:class:`ImportRefused`), before the library parses it; an event that
cannot be placed (all-day, recurring, cancelled, without a start, in a zone nobody knows) is left out with its reason
(:class:`Skipped`).

Times keep the zone they were written in: a TZID that is an IANA zone as it is; one of Outlook's Windows zone names
mapped (:data:`WINDOWS_ZONES`, then the table the icalendar library carries); UTC (``Z``) shown in the calendar's own
zone (``X-WR-TIMEZONE``, as Google writes it) or the mission's; a floating time (no zone) taken as the mission's zone.
Each is said in the preview (:func:`zone_note`). Attendees and organisers are never read: they may be personal data of
people the office has no reason to hold.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..timeutil import is_known_timezone, local_fold, local_naive, place_name, resolve_local

#: The largest file imported, and the most events it may hold.
MAX_BYTES = 1_000_000
MAX_EVENTS = 500
#: What an item holds of an event's text: the item form's limits, so that the office can save the item again.
TITLE_MAX, LOCATION_MAX, DESCRIPTION_MAX = 200, 300, 5000
UID_MAX = 255
#: Dates outside these years are no programme (and near the ends of the calendar, times cannot be converted).
YEARS = range(1900, 2201)

#: Outlook's Windows zone names for the zones a Dutch office meets most, as a Dutch office means them (the library's
#: table maps "W. Europe Standard Time" to Berlin: the same clocks, but not the place). Outlook sometimes writes the
#: zone's display name instead. Any other Windows name is looked up in the library's table (CLDR's mapping).
WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Amsterdam",
    "Romance Standard Time": "Europe/Brussels",
    "GMT Standard Time": "Europe/London",
    "China Standard Time": "Asia/Shanghai",
    "Taipei Standard Time": "Asia/Taipei",
    "UTC": "UTC",
    "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Amsterdam",
    "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris": "Europe/Brussels",
    "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi": "Asia/Shanghai",
}

#: The components a component may hold (RFC 5545, 3.6); a calendar may also hold X- components of its own.
CHILDREN = {
    "VCALENDAR": {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"},
    "VEVENT": {"VALARM"},
    "VTODO": {"VALARM"},
    "VTIMEZONE": {"STANDARD", "DAYLIGHT"},
    "VAVAILABILITY": {"AVAILABLE"},
}
#: A content line: a name, parameters (quoted values may hold ":" and ";"), a colon, the value.
_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
CONTENT_LINE = re.compile(rf"^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)*:")
#: Properties that name people (RFC 5545, 3.8.4): never read.
PEOPLE = ("ATTENDEE", "ORGANIZER", "CONTACT")
#: Properties whose value must be read for the event to be placed: when the library could not read one, the event
#: is left out.
NEEDED = ("UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "STATUS", "RRULE", "RDATE", "EXRULE", "RECURRENCE-ID",
          "DESCRIPTION", "LOCATION")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ImportRefused(ValueError):
    """The whole file is refused, with a message for the person who uploaded it; nothing was read from it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Moment:
    """A start or end as the file gave it: the wall-clock time in ``zone`` (an IANA zone), which of two equal
    wall-clock times it is (``fold``: "0", "1" or "" when it happens once), and how the zone was found: ``zone`` (an
    IANA TZID), ``windows`` (an Outlook zone name, ``written``), ``utc`` (given in UTC, shown in ``zone``) or
    ``floating`` (no zone: the mission's)."""

    local: datetime
    zone: str
    fold: str
    how: str
    written: str = ""

    def instant(self) -> datetime:
        """The moment in UTC; ValueError for a time the clocks skip."""
        return resolve_local(self.local, self.zone, int(self.fold) if self.fold else 0)

    def seen_in(self, zone: str) -> Moment:
        """The same moment on the clocks of ``zone`` (a time given in UTC, kept in an item's own zone)."""
        moment = self.instant()
        return Moment(local_naive(moment, zone), zone, local_fold(moment, zone), self.how, self.written)

    def to_plain(self) -> list:
        return [self.local.isoformat(), self.zone, self.fold, self.how, self.written]

    @classmethod
    def from_plain(cls, value: list) -> Moment:
        local, zone, fold, how, written = value
        if not is_known_timezone(zone) or fold not in ("", "0", "1"):
            raise ValueError(zone)
        return cls(datetime.fromisoformat(local), zone, fold, str(how), str(written))


@dataclass(frozen=True)
class ParsedEvent:
    """An event that can be placed: its UID, its text as an item will hold it, its start and end. ``cut``: the
    fields shortened to what an item holds."""

    uid: str
    title: str
    description: str
    location: str
    start: Moment
    end: Moment
    cut: tuple[str, ...] = ()

    def to_plain(self) -> dict:
        return {"uid": self.uid, "title": self.title, "description": self.description, "location": self.location,
                "start": self.start.to_plain(), "end": self.end.to_plain(), "cut": list(self.cut)}

    @classmethod
    def from_plain(cls, value: dict) -> ParsedEvent:
        texts = [value[k] for k in ("uid", "title", "description", "location")]
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("text")
        return cls(*texts, Moment.from_plain(value["start"]), Moment.from_plain(value["end"]),
                   tuple(str(c) for c in value.get("cut") or ()))


@dataclass(frozen=True)
class Skipped:
    """An event left out, and why; ``title`` as the file names it (shortened), or its UID."""

    title: str
    reason: str


@dataclass
class Parsed:
    """What a calendar file holds that an import can use, and what it leaves out."""

    events: list[ParsedEvent] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: The file names attendees, an organiser or contacts: left out, said once.
    people_left_out: bool = False
    #: To-dos, journal entries and the like: no programme items.
    other_components: int = 0
    #: The calendar's own zone (``X-WR-TIMEZONE``), where times given in UTC are shown.
    calendar_zone: str | None = None


# ---- text ------------------------------------------------------------------------------------------------------


def one_line(value) -> str:
    """A title or place as an item holds it: one line, no control characters, no spaces around it."""
    return " ".join(_CONTROLS.sub(" ", str(value or "")).replace("\t", " ").split("\n")).strip()


def lines(value) -> str:
    """A description as an item holds it: line breaks kept (as LF), no other control characters."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text).strip()


def as_imported(title, location, description) -> tuple[tuple[str, str, str], tuple[str, ...]]:
    """An event's title, place and description as an item would hold them, with the fields that had to be cut."""
    values, cut = [], []
    for name, text, most in (("title", one_line(title), TITLE_MAX), ("location", one_line(location), LOCATION_MAX),
                             ("description", lines(description), DESCRIPTION_MAX)):
        if len(text) > most:
            text = text[:most].rstrip()
            cut.append(name)
        values.append(text)
    return (values[0], values[1], values[2]), tuple(cut)


# ---- zones -----------------------------------------------------------------------------------------------------


def zone_named(tzid: str) -> tuple[str | None, str]:
    """The IANA zone a TZID means, and how it was read ("zone" or "windows"); (None, "") when no known zone."""
    name = (tzid or "").strip().strip('"')
    if is_known_timezone(name):
        return name, "zone"
    mapped = WINDOWS_ZONES.get(name) or WINDOWS_TO_OLSON.get(name)
    if mapped and is_known_timezone(mapped):
        return mapped, "windows"
    # Some writers put a path before the IANA name: /mozilla.org/20050126_1/Europe/Amsterdam.
    parts = [p for p in name.split("/") if p]
    for n in (3, 2):
        if len(parts) > n and is_known_timezone("/".join(parts[-n:])):
            return "/".join(parts[-n:]), "zone"
    return None, ""


def zone_note(moment: Moment, mission_zone: str) -> str | None:
    """How the file gave a time's zone, for the preview: said whenever it was not an IANA zone written out."""
    if moment.how == "windows":
        return _("Outlook's zone “%(written)s” read as %(zone)s.", written=moment.written, zone=moment.zone)
    if moment.how == "utc" and moment.zone == mission_zone:
        return _("Given in UTC; shown in the mission's zone, %(place)s.", place=place_name(moment.zone))
    if moment.how == "utc":
        return _("Given in UTC; shown in the calendar's own zone, %(place)s.", place=place_name(moment.zone))
    if moment.how == "floating":
        return _("No time zone in the file: taken as the mission's zone, %(place)s.", place=place_name(moment.zone))
    return None


# ---- the file --------------------------------------------------------------------------------------------------


def _decoded(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(most)s. Import a calendar of the visit only, or split it.",
                              most="1 MB"))
    if not raw.strip():
        raise ImportRefused(_("The file is empty."))
    if b"\x00" in raw:
        raise ImportRefused(_("This is not a calendar file (.ics): it holds binary data."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not written in UTF-8, as calendar files must be. Export it again from "
                              "the calendar program.")) from None


def _unfolded(text: str) -> list[tuple[int, str]]:
    """The content lines with the number of the line each starts on (a line starting with a space continues)."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line[:1] in (" ", "\t") and found:
            found[-1] = (found[-1][0], found[-1][1] + line[1:])
        elif line.strip():
            found.append((number, line))
    return found


def _scan(text: str) -> None:
    """Refuse a file whose structure is wrong before any parser reads it: a broken line, components nested where the
    standard allows none (an event in an event, nesting without end), more than one calendar, too many events."""
    stack: list[str] = []
    calendars = events = 0
    for number, line in _unfolded(text):
        if not CONTENT_LINE.match(line):
            if not stack and not calendars:
                raise ImportRefused(_("This is not a calendar file (.ics): it does not start with BEGIN:VCALENDAR."))
            raise ImportRefused(_("Line %(number)d of the file is broken: it is no calendar line (NAME:value). Export "
                                  "the calendar again.", number=number))
        name, _sep, value = line.partition(":")
        name = name.split(";", 1)[0].upper()
        if name not in ("BEGIN", "END"):
            if not stack:
                raise ImportRefused(_("This is not a calendar file (.ics): it does not start with BEGIN:VCALENDAR.")
                                    if not calendars else
                                    _("Line %(number)d stands outside the calendar (after END:VCALENDAR).",
                                      number=number))
            continue
        component = value.strip().upper()
        if name == "BEGIN":
            if not stack:
                if component != "VCALENDAR":
                    raise ImportRefused(_("This is not a calendar file (.ics): it does not start with "
                                          "BEGIN:VCALENDAR."))
                calendars += 1
                if calendars > 1:
                    raise ImportRefused(_("The file holds more than one calendar. Import one calendar at a time."))
            elif component not in CHILDREN.get(stack[-1], set()) and not (
                    stack[-1] == "VCALENDAR" and component.startswith("X-")):
                raise ImportRefused(_(
                    "Line %(number)d puts a %(inner)s inside a %(outer)s, which calendar files do not allow. The file "
                    "cannot be imported.", number=number, inner=component[:40], outer=stack[-1]))
            if component == "VEVENT":
                events += 1
                if events > MAX_EVENTS:
                    raise ImportRefused(_("The file holds more than %(most)d events. Import a calendar of the visit "
                                          "only.", most=MAX_EVENTS))
            stack.append(component)
        else:
            if not stack or stack[-1] != component:
                raise ImportRefused(_("Line %(number)d ends a %(component)s that was not begun there. The file is "
                                      "broken.", number=number, component=component[:40]))
            stack.pop()
    if stack:
        raise ImportRefused(_("The file ends before its %(component)s does: it is cut off.", component=stack[-1]))
    if not calendars:
        raise ImportRefused(_("This is not a calendar file (.ics): it does not start with BEGIN:VCALENDAR."))


def read_calendar(raw: bytes, mission_zone: str) -> Parsed:
    """What a calendar file holds for a mission in ``mission_zone``; ImportRefused for a file that cannot be used."""
    text = _decoded(raw)
    _scan(text)
    try:
        with warnings.catch_warnings():
            # The library warns when it guesses a zone from a TZID; zones are read here (zone_named), not guessed.
            warnings.simplefilter("ignore")
            calendar = Calendar.from_ical(text)
    except Exception:  # noqa: BLE001 - the library raises many kinds for what it cannot read; all mean the same here
        raise ImportRefused(_("The calendar file could not be read. Export it again from the calendar program.")
                            ) from None
    parsed = Parsed()
    wr_zone = calendar.get("X-WR-TIMEZONE")
    if wr_zone is not None and not isinstance(wr_zone, list):
        parsed.calendar_zone = zone_named(str(wr_zone))[0]
    described = {str(c.get("TZID")) for c in calendar.subcomponents if c.name == "VTIMEZONE" and c.get("TZID")}
    seen: set[str] = set()
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            parsed.other_components += component.name != "VTIMEZONE"
            continue
        if any(name in component for name in PEOPLE):
            parsed.people_left_out = True
        try:
            parsed.events.append(_event(component, mission_zone, parsed.calendar_zone, described, seen))
        except _Skip as skip:
            parsed.skipped.append(Skipped(skip.title, skip.reason))
    return parsed


class _Skip(Exception):
    def __init__(self, title: str, reason: str):
        super().__init__(reason)
        self.title, self.reason = title, reason


def _single(component, name: str, title: str):
    value = component.get(name)
    if isinstance(value, list):
        raise _Skip(title, _("It has %(property)s more than once.", property=name))
    return value


def _event(component, mission_zone: str, calendar_zone: str | None, described: set[str], seen: set[str]
           ) -> ParsedEvent:
    """One VEVENT as an event to import; _Skip with the reason when it cannot be placed."""
    raw_title = component.get("SUMMARY")
    raw_uid = component.get("UID")
    label = one_line(raw_title if isinstance(raw_title, str) else "")[:TITLE_MAX] or one_line(
        raw_uid if isinstance(raw_uid, str) else "")[:80] or _("(no title)")
    broken = sorted({str(name) for name, _message in component.errors if name in NEEDED})
    if broken:
        raise _Skip(label, _("Its %(properties)s could not be read.", properties=", ".join(broken)))
    uid, title = _single(component, "UID", label), _single(component, "SUMMARY", label)
    status = _single(component, "STATUS", label)
    if status is not None and str(status).upper() == "CANCELLED":
        raise _Skip(label, _("It is cancelled."))
    if any(name in component for name in ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID")):
        raise _Skip(label, _("It repeats (a recurring event): add its occurrences by hand."))
    start_prop = _single(component, "DTSTART", label)
    if start_prop is None:
        raise _Skip(label, _("It has no start (DTSTART)."))
    if not isinstance(start_prop.dt, datetime):
        raise _Skip(label, _("It lasts all day: the programme holds items with a time."))
    if not uid or not str(uid).strip():
        raise _Skip(label, _("It has no identifier (UID), so a later import could not recognise it."))
    uid = str(uid).strip()
    if len(uid) > UID_MAX:
        raise _Skip(label, _("Its identifier (UID) is longer than %(most)d characters.", most=UID_MAX))
    if uid in seen:
        raise _Skip(label, _("Its identifier (UID) appears twice in the file: only the first is read."))
    seen.add(uid)
    if not one_line(title):
        raise _Skip(label, _("It has no title (SUMMARY)."))
    start = _moment(start_prop, label, mission_zone, calendar_zone, described)
    end_prop, duration = _single(component, "DTEND", label), _single(component, "DURATION", label)
    if end_prop is not None:
        if not isinstance(end_prop.dt, datetime):
            raise _Skip(label, _("Its end (DTEND) is a date without a time, unlike its start."))
        end = _moment(end_prop, label, mission_zone, calendar_zone, described)
    elif duration is not None and isinstance(duration.dt, timedelta):
        try:
            end = Moment(start.local + duration.dt, start.zone, start.fold, start.how, start.written)
        except OverflowError:
            raise _Skip(label, _("Its date is outside the years %(first)d to %(last)d.", first=YEARS[0],
                                 last=YEARS[-1])) from None
        if end.local.year not in YEARS:
            raise _Skip(label, _("Its date is outside the years %(first)d to %(last)d.", first=YEARS[0],
                                 last=YEARS[-1]))
    else:
        raise _Skip(label, _("It has no end (DTEND or DURATION)."))
    description, location = (_single(component, name, label) for name in ("DESCRIPTION", "LOCATION"))
    (title, location, description), cut = as_imported(title, location, description)
    return ParsedEvent(uid, title, description, location, start, end, cut)


def _moment(prop, label: str, mission_zone: str, calendar_zone: str | None, described: set[str]) -> Moment:
    value: datetime = prop.dt
    if value.year not in YEARS:
        raise _Skip(label, _("Its date is outside the years %(first)d to %(last)d.", first=YEARS[0], last=YEARS[-1]))
    tzid = prop.params.get("TZID")
    if tzid:
        zone, how = zone_named(str(tzid))
        if zone is None:
            written = one_line(tzid)[:64]
            if str(tzid) in described:
                raise _Skip(label, _("Its time zone “%(tzid)s” is described in the file but is no zone known here: "
                                     "add it by hand, in the zone where it happens.", tzid=written))
            raise _Skip(label, _("Its time zone “%(tzid)s” is not known, and the file does not describe it.",
                                 tzid=written))
        return Moment(value.replace(tzinfo=None), zone, "0", how, one_line(tzid)[:64] if how == "windows" else "")
    if value.tzinfo is not None:
        moment = value.astimezone(timezone.utc)
        zone = calendar_zone or mission_zone
        return Moment(local_naive(moment, zone), zone, local_fold(moment, zone), "utc")
    return Moment(value, mission_zone, "0", "floating")
