"""iCalendar files and feeds: what real calendar clients need, and only what the audience may see.

Every output is parsed back with icalendar and with vobject (a second, independent parser); times are
checked as UTC instants, through the VTIMEZONE we write as well as through the zone's name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select
from support.ical import (
    PRIVATE,
    assert_well_formed,
    build,
    content_lines,
    event_lines,
    events,
    fresh,
    item_data,
    physical_lines,
    unfold,
)
from support.libical import restriction_errors
from werkzeug.http import parse_options_header

from visitplanner.auth.models import Role, User
from visitplanner.calendar.ical import build_calendar, vtimezone
from visitplanner.commit import commit
from visitplanner.disclosure import Audience, ItemView
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import remove_item, update_item
from visitplanner.missions.models import Mission
from visitplanner.participants.models import Scope
from visitplanner.participants.operations import create_participant, record_consent
from visitplanner.timeutil import today_utc

UTC = timezone.utc
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


# ---- the demo data, every audience, both parsers ---------------------------------------------------------


def test_every_output_of_the_demo_data_parses_with_icalendar_and_vobject(ctx):
    from visitplanner.demo import load_demo

    load_demo()
    commit()
    missions = db.session.scalars(select(Mission).order_by(Mission.id)).all()
    assert missions
    zones = {i.uid: i.timezone for i in db.session.scalars(select(ProgrammeItem))}
    viewers = [db.session.scalar(select(User).where(User.email == e))
               for e in ("advisor@example.org", "protocol@example.org", "delegate@example.org")]
    seen_private = False
    for mission in missions:
        loaded = [fresh(mission)]
        for audience in Audience:
            for viewer in viewers + [None]:
                for for_feed in (False, True):
                    body = build(loaded, audience, viewer, for_feed=for_feed, today=today_utc())
                    cal = assert_well_formed(body)
                    for ev in cal.walk("VEVENT"):
                        # The TZID is the zone where the item happens.
                        assert str(ev["dtstart"].params["TZID"]) == zones[str(ev["uid"])]
                        seen_private |= str(ev["summary"]) in PRIVATE
    # All of them together, as an organisation feed would.
    assert_well_formed(build([fresh(m) for m in missions], Audience.INTERNAL, viewers[0], for_feed=True,
                             today=today_utc()))
    assert seen_private, "the demo should exercise the private appointment"


def test_libicals_restriction_check_catches_a_publish_without_organizer_and_a_doubled_uid():
    # The check that every output above passes is able to fail.
    event = b"BEGIN:VEVENT\r\nUID:a@example.org\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270101T100000Z\r\nEND:VEVENT\r\n"
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    assert restriction_errors(head + event + b"END:VCALENDAR\r\n") == []
    publish = restriction_errors(head + b"METHOD:PUBLISH\r\n" + event + b"END:VCALENDAR\r\n")
    assert any("ORGANIZER property" in error for error in publish), publish
    doubled = event.replace(b"UID:a@example.org\r\n", b"UID:a@example.org\r\nUID:b@example.org\r\n")
    [uid] = restriction_errors(head + doubled + b"END:VCALENDAR\r\n")
    assert "UID" in uid


def test_an_empty_programme_is_still_a_valid_calendar(ctx, make_mission):
    body = build(make_mission(), Audience.PUBLIC)
    cal = assert_well_formed(body)
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []


# ---- time zones ------------------------------------------------------------------------------------------


def test_times_carry_the_zone_where_the_item_happens_and_resolve_to_the_right_instants(
    ctx, make_mission, make_item
):
    mission = make_mission("outbound", start=date(2027, 1, 18), end=date(2027, 7, 20), timezone="Asia/Shanghai")
    shanghai = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst")
    summer = make_item(mission, "2027-07-05T09:30", "2027-07-05T10:30", zone="Europe/Amsterdam", title="Zomer")
    winter = make_item(mission, "2027-01-20T09:30", "2027-01-20T10:30", zone="Europe/Amsterdam", title="Winter")
    expected = {
        shanghai.uid: ("Asia/Shanghai", datetime(2027, 4, 13, 6, 0, tzinfo=UTC)),
        summer.uid: ("Europe/Amsterdam", datetime(2027, 7, 5, 7, 30, tzinfo=UTC)),
        winter.uid: ("Europe/Amsterdam", datetime(2027, 1, 20, 8, 30, tzinfo=UTC)),
    }

    body = build(mission)
    assert_well_formed(body)

    parsed = events(body)
    assert set(parsed) == set(expected)
    for uid, (zone, instant) in expected.items():
        assert str(parsed[uid]["dtstart"].params["TZID"]) == zone
        assert parsed[uid].decoded("dtstart").astimezone(UTC) == instant
    raw = "\n".join(event_lines(body))
    assert "DTSTART;TZID=Asia/Shanghai:20270413T140000" in raw
    assert "DTSTART;TZID=Europe/Amsterdam:20270705T093000" in raw
    assert "DTSTART;TZID=Europe/Amsterdam:20270120T093000" in raw

    # The same instants through vobject's reading of our VTIMEZONEs (this checks our RRULEs).
    other = vobject.readOne(body.decode())
    tzinfos = {vtz.tzid.value: vtz.gettzinfo() for vtz in other.vtimezone_list}
    assert set(tzinfos) == {"Asia/Shanghai", "Europe/Amsterdam"}
    for ev in other.vevent_list:
        zone, instant = expected[ev.uid.value]
        wall_clock = ev.dtstart.value.replace(tzinfo=None)
        assert wall_clock.replace(tzinfo=tzinfos[zone]).astimezone(UTC) == instant
        assert ev.dtstart.value.astimezone(UTC) == instant


@pytest.mark.parametrize("zone", [
    "Europe/Amsterdam", "Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Europe/London", "America/New_York",
    "Australia/Sydney",  # southern hemisphere: January is summer time, before the first change of the year
])
def test_a_vtimezone_agrees_with_the_time_zone_database_through_its_year_and_the_next(zone):
    """Read our VTIMEZONE with vobject and compare its offsets with zoneinfo every hour for two years."""
    cal = Calendar()
    cal.add("prodid", "-//test//")
    cal.add("version", "2.0")
    cal.add_component(vtimezone(zone, 2027))
    tzinfo = vobject.readOne(cal.to_ical().decode()).vtimezone.gettzinfo()
    real = ZoneInfo(zone)
    wrong = []
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    while moment < datetime(2029, 1, 1, tzinfo=UTC):
        if moment.astimezone(real).utcoffset() != moment.astimezone(tzinfo).utcoffset():
            wrong.append(moment)
        moment += timedelta(hours=1)
    assert wrong == []


# ---- lines, folding, characters, injection ---------------------------------------------------------------


def test_lines_end_in_crlf_and_are_folded_at_75_octets_without_splitting_a_character(
    ctx, make_user, make_mission, make_item
):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    title = "无锡市人民政府会见" * 8 + " 🎉🇨🇳👩🏽‍⚖️" * 5
    description = "说明：" + "人权对话与公民社会。" * 20 + " Ééèêë" * 10
    location = "无锡市滨湖区" * 12 + "🏛️"
    item = make_item(mission, title=title, description=description, location=location,
                     talking_points="言论自由😀" * 15)

    for audience in (Audience.INTERNAL, Audience.DELEGATION):
        body = build(mission, audience, advisor)
        lines = physical_lines(body)
        assert any(len(line) > 70 for line in lines), "the test should make folding happen"
        for line in lines:
            assert len(line) <= 75
            line.decode("utf-8")  # raises if folding split a character
        assert_well_formed(body)

        ev = events(body)[item.uid]
        assert str(ev["summary"]) == title
        assert str(ev["location"]) == location
        assert description in str(ev["description"])
        other = vobject.readOne(body.decode())
        assert other.vevent.summary.value == title
        assert other.vevent.location.value == location


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_a_line_break_in_a_field_cannot_inject_a_property(ctx, make_user, make_mission, make_item, newline):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    attack = f"{newline}ATTENDEE:mailto:evil@example.org{newline}X-INJECT:1"
    item = make_item(mission, title="Ontvangst" + attack, location="Stadhuis" + attack,
                     description="Welkom" + attack, visibility="public")

    for audience in Audience:
        body = build(mission, audience, advisor)
        assert_well_formed(body)
        for line in content_lines(body):
            assert not line.startswith(("ATTENDEE", "X-INJECT"))
        cal = Calendar.from_ical(body)
        assert "x-inject" not in cal
        ev = events(body)[item.uid]
        assert "attendee" not in ev and "x-inject" not in ev
        # Round trip: iCalendar TEXT has one line break, written \n.
        assert str(ev["summary"]) == ("Ontvangst" + attack).replace(newline, "\n")
        other = vobject.readOne(body.decode())
        assert "attendee" not in other.vevent.contents and "x-inject" not in other.vevent.contents
        assert other.vevent.summary.value == ("Ontvangst" + attack).replace(newline, "\n")


def test_build_calendar_writes_its_views_through_icalendar_escaping():
    """The pure builder, without a database: commas, semicolons and backslashes survive."""
    start = datetime(2027, 4, 13, 6, 0, tzinfo=UTC)
    view = ItemView(item_id=1, uid="abc@visitplanner", starts_at=start, ends_at=start + timedelta(hours=1),
                    timezone="Asia/Shanghai", title=r"Ontvangst, diner; toost \ afsluiting", private=False,
                    location="Stadhuis, Wuxi", last_modified=datetime(2027, 2, 1, 10, 0, 30, 999, tzinfo=UTC))
    body = build_calendar("Test", [view], lambda v: "Regel 1\nRegel 2, met komma")
    assert_well_formed(body)
    ev = events(body)["abc@visitplanner"]
    assert str(ev["summary"]) == r"Ontvangst, diner; toost \ afsluiting"
    assert str(ev["location"]) == "Stadhuis, Wuxi"
    assert str(ev["description"]) == "Regel 1\nRegel 2, met komma"
    assert ev.decoded("dtstamp") == datetime(2027, 2, 1, 10, 0, 30, tzinfo=UTC)
    assert body == build_calendar("Test", [view], lambda v: "Regel 1\nRegel 2, met komma")


# ---- stable output ---------------------------------------------------------------------------------------


def test_unchanged_data_gives_identical_bytes_stamped_with_the_items_last_change(ctx, make_mission, make_item):
    mission = make_mission()
    first = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title="Ontvangst")
    second = make_item(mission, "2027-04-14T09:30", "2027-04-14T10:00", zone="Europe/Amsterdam", title="Overleg")
    first.updated_at = datetime(2027, 2, 1, 10, 15, 30, 123456, tzinfo=UTC)
    second.updated_at = datetime(2027, 2, 3, 8, 0, 0, tzinfo=UTC)
    commit()

    for for_feed in (False, True):
        one = build(mission, for_feed=for_feed, now=NOW)
        two = build(mission, for_feed=for_feed, now=NOW + timedelta(hours=5))
        assert one == two

    parsed = events(build(mission))
    assert parsed[first.uid].decoded("dtstamp") == datetime(2027, 2, 1, 10, 15, 30, tzinfo=UTC)
    assert parsed[first.uid].decoded("last-modified") == datetime(2027, 2, 1, 10, 15, 30, tzinfo=UTC)
    assert parsed[second.uid].decoded("dtstamp") == datetime(2027, 2, 3, 8, 0, 0, tzinfo=UTC)
    assert parsed[second.uid].decoded("last-modified") == datetime(2027, 2, 3, 8, 0, 0, tzinfo=UTC)


# ---- updates: UID kept, SEQUENCE up, removals cancelled for 30 days ---------------------------------------


@pytest.fixture
def planned(ctx, make_user, make_mission, make_item):
    protocol = make_user(Role.PROTOCOL)
    mission = make_mission()
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title="Ontvangst", location="Stadhuis",
                     description="Kennismaking", visibility="delegation")
    return protocol, mission, item


@pytest.mark.parametrize("change", [
    {"starts_at": datetime(2027, 4, 13, 16, 0), "ends_at": datetime(2027, 4, 13, 17, 0)},
    {"title": "Ontvangst (verplaatst)"},
    {"location": "Hotel Wuxi Lakeside"},
])
def test_a_change_of_time_place_or_title_keeps_the_uid_and_raises_the_sequence(planned, change):
    protocol, mission, item = planned
    before = events(build(mission))[item.uid]

    update_item(protocol, item, expected_version=item.version, **item_data(item, **change))
    commit()

    body = build(mission)
    assert_well_formed(body)
    after = events(body)
    assert list(after) == [item.uid]
    moved = after[item.uid]
    assert moved.decoded("sequence") > before.decoded("sequence")
    assert moved.decoded("last-modified") >= before.decoded("last-modified")
    if "starts_at" in change:
        assert moved.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 13, 8, 0, tzinfo=UTC)


def test_a_description_edit_raises_the_sequence_only_where_the_description_is_seen(planned, make_item):
    protocol, mission, _ = planned
    secret = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", title="Gesprek", visibility="internal",
                       description="Kennismaking")
    before = {audience: events(build(mission, audience))[secret.uid] for audience in ("internal", "delegation")}

    update_item(protocol, secret, expected_version=secret.version, **item_data(secret, description="Nieuwe tekst"))
    commit()

    after = {audience: events(build(mission, audience))[secret.uid] for audience in ("internal", "delegation")}
    # The office sees the new description: its calendar must take it. The delegation sees a private appointment,
    # the same as before: nothing for its calendar to notice.
    assert after["internal"].decoded("sequence") > before["internal"].decoded("sequence")
    assert "Nieuwe tekst" in str(after["internal"]["description"])
    assert after["delegation"].decoded("sequence") == before["delegation"].decoded("sequence")
    assert str(after["delegation"]["summary"]) == str(before["delegation"]["summary"]) in PRIVATE


def test_a_removed_item_stays_in_feeds_as_cancelled_for_30_days_and_leaves_downloads_at_once(planned):
    protocol, mission, item = planned
    uid = item.uid
    before = events(build(mission, for_feed=True))[uid]

    remove_item(protocol, item)
    commit()
    removed_at = item.removed_at

    for days in (0, 1, 29):
        body = build(mission, for_feed=True, now=removed_at + timedelta(days=days))
        assert_well_formed(body)
        cancelled = events(body)[uid]
        assert str(cancelled["status"]) == "CANCELLED"
        assert cancelled.decoded("sequence") > before.decoded("sequence")
        assert str(cancelled["summary"]) == "Ontvangst"
        assert "location" not in cancelled and "description" not in cancelled

    assert uid not in events(build(mission, for_feed=True, now=removed_at + timedelta(days=31)))
    assert uid not in events(build(mission, for_feed=False, now=removed_at + timedelta(days=1)))


def test_a_removed_confidential_item_is_cancelled_as_a_private_appointment(planned, make_item):
    protocol, mission, _ = planned
    secret = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", title="Geheim gesprek", visibility="internal",
                       location="Achterkamer")
    remove_item(protocol, secret)
    commit()

    delegation = build(mission, Audience.DELEGATION, for_feed=True, now=secret.removed_at + timedelta(days=1))
    cancelled = events(delegation)[secret.uid]
    assert str(cancelled["summary"]) in PRIVATE and str(cancelled["status"]) == "CANCELLED"
    assert "Geheim" not in unfold(delegation) and "Achterkamer" not in unfold(delegation)
    partner = build(mission, Audience.PARTNER, for_feed=True, now=secret.removed_at + timedelta(days=1))
    assert secret.uid not in events(partner)


# ---- what each audience sees -----------------------------------------------------------------------------


@pytest.fixture
def four_items(ctx, make_user, make_mission, make_item):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    items = {
        v: make_item(mission, f"2027-04-13T{9 + n:02d}:00", f"2027-04-13T{9 + n:02d}:30", visibility=v,
                     kind="official_meeting", title=f"Titel-{v}", location=f"Locatie-{v}",
                     description=f"Beschrijving-{v}", talking_points=f"Gesprekspunt-{v}")
        for n, v in enumerate(("internal", "delegation", "partner", "public"))
    }
    return advisor, mission, items


def test_the_delegation_sees_a_confidential_item_as_a_private_appointment_with_time_only(four_items):
    advisor, mission, items = four_items
    body = build(mission, Audience.DELEGATION, advisor)
    assert_well_formed(body)
    parsed = events(body)
    assert set(parsed) == {i.uid for i in items.values()}

    private = parsed[items["internal"].uid]
    assert str(private["summary"]) in PRIVATE
    assert str(private["class"]) == "CONFIDENTIAL"
    for key in ("location", "description", "attendee"):
        assert key not in private
    assert private.decoded("dtstart").astimezone(UTC) == items["internal"].starts_at
    text = unfold(body)
    for secret in ("Titel-internal", "Locatie-internal", "Beschrijving-internal", "Gesprekspunt-internal"):
        assert secret not in text
    # The delegation's own items in full, talking points included.
    # CLASS follows visibility: only a public item is PUBLIC.
    assert {v: str(parsed[items[v].uid]["class"]) for v in items} == {
        "internal": "CONFIDENTIAL", "delegation": "PRIVATE", "partner": "PRIVATE", "public": "PUBLIC"}
    assert "Gesprekspunt-delegation" in str(parsed[items["delegation"].uid]["description"])


def test_the_partner_sees_only_shared_items_and_never_talking_points(four_items):
    advisor, mission, items = four_items
    body = build(mission, Audience.PARTNER, advisor)
    assert_well_formed(body)
    assert set(events(body)) == {items["partner"].uid, items["public"].uid}
    text = unfold(body)
    assert "Gesprekspunt" not in text
    assert "Titel-internal" not in text and "Titel-delegation" not in text
    assert not any(p in text for p in PRIVATE)


def test_the_public_sees_only_public_items(four_items):
    advisor, mission, items = four_items
    for for_feed in (False, True):
        body = build(mission, Audience.PUBLIC, advisor, for_feed=for_feed)
        assert_well_formed(body)
        assert set(events(body)) == {items["public"].uid}
        text = unfold(body)
        assert "Gesprekspunt" not in text
        assert not any(f"-{v}" in text for v in ("internal", "delegation", "partner"))


def test_the_internal_audience_sees_everything(four_items):
    advisor, mission, items = four_items
    parsed = events(build(mission, Audience.INTERNAL, advisor))
    assert {str(ev["summary"]) for ev in parsed.values()} == {f"Titel-{v}" for v in items}
    assert "Gesprekspunt-internal" in str(parsed[items["internal"].uid]["description"])


# ---- the download route ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "audience", "name"), [
    ("Werkbezoek Zürich & Genève, één week", "delegation", "werkbezoek-zurich-geneve-een-week-delegation.ics"),
    ("Bezoek delegatie Wuxi (无锡) aan Voorbeeldstad", "partner", "bezoek-delegatie-wuxi-aan-voorbeeldstad-partner.ics"),
    ("无锡", "internal", "programme-{id}-internal.ics"),  # no ASCII letter at all: the mission's id
    ("Ontvangst " + "lange titel " * 10, "public", "ontvangst-lange-titel-lange-titel-lange-titel-lange-titel"
                                                  "-public.ics"),  # whole words, at most 60 characters
])
def test_a_downloaded_programme_is_named_after_the_mission_in_plain_ascii(client, login, ctx, make_mission, title,
                                                                           audience, name):
    login(Role.PROTOCOL)
    mission = make_mission(title=title)

    response = client.get(f"/missions/{mission.id}/programme.ics?audience={audience}")

    assert response.status_code == 200
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options == {"filename": name.format(id=mission.id)}
    assert options["filename"].isascii()


def test_a_delegate_downloads_the_delegation_file_by_default_and_cannot_ask_for_internal(
    client, login, ctx, make_mission, make_member, make_item
):
    delegate = login(Role.DELEGATE)
    mission = make_mission()
    make_member(mission, delegate)
    secret = make_item(mission, title="Geheim overleg", visibility="internal")
    url = f"/missions/{mission.id}/programme.ics"

    assert client.get(url + "?audience=internal").status_code == 404
    assert client.get(url + "?audience=anything").status_code == 404

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options == {"filename": "werkbezoek-delegation.ics"}
    body = response.get_data()
    assert_well_formed(body)
    assert str(events(body)[secret.uid]["summary"]) in PRIVATE
    assert "Geheim" not in unfold(body)
    assert client.get(url + "?audience=delegation").get_data() == body

    partner = client.get(url + "?audience=partner")
    assert partner.status_code == 200 and events(partner.get_data()) == {}


def test_a_delegate_outside_the_delegation_gets_404(client, login, ctx, make_mission, make_item):
    login(Role.DELEGATE)
    mission = make_mission()
    make_item(mission)
    assert client.get(f"/missions/{mission.id}/programme.ics").status_code == 404
    assert client.get("/missions/999999/programme.ics").status_code == 404


def test_staff_may_download_the_internal_file(client, login, ctx, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission()
    secret = make_item(mission, title="Geheim overleg", visibility="internal")
    response = client.get(f"/missions/{mission.id}/programme.ics?audience=internal")
    assert response.status_code == 200
    assert str(events(response.get_data())[secret.uid]["summary"]) == "Geheim overleg"
    # No audience asked for: the delegation's file, even for staff.
    default = client.get(f"/missions/{mission.id}/programme.ics").get_data()
    assert str(events(default)[secret.uid]["summary"]) in PRIVATE


# ---- the command line ------------------------------------------------------------------------------------


def test_export_ics_writes_the_delegation_calendar_to_stdout(runner, ctx, make_mission, make_item):
    mission = make_mission()
    secret = make_item(mission, title="Geheim overleg", visibility="internal")
    shared = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", title="Bezoek", visibility="partner")

    result = runner.invoke(args=["export-ics", str(mission.id)])
    assert result.exit_code == 0, result.output
    body = result.stdout_bytes
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert_well_formed(body)
    parsed = events(body)
    assert set(parsed) == {secret.uid, shared.uid}
    assert str(parsed[secret.uid]["summary"]) in PRIVATE

    partner = runner.invoke(args=["export-ics", str(mission.id), "--audience", "partner"])
    assert partner.exit_code == 0
    assert set(events(partner.stdout_bytes)) == {shared.uid}


def test_export_ics_never_writes_a_real_name_even_for_the_internal_audience(
    runner, ctx, make_user, make_mission, make_item
):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, kind="ngo_visit", visibility="internal")
    person = create_participant(advisor, real_name="Chen Xiaoli", alias="Reiger-2041", kind="defender")
    item.participants.append(person)
    record_consent(advisor, person, mission, scopes=list(Scope), method="in_person", information_version="v1",
                   reconfirm_by=date(2099, 1, 1), today=today_utc())
    commit()

    result = runner.invoke(args=["export-ics", str(mission.id), "--audience", "internal"])
    assert result.exit_code == 0
    text = unfold(result.stdout_bytes)
    assert "Reiger-2041" in text and "Chen Xiaoli" not in text


def test_export_ics_of_an_unknown_mission_fails(runner, ctx):
    result = runner.invoke(args=["export-ics", "999999"])
    assert result.exit_code != 0
    assert b"BEGIN:VCALENDAR" not in result.stdout_bytes
