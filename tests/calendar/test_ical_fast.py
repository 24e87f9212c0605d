"""A feed's events are written without building the icalendar library's component tree (``calendar/ical.py``
``event_bytes``), and must come out byte for byte as the library writes them: any title, place, description or
uid (line breaks, commas, backslashes, carets, accents, CJK, emoji, long enough to fold anywhere), any zone, either
side of a clock change, private or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vDuration

from visitplanner.calendar.ical import PRODID, REFRESH, all_day_event, build_calendar, event, event_bytes, vtimezone
from visitplanner.disclosure import ItemView

ZONES = ["Asia/Shanghai", "Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "Etc/UTC", "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns"]

text = st.lists(
    st.one_of(
        st.sampled_from(list("\\^;,:\n\r\t \"'aé漢字🙂") + ["\\N", "\r\n", "\\n"]),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=200,
).map("".join)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31),
                       timezones=st.just(UTC)).map(lambda m: m.replace(second=m.second, microsecond=0))


@st.composite
def views(draw) -> ItemView:
    start = draw(moments)
    return ItemView(
        item_id=draw(st.integers(1, 2**31 - 1)),
        uid=draw(st.one_of(st.just("item-12@visitplanner"), text)),
        starts_at=start,
        ends_at=start + draw(st.timedeltas(timedelta(0), timedelta(days=2))),
        timezone=draw(st.sampled_from(ZONES)),
        end_timezone=draw(st.sampled_from(["", *ZONES])),
        title=draw(text),
        private=draw(st.booleans()),
        location=draw(text),
        sequence=draw(st.integers(0, 2**31 - 1)),
        last_modified=draw(st.one_of(st.none(), moments)),
        cancelled=draw(st.booleans()),
        classification=draw(st.sampled_from(["PUBLIC", "PRIVATE", "CONFIDENTIAL"])),
    )


@settings(max_examples=400, deadline=None)
@given(views(), text)
def test_an_event_is_written_byte_for_byte_as_the_library_writes_it(view, description):
    assert event_bytes(view, description) == event(view, description).to_ical()


def test_a_long_line_folds_where_the_library_folds_it_also_next_to_an_escape():
    base = ItemView(item_id=1, uid="u@x", starts_at=datetime(2027, 4, 13, 6, tzinfo=UTC),
                    ends_at=datetime(2027, 4, 13, 7, tzinfo=UTC), timezone="Asia/Shanghai", title="", private=False)
    for n in range(60, 160):
        for tail in ("\\", ",", ";", "^", "é", "\n", "a"):
            view = ItemView(**{**base.__dict__, "title": "x" * n + tail + "y" * 20})
            assert event_bytes(view, "d" * n + tail) == event(view, "d" * n + tail).to_ical(), (n, tail)


@settings(max_examples=60, deadline=None)
@given(st.lists(views(), max_size=6), text.map(lambda t: t.replace("\r", " ").replace("\n", " ")))
def test_a_whole_calendar_is_the_one_the_library_builds(items, name):
    """(A calendar's name is a mission's title, a single line.)"""
    reminders = [all_day_event("followup-1@visitplanner", datetime(2027, 5, 1).date(), "Follow-up due: x", "link",
                               None)]

    def describe(view):
        return f"{view.title}\n{view.location}"

    reference = Calendar()
    reference.add("prodid", PRODID)
    reference.add("version", "2.0")
    reference.add("calscale", "GREGORIAN")
    reference.add("name", name)
    reference.add("x-wr-calname", name)
    reference.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    reference.add("x-published-ttl", vDuration(REFRESH))
    years = {}
    for view in items:
        for tzid, moment in ((view.timezone, view.starts_at), (view.end_timezone or view.timezone, view.ends_at)):
            from zoneinfo import ZoneInfo

            year = moment.astimezone(ZoneInfo(tzid)).year
            years[tzid] = min(year, years.get(tzid, year))
    for tzid in sorted(years):
        reference.add_component(vtimezone(tzid, years[tzid]))
    for view in items:
        reference.add_component(event(view, describe(view)))
    for extra in reminders:
        reference.add_component(extra)

    assert build_calendar(name, iter(items), describe, reminders) == reference.to_ical()
