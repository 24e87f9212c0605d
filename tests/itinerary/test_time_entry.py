"""Time that cannot be misread: a time the clocks skip is refused with the times that exist, a time they repeat asks
which one, a flight ends in its own zone on every output, zones are chosen from a list and named so that nobody can
misread them, and a mission's zone follows its direction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from icalendar import Calendar
from sqlalchemy import select

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.readiness.checks import Context, Status, check_itinerary
from visitplanner.timeutil import AmbiguousLocalTime, NonexistentLocalTime, resolve_local, zone_label


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def field_error(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())) if match else ""


def item_form(**overrides) -> dict:
    data = {"kind": "transport", "title": "Vlucht", "timezone": "Europe/Amsterdam",
            "starts_at": "2027-04-12T14:30", "ends_at": "2027-04-12T16:00", "visibility": "delegation"}
    data.update(overrides)
    return data


@pytest.fixture
def spring(make_mission):
    """A visit around the spring change in Amsterdam (28 March 2027, 02:00 → 03:00)."""
    return make_mission("inbound", start=date(2027, 3, 27), end=date(2027, 3, 29), timezone="Europe/Amsterdam")


@pytest.fixture
def autumn(make_mission):
    """A visit around the autumn change in Amsterdam (31 October 2027, 03:00 → 02:00)."""
    return make_mission("inbound", start=date(2027, 10, 30), end=date(2027, 11, 1), timezone="Europe/Amsterdam")


# ---- the rules of local time ------------------------------------------------------------------------------------


def test_a_time_the_clocks_skip_or_repeat_is_told_apart_from_one_that_exists():
    with pytest.raises(NonexistentLocalTime) as gap:
        resolve_local(datetime(2027, 3, 28, 2, 30), "Europe/Amsterdam")
    assert (gap.value.before, gap.value.after) == (datetime(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 3, 30))
    with pytest.raises(AmbiguousLocalTime):
        resolve_local(datetime(2027, 10, 31, 2, 30), "Europe/Amsterdam")
    assert resolve_local(datetime(2027, 10, 31, 2, 30), "Europe/Amsterdam", 0) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert resolve_local(datetime(2027, 10, 31, 2, 30), "Europe/Amsterdam", 1) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert resolve_local(datetime(2027, 4, 13, 14, 0), "Asia/Shanghai") == datetime(2027, 4, 13, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone, moment, label", [
    ("Asia/Shanghai", datetime(2027, 1, 1, tzinfo=UTC), "China (UTC+8)"),
    ("Europe/Amsterdam", datetime(2027, 1, 1, tzinfo=UTC), "Amsterdam (UTC+1)"),
    ("Europe/Amsterdam", datetime(2027, 7, 1, tzinfo=UTC), "Amsterdam (UTC+2)"),
    ("Asia/Hong_Kong", datetime(2027, 7, 1, tzinfo=UTC), "Hong Kong (UTC+8)"),
    ("America/Chicago", datetime(2027, 1, 1, tzinfo=UTC), "Chicago (UTC-6)"),
    ("UTC", datetime(2027, 1, 1, tzinfo=UTC), "UTC"),
])
def test_zones_are_named_by_place_and_offset_never_by_an_abbreviation(zone, moment, label):
    assert zone_label(moment, zone) == label


# ---- forms -------------------------------------------------------------------------------------------------------


def test_a_time_in_the_spring_gap_is_refused_proposing_times_that_exist(client, login, spring):
    login(Role.PROTOCOL)
    response = client.post(f"/missions/{spring.id}/items/new", data=item_form(
        starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00"))
    assert response.status_code == 200
    assert field_error(response, "starts_at") == (
        "02:30 does not exist on 28 Mar 2027 in Amsterdam: the clocks skip it. Choose for example 01:30 or 03:30.")
    assert db.session.scalar(select(ProgrammeItem)) is None


def test_a_time_in_the_autumn_fold_asks_which_of_the_two_is_meant(client, login, autumn):
    login(Role.PROTOCOL)
    url = f"/missions/{autumn.id}/items/new"
    asked = client.post(url, data=item_form(starts_at="2027-10-31T02:30", ends_at="2027-10-31T04:00"))
    assert asked.status_code == 200
    assert field_error(asked, "starts_fold") == (
        "02:30 happens twice on 31 Oct 2027 in Amsterdam (UTC+2, then UTC+1): say which one is meant.")
    assert "The second time, after the clocks go back" in text_of(asked)
    assert db.session.scalar(select(ProgrammeItem)) is None

    saved = client.post(url, data=item_form(starts_at="2027-10-31T02:30", ends_at="2027-10-31T04:00",
                                             starts_fold="1"))
    assert saved.status_code == 302
    item = db.session.scalar(select(ProgrammeItem))
    assert item.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second 02:30, in winter time
    programme = text_of(client.get(f"/missions/{autumn.id}/programme"))
    assert "02:30–04:00 Amsterdam (UTC+1)" in programme


def test_editing_an_item_in_the_fold_keeps_which_of_the_two_it_was(client, login, autumn, make_item):
    login(Role.PROTOCOL)
    item = make_item(autumn, "2027-10-31T02:30", "2027-10-31T04:00", zone="Europe/Amsterdam", title="Nachtwandeling")
    item.starts_at = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second 02:30
    commit()
    form = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="1"|<input[^>]*value="1"[^>]*checked', form)
    data = item_form(starts_at="2027-10-31T02:30", ends_at="2027-10-31T04:00", starts_fold="1", title="Nachtwandeling",
                     version=str(item.version), kind=item.kind, visibility=item.visibility)
    assert client.post(f"/items/{item.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgrammeItem, item.id).starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("fold, instant, printed", [
    ("0", datetime(2027, 10, 31, 0, 30, tzinfo=UTC), "02:30 Amsterdam (UTC+2) – 04:00 Amsterdam (UTC+1)"),
    ("1", datetime(2027, 10, 31, 1, 30, tzinfo=UTC), "02:30–04:00 Amsterdam (UTC+1)"),
])
def test_each_of_the_two_0230s_is_the_right_instant_in_print_and_in_the_calendar_file(
    client, login, autumn, fold, instant, printed
):
    from support.ical import assert_well_formed

    login(Role.PROTOCOL)
    saved = client.post(f"/missions/{autumn.id}/items/new", data=item_form(
        starts_at="2027-10-31T02:30", ends_at="2027-10-31T04:00", starts_fold=fold))
    assert saved.status_code == 302
    assert printed in text_of(client.get(f"/missions/{autumn.id}/programme/print"))

    body = client.get(f"/missions/{autumn.id}/programme.ics").data
    assert_well_formed(body)  # icalendar and vobject (through our VTIMEZONE) agree on the instants; libical is happy
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == instant
    # A TZID would make any 02:30 that day the first one (RFC 5545, 3.3.5): the second is written in UTC.
    assert ("TZID" in event["dtstart"].params) == (fold == "0")


def test_an_overnight_item_across_the_change_is_labelled_with_both_offsets(client, login, spring, make_item):
    login(Role.PROTOCOL)
    make_item(spring, "2027-03-28T01:30", "2027-03-28T04:00", zone="Europe/Amsterdam", title="Nachttrein")
    programme = text_of(client.get(f"/missions/{spring.id}/programme"))
    assert "01:30 Amsterdam (UTC+1) – 04:00 Amsterdam (UTC+2)" in programme


@pytest.fixture
def flight(client, login, make_mission):
    """The protocol officer enters a flight leaving Amsterdam and landing in Shanghai, in both local times."""
    login(Role.PROTOCOL)
    mission = make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15), timezone="Asia/Shanghai")
    saved = client.post(f"/missions/{mission.id}/items/new", data=item_form(
        title="Vlucht Amsterdam – Shanghai", timezone="Europe/Amsterdam", starts_at="2027-04-12T14:30",
        end_timezone="Asia/Shanghai", ends_at="2027-04-13T07:05"))
    assert saved.status_code == 302, field_error(saved, "ends_at")
    return mission, db.session.scalar(select(ProgrammeItem))


def test_a_flight_is_stored_with_both_zones_and_edited_in_both_local_times(client, flight):
    mission, item = flight
    assert (item.timezone, item.end_timezone) == ("Europe/Amsterdam", "Asia/Shanghai")
    assert item.starts_at == datetime(2027, 4, 12, 12, 30, tzinfo=UTC)
    assert item.ends_at == datetime(2027, 4, 12, 23, 5, tzinfo=UTC)
    form = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="2027-04-12T14:30"' in form and 'value="2027-04-13T07:05"' in form
    assert re.search(r'<option selected value="Asia/Shanghai">|<option value="Asia/Shanghai" selected>', form)


def test_a_flight_shows_both_local_times_on_the_page_and_in_print(client, flight):
    mission, _ = flight
    expected = "14:30 Amsterdam (UTC+2) – 07:05 next day China (UTC+8)"
    assert expected in text_of(client.get(f"/missions/{mission.id}/programme"))
    assert expected in text_of(client.get(f"/missions/{mission.id}/programme/print"))


def test_a_flight_ends_in_its_own_zone_in_the_calendar_file(client, flight):
    from support.libical import restriction_errors

    mission, item = flight
    body = client.get(f"/missions/{mission.id}/programme.ics").data
    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert event["dtend"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("dtend").astimezone(UTC) == datetime(2027, 4, 12, 23, 5, tzinfo=UTC)
    assert {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Amsterdam", "Asia/Shanghai"}
    assert restriction_errors(body) == []


def test_the_itinerary_check_reads_the_end_in_the_zone_where_it_ends(flight):
    mission, item = flight
    mission = db.session.get(Mission, mission.id)
    assert check_itinerary(mission, Context(today=date(2027, 3, 1))).status == Status.PASS
    # Transport may land the day after the last day (rule 7), but not later: landing two days after it in Shanghai
    # is outside the mission, even though it is only the day after in Amsterdam.
    item.ends_at = datetime(2027, 4, 16, 16, 30, tzinfo=UTC)  # 00:30 on 17 April in Shanghai, 18:30 in Amsterdam
    item.starts_at = datetime(2027, 4, 15, 10, 0, tzinfo=UTC)
    commit()
    assert check_itinerary(mission, Context(today=date(2027, 3, 1))).status == Status.FAIL


# ---- missions -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("direction, zone", [("inbound", "Europe/Amsterdam"), ("outbound", "Asia/Shanghai")])
def test_a_missions_zone_follows_its_direction_unless_chosen(client, login, make_partnership, direction, zone):
    login(Role.PROTOCOL)
    partnership = make_partnership()
    response = client.post(f"/partnerships/{partnership.id}/missions/new", data={
        "partnership_id": str(partnership.id), "direction": direction, "title": "Bezoek", "purpose": "",
        "start_date": "2027-06-07", "end_date": "2027-06-09", "timezone": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(Mission.timezone)) == zone


def test_the_zone_is_chosen_from_a_list_with_the_common_ones_first(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission()
    form = client.get(f"/missions/{mission.id}/items/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="timezone"[^>]*>(.*?)</select>', form, re.S).group(1)
    values = re.findall(r'value="([^"]*)"', select_html)
    assert values[:3] == ["Europe/Amsterdam", "Asia/Shanghai", "Asia/Hong_Kong"]
    assert "America/Chicago" in values and len(values) > 300
    assert "China — Asia/Shanghai" in unescape(select_html)


def test_a_feed_carries_the_flight_in_both_zones_too(app, flight, reader, make_user):
    mission, item = flight
    token = create_feed(make_user(Role.ADVISOR), kind="mission", audience="internal", mission=mission)[1]
    commit()
    [event] = Calendar.from_ical(reader.get(f"/feeds/{token}.ics").data).walk("VEVENT")
    assert event["dtend"].params["TZID"] == "Asia/Shanghai"


def test_the_demo_names_zones_on_the_mission_page_and_the_checklist(runner, client):
    from support.accounts import sign_in_to_demo

    assert runner.invoke(args=["demo"]).exit_code == 0
    sign_in_to_demo(client, "protocol@example.org")
    missions = {m.direction: m for m in db.session.scalars(select(Mission))}
    outbound = text_of(client.get(f"/missions/{missions['outbound'].id}"))
    assert "China (UTC+8) — Asia/Shanghai" in outbound
    programme = text_of(client.get(f"/missions/{missions['outbound'].id}/programme"))
    assert re.search(r"14:30 Amsterdam \(UTC\+[12]\) – 07:05 next day China \(UTC\+8\)", programme)
    signed = next(m for m in missions.values() if m.sign_offs)
    checklist = text_of(client.get(f"/missions/{signed.id}/checklist"))
    assert re.search(r"\d:\d{2}( [AP]M)? Amsterdam \(UTC\+[12]\)", checklist)
