"""A partner's draft programme imported from a calendar file: previewed, confirmed, kept out of every output until the
office classifies it. Fixtures in ``ics/`` are written as Google Calendar, Outlook and Apple Calendar write them."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.importing import ImportRefused, read_calendar
from visitplanner.itinerary.models import ItemKind, ProgrammeItem, Visibility
from visitplanner.readiness.checks import Context, Status, check_itinerary
from visitplanner.timeutil import in_zone

pytestmark = pytest.mark.usefixtures("ctx", "en")

ICS = Path(__file__).parent / "ics"


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


BOUNDARY = "----vp-import-test"


def upload(client, mission, content: bytes, name: str = "programma.ics"):
    """POST a file as a browser does (the body encoded here, in memory: the test client would spool a large one to
    a temporary file)."""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/calendar\r\n\r\n").encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(f"/missions/{mission.id}/programme/import", data=body,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def plan_of(response) -> str | None:
    found = re.search(r'name="plan" type="hidden" value="([^"]+)"|type="hidden" name="plan" value="([^"]+)"',
                      response.get_data(as_text=True))
    return None if found is None else unescape(found.group(1) or found.group(2))


def confirm(client, mission, plan: str):
    return client.post(f"/missions/{mission.id}/programme/import/confirm", data={"plan": plan})


def items_of(mission) -> list[ProgrammeItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProgrammeItem).where(ProgrammeItem.mission_id == mission.id)
                                   .order_by(ProgrammeItem.starts_at)))


def counted() -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count(ProgrammeItem.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def row(page: str, title: str) -> str:
    """The preview's row of an event, as text."""
    for found in re.findall(r"<tr class=\"utrecht-table__row vp-import[^>]*>(.*?)</tr>", page, re.S):
        if title in unescape(found):
            return text_of(found).strip()
    raise AssertionError(f"no row for {title}")


@pytest.fixture
def mission(make_mission):
    return make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15), timezone="Asia/Shanghai")


# ---- Google Calendar: UTC times, X-WR-TIMEZONE, attendees --------------------------------------------------------


def test_a_google_calendar_is_previewed_without_writing_and_imported_once_confirmed(client, login, mission):
    login(Role.PROTOCOL)
    before = counted()
    response = upload(client, mission, (ICS / "google.ics").read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert counted() == before  # a preview writes nothing, not even an audit entry

    reception = row(page, "Ontvangst door het stadsbestuur")
    assert reception.startswith("Added") and "14:00–15:30 China (UTC+8)" in reception
    assert "Given in UTC; shown in the mission's zone, China." in reception
    assert "lasts all day" in row(page, "Vrije dag")
    assert "repeats (a recurring event)" in row(page, "Ontbijt in het hotel")
    assert "It is cancelled." in row(page, "Persmoment (vervallen)")
    # Outside the mission's dates: the reason a hand-typed item with that time gets.
    assert "The start falls outside the mission's dates" in row(page, "Vervolgoverleg")
    assert "attendees or an organiser" in text_of(page)
    assert "li.wei@example.cn" not in page and "Wang Fang" not in page

    response = confirm(client, mission, plan_of(response))
    assert response.status_code == 302
    items = items_of(mission)
    assert [i.title for i in items] == ["Ontvangst door het stadsbestuur", "Bezoek waterzuiveringsinstallatie"]
    reception = items[0]
    assert reception.kind == ItemKind.UNCLASSIFIED and reception.visibility == Visibility.INTERNAL
    assert reception.timezone == "Asia/Shanghai" and f"{in_zone(reception.starts_at, 'Asia/Shanghai'):%H:%M}" == "14:00"
    assert reception.location == "Stadhuis Wuxi, Zaal 3"
    assert reception.description == "Ontvangst door de vice-burgemeester.\nDaarna gesprek over waterbeheer."
    assert reception.import_uid == "3kq9c1v8m2lq7b0o5s6t4u3p2r@google.com"
    assert not reception.attendees
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.mission_id == mission.id)))
    assert actions.count("item.create") == 2 and actions.count("programme.import") == 1
    dumped = repr([(i.title, i.description, i.location) for i in items])
    assert "example.cn" not in dumped and "Li Wei" not in dumped


def test_importing_the_same_file_again_changes_nothing_and_a_changed_event_updates_its_item(client, login, mission):
    login(Role.PROTOCOL)
    content = (ICS / "google.ics").read_bytes()
    confirm(client, mission, plan_of(upload(client, mission, content)))
    first = {i.import_uid: i.id for i in items_of(mission)}

    again = upload(client, mission, content)
    assert plan_of(again) is None  # nothing to confirm
    assert row(again.get_data(as_text=True), "Ontvangst door het stadsbestuur").startswith("Unchanged")
    assert "nothing to import" in text_of(again.get_data(as_text=True))

    # The office classifies one item; then the partner moves it by an hour.
    reception = items_of(mission)[0]
    reception.kind, reception.visibility = ItemKind.OFFICIAL_MEETING.value, Visibility.DELEGATION.value
    commit()
    moved = content.replace(b"DTSTART:20270413T060000Z", b"DTSTART:20270413T070000Z").replace(
        b"DTEND:20270413T073000Z", b"DTEND:20270413T083000Z")
    before = counted()
    preview = upload(client, mission, moved)
    assert counted() == before
    updated = row(preview.get_data(as_text=True), "Ontvangst door het stadsbestuur")
    assert updated.startswith("Updated") and "Changes: Start, End." in updated
    assert confirm(client, mission, plan_of(preview)).status_code == 302
    items = items_of(mission)
    assert {i.import_uid: i.id for i in items} == first  # updated in place, nothing added
    reception = next(i for i in items if i.id == first["3kq9c1v8m2lq7b0o5s6t4u3p2r@google.com"])
    assert f"{in_zone(reception.starts_at, 'Asia/Shanghai'):%H:%M}" == "15:00"
    assert reception.kind == ItemKind.OFFICIAL_MEETING  # the office's classification stays


def test_a_confirmation_made_stale_by_a_change_is_shown_again_not_imported(client, login, mission):
    login(Role.PROTOCOL)
    content = (ICS / "google.ics").read_bytes()
    confirm(client, mission, plan_of(upload(client, mission, content)))
    moved = content.replace(b"DTSTART:20270413T060000Z", b"DTSTART:20270413T070000Z")
    plan = plan_of(upload(client, mission, moved))
    items_of(mission)[0].title = "Ontvangst (hernoemd)"  # someone edits the item meanwhile
    commit()
    before = counted()
    response = confirm(client, mission, plan)
    assert response.status_code == 200 and counted() == before
    assert "The programme changed since the preview" in text_of(response.get_data(as_text=True))
    assert plan_of(response) is not None  # the new preview, to confirm again


# ---- Outlook: Windows zone names with VTIMEZONE blocks -----------------------------------------------------------


def test_an_outlook_calendar_reads_windows_zones_and_keeps_the_overnight_flight(client, login, mission):
    login(Role.PROTOCOL)
    response = upload(client, mission, (ICS / "outlook.ics").read_bytes())
    page = response.get_data(as_text=True)
    flight = row(page, "Vlucht KL895")
    assert flight.startswith("Added")
    assert "Outlook's zone “W. Europe Standard Time” read as Europe/Amsterdam." in flight
    assert "Outlook's zone “China Standard Time” read as Asia/Shanghai." in flight
    assert "17:45 Amsterdam (UTC+2) – 10:30 next day China (UTC+8)" in flight
    lunch = row(page, "Werklunch")
    assert lunch.startswith("Added") and "12:00–13:30 China (UTC+8)" in lunch
    # Two days before the mission: refused as a hand-typed item would be (only transport, the day before).
    assert "The start falls outside the mission's dates" in row(page, "Voorbespreking")
    assert "chen.jie@example.cn" not in page

    confirm(client, mission, plan_of(response))
    flight, lunch = items_of(mission)
    assert (flight.timezone, flight.end_timezone) == ("Europe/Amsterdam", "Asia/Shanghai")
    assert lunch.description.startswith("Werklunch met het bureau") and "<html>" not in lunch.description


# ---- Apple Calendar: IANA TZID with VTIMEZONE, floating times, a zone nobody knows -------------------------------


def test_an_apple_calendar_keeps_its_zones_and_says_how_a_floating_time_was_read(client, login, mission):
    login(Role.PROTOCOL)
    response = upload(client, mission, (ICS / "apple.ics").read_bytes())
    page = response.get_data(as_text=True)
    assert "09:00–10:00 Amsterdam (UTC+2)" in row(page, "Voorbereiding thuis")
    dinner = row(page, "Diner met de gastheren")
    assert "19:00–21:00 China (UTC+8)" in dinner
    assert "No time zone in the file: taken as the mission's zone, China." in dinner
    assert "“Custom/Nowhere” is described in the file but is no zone known here" in row(page, "Rondleiding")
    confirm(client, mission, plan_of(response))
    assert [i.timezone for i in items_of(mission)] == ["Europe/Amsterdam", "Asia/Shanghai"]


# ---- bad files ---------------------------------------------------------------------------------------------------


def calendar(*lines: str) -> bytes:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR", ""]).encode()


EVENT = ["BEGIN:VEVENT", "UID:e1@test", "SUMMARY:Bezoek", "DTSTART;TZID=Asia/Shanghai:20270413T100000",
         "DTEND;TZID=Asia/Shanghai:20270413T110000", "END:VEVENT"]

MALFORMED = {
    "not a calendar": (b"Beste collega,\r\nHierbij het programma.\r\n", "This is not a calendar file"),
    "a PDF": (b"%PDF-1.7\n\x00\x01\x02binary", "holds binary data"),
    "empty": (b"   \r\n", "The file is empty."),
    "not UTF-8": (calendar("BEGIN:VEVENT", "UID:x", "SUMMARY:Caf\xe9".encode("latin-1").decode("latin-1"),
                           "END:VEVENT").replace(b"Caf\xc3\xa9", b"Caf\xe9"), "not written in UTF-8"),
    "a broken line": (calendar("BEGIN:VEVENT", "UID:x", "dit is geen regel", "END:VEVENT"), "is broken"),
    "an event in an event": (calendar("BEGIN:VEVENT", "UID:x", *EVENT, "END:VEVENT"), "puts a VEVENT inside a VEVENT"),
    "deep nesting": (calendar(*["BEGIN:VEVENT"] * 400, *["END:VEVENT"] * 400), "puts a VEVENT inside a VEVENT"),
    "cut off": (calendar("BEGIN:VEVENT", "UID:x")[:-len(b"END:VCALENDAR\r\n")], "it is cut off"),
    "an END without BEGIN": (calendar("END:VEVENT"), "that was not begun there"),
    "two calendars": (calendar(*EVENT) + calendar(*EVENT), "more than one calendar"),
    "thousands of events": (calendar(*[line.replace("e1@", f"e{n}@") for n in range(600) for line in EVENT]),
                            "more than 500 events"),
    "too large": (calendar("BEGIN:VEVENT", "UID:x", "DESCRIPTION:" + "x" * 1_100_000, "END:VEVENT"),
                  "larger than 1 MB"),
}

#: Events that cannot be placed: the preview says why, and there is nothing to confirm.
UNPLACEABLE = {
    "no start": (["BEGIN:VEVENT", "UID:n1", "SUMMARY:Zonder begin", "DTEND:20270413T110000Z", "END:VEVENT"],
                 "It has no start (DTSTART)."),
    "end before start": (["BEGIN:VEVENT", "UID:n2", "SUMMARY:Achterstevoren", "DTSTART:20270413T110000Z",
                          "DTEND:20270413T100000Z", "END:VEVENT"], "The end must be after the start."),
    "an unknown zone": (["BEGIN:VEVENT", "UID:n3", "SUMMARY:Nergens", "DTSTART;TZID=Mars/Olympus:20270413T100000",
                         "DTEND;TZID=Mars/Olympus:20270413T110000", "END:VEVENT"],
                        "“Mars/Olympus” is not known, and the file does not describe it."),
    "an unreadable start": (["BEGIN:VEVENT", "UID:n4", "SUMMARY:Kapot", "DTSTART:2027041X", "END:VEVENT"],
                            "Its DTSTART could not be read."),
    "no end": (["BEGIN:VEVENT", "UID:n5", "SUMMARY:Open eind", "DTSTART:20270413T100000Z", "END:VEVENT"],
               "It has no end (DTEND or DURATION)."),
    "a time the clocks skip": (["BEGIN:VEVENT", "UID:n6", "SUMMARY:Zomertijd",
                                "DTSTART;TZID=Europe/Amsterdam:20270328T023000",
                                "DTEND;TZID=Europe/Amsterdam:20270328T040000", "END:VEVENT"], "the clocks skip it"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(client, login, mission, case):
    login(Role.PROTOCOL)
    content, message = MALFORMED[case]
    before = counted()
    response = upload(client, mission, content)
    assert response.status_code == 200
    assert message in text_of(response.get_data(as_text=True))
    assert plan_of(response) is None
    assert counted() == before


@pytest.mark.parametrize("case", sorted(UNPLACEABLE))
def test_an_event_that_cannot_be_placed_is_ignored_with_its_reason(client, login, make_mission, case):
    login(Role.PROTOCOL)
    mission = make_mission("inbound", start=date(2027, 3, 26), end=date(2027, 4, 15), timezone="Europe/Amsterdam")
    lines, message = UNPLACEABLE[case]
    before = counted()
    response = upload(client, mission, calendar(*lines))
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 200 and message in page and "Ignored" in page
    assert plan_of(response) is None and counted() == before


def test_an_event_the_clocks_skip_is_shown_at_its_time_in_the_one_date_style(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission("inbound", start=date(2027, 3, 26), end=date(2027, 4, 15), timezone="Europe/Amsterdam")
    page = text_of(upload(client, mission, calendar(*UNPLACEABLE["a time the clocks skip"][0])).get_data(as_text=True))
    assert "28 Mar 2027, 02:30 (Europe/Amsterdam)" in page
    assert "2027-03-28" not in page


def test_a_file_larger_than_any_request_gets_a_page_that_says_so(client, login, mission):
    login(Role.PROTOCOL)
    response = upload(client, mission, b"BEGIN:VCALENDAR\r\n" + b"X" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "A calendar file to import may be at most 1 MB" in text_of(response.get_data(as_text=True))


def test_an_altered_confirmation_is_refused_and_imports_nothing(client, login, mission, make_mission):
    login(Role.PROTOCOL)
    plan = plan_of(upload(client, mission, (ICS / "google.ics").read_bytes()))
    before = counted()
    for forged in (plan[:-3] + ("AAA" if not plan.endswith("AAA") else "BBB"), "", "eyJtaXNzaW9uIjoxfQ"):
        response = confirm(client, mission, forged)
        assert "nothing was imported" in text_of(response.get_data(as_text=True))
    other = make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15))
    response = confirm(client, other, plan)  # another mission's preview
    assert "nothing was imported" in text_of(response.get_data(as_text=True))
    assert counted() == before


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([
    "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VALARM", "END:VALARM",
    "BEGIN:VTIMEZONE", "END:VTIMEZONE", "UID:a", "UID:a", "SUMMARY:x", "DTSTART:20270413T100000Z",
    "DTSTART;VALUE=DATE:20270413", "DTEND:20270413T090000", "DTSTART;TZID=X:20270413T100000", "DURATION:PT1H",
    "DURATION:P99999999D", "RRULE:FREQ=DAILY", "DTSTART:99991231T235959", "DTSTART:00010101T000000Z", ";:",
    " folded", "STATUS:CANCELLED", "X-WR-TIMEZONE:Asia/Shanghai", "TZID:Europe/Amsterdam",
]), max_size=14), st.binary(max_size=8))
def test_the_reader_refuses_or_reads_any_file_without_failing(lines, noise):
    content = "\r\n".join(lines).encode() + noise
    try:
        parsed = read_calendar(content, "Asia/Shanghai")
    except ImportRefused as refused:
        assert refused.message
    else:
        for event in parsed.events:
            assert event.uid and event.title


# ---- the round trip: the mission's own export ------------------------------------------------------------------


@pytest.mark.parametrize("downloaded_in", ["en", "nl"])
def test_importing_the_missions_own_delegation_export_changes_nothing(client, login, mission, make_item,
                                                                       make_member, make_user, signed_in,
                                                                       downloaded_in):
    office = login(Role.PROTOCOL)
    member = make_member(mission, make_user(Role.DELEGATE, name="Jan de Vries"))
    make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst", location="Stadhuis",
              description="Met de vice-burgemeester.\r\nDaarna lunch.", talking_points="Arbeidsrechten",
              attendees=[member])
    make_item(mission, "2027-04-11T18:00", "2027-04-12T10:30", zone="Europe/Amsterdam", kind="transport",
              title="Vlucht", end_timezone="Asia/Shanghai", visibility="partner")
    make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", title="Intern overleg", visibility="internal")
    downloader = client if downloaded_in == "en" else signed_in(office, lang="nl")
    export = downloader.get(f"/missions/{mission.id}/programme.ics?audience=delegation").get_data()
    before = counted()

    response = upload(client, mission, export)  # imported by someone reading the pages in English
    page = response.get_data(as_text=True)
    private = "Private appointment" if downloaded_in == "en" else "Privéafspraak"
    for title in ("Ontvangst", "Vlucht", private):
        assert row(page, title).startswith("Unchanged")
    assert plan_of(response) is None and counted() == before

    # The same copy with a title changed is no way to change the item: ignored, the item untouched.
    changed = export.replace(b"SUMMARY:Ontvangst", b"SUMMARY:Ontvangst (gewijzigd)")
    assert "one of this mission's own items" in row(upload(client, mission, changed).get_data(as_text=True),
                                                     "Ontvangst (gewijzigd)")
    assert counted() == before


# ---- to be classified: out of every output, the check fails, the office classifies -----------------------------


@pytest.fixture
def imported(client, login, mission):
    """The mission with the Google file imported: two items to be classified."""
    user = login(Role.PROTOCOL)
    confirm(client, mission, plan_of(upload(client, mission, (ICS / "google.ics").read_bytes())))
    return user


def test_items_to_be_classified_are_in_no_calendar_file_feed_or_print(client, mission, imported):
    for audience in ("internal", "delegation", "travel", "partner", "public"):
        ics = client.get(f"/missions/{mission.id}/programme.ics?audience={audience}").get_data(as_text=True)
        assert "Ontvangst door het stadsbestuur" not in ics and "Taihu" not in ics, audience
        assert "3kq9c1v8" not in ics
        printed = client.get(f"/missions/{mission.id}/programme/print?audience={audience}").get_data(as_text=True)
        assert "Ontvangst door het stadsbestuur" not in printed, audience
    for audience in ("internal", "delegation", "partner", "public"):
        _feed, token = create_feed(imported, kind="mission", audience=audience, mission=mission)
        commit()
        body = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
        assert "BEGIN:VCALENDAR" in body and "Ontvangst door het stadsbestuur" not in body, audience
    # The office's own programme page shows them, marked.
    page = text_of(client.get(f"/missions/{mission.id}/programme?audience=internal").get_data(as_text=True))
    assert "Ontvangst door het stadsbestuur" in page and "To be classified" in page


def test_the_itinerary_check_fails_until_the_office_classifies_each_item(client, mission, imported, english):
    result = check_itinerary(mission, Context(today=date(2027, 3, 1)))
    first = items_of(mission)[0]
    assert result.status == Status.FAIL and "still to be classified" in result.reason
    assert (result.fix_endpoint, result.fix_args) == ("itinerary.edit", {"item_id": first.id})

    form = client.get(f"/items/{first.id}/edit").get_data(as_text=True)
    assert "— To be classified: choose its kind —" in form and 'value="unclassified"' not in form
    for item in items_of(mission):
        data = {"kind": "", "title": item.title, "timezone": item.timezone, "starts_at": "2027-04-13T14:00",
                "ends_at": "2027-04-13T15:00", "visibility": "delegation", "version": item.version}
        refused = client.post(f"/items/{item.id}/edit", data={**data, "kind": ""})
        assert "Choose a kind of programme item." in text_of(refused.get_data(as_text=True))
        assert client.post(f"/items/{item.id}/edit", data={**data, "kind": "unclassified"}).status_code == 200
        assert client.post(f"/items/{item.id}/edit", data={**data, "kind": "meal"}).status_code == 302
    db.session.expire_all()
    assert check_itinerary(mission, Context(today=date(2027, 3, 1))).status == Status.PASS
    ics = client.get(f"/missions/{mission.id}/programme.ics?audience=delegation").get_data(as_text=True)
    assert "Ontvangst door het stadsbestuur" in ics


def test_a_new_item_cannot_be_made_to_be_classified(client, login, mission):
    login(Role.PROTOCOL)
    assert 'value="unclassified"' not in client.get(f"/missions/{mission.id}/items/new").get_data(as_text=True)
    before = counted()
    response = client.post(f"/missions/{mission.id}/items/new", data={
        "kind": "unclassified", "title": "Stiekem", "timezone": "Asia/Shanghai", "starts_at": "2027-04-13T14:00",
        "ends_at": "2027-04-13T15:00", "visibility": "internal"})
    assert response.status_code == 200 and counted() == before


# ---- who may import --------------------------------------------------------------------------------------------


def test_a_delegation_member_cannot_import(client, login, mission, make_member):
    member = login(Role.DELEGATE)
    make_member(mission, member)
    assert client.get(f"/missions/{mission.id}/programme/import").status_code == 403
    assert upload(client, mission, (ICS / "google.ics").read_bytes()).status_code == 403
    assert "programme/import" not in client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)


def test_the_programme_page_offers_the_upload_to_the_office(client, login, mission):
    login(Role.PROTOCOL)
    page = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and f"/missions/{mission.id}/programme/import" in page


def test_both_steps_refuse_a_post_without_the_forms_csrf_token(app, client, login, mission, monkeypatch):
    login(Role.PROTOCOL)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = counted()
    refused = upload(client, mission, (ICS / "google.ics").read_bytes())
    assert refused.status_code == 400 and "The form could not be accepted" in text_of(refused.get_data(as_text=True))
    assert confirm(client, mission, "anything").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)).group(1)
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").encode()
    content = (ICS / "google.ics").read_bytes()
    body += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.ics\"\r\n\r\n").encode()
    body += content + f"\r\n--{BOUNDARY}--\r\n".encode()
    preview = client.post(f"/missions/{mission.id}/programme/import", data=body,
                          content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert preview.status_code == 200 and plan_of(preview) is not None
    assert counted() == before


def test_the_preview_takes_as_many_queries_for_many_items_as_for_few(client, login, make_mission, make_item,
                                                                       make_member, make_user):
    from support.sql import Statements

    login(Role.PROTOCOL)
    counts = []
    for size in (2, 12):
        mission = make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15))
        member = make_member(mission, make_user(Role.DELEGATE))
        for n in range(size):
            make_item(mission, f"2027-04-13T{8 + n % 10:02d}:00", f"2027-04-13T{8 + n % 10:02d}:30",
                      title=f"Onderdeel {n}", attendees=[member])
        export = client.get(f"/missions/{mission.id}/programme.ics?audience=delegation").get_data()
        with Statements() as sql:
            assert upload(client, mission, export).status_code == 200
        counts.append(sql.count)
    assert counts[0] == counts[1]


def test_the_reader_cuts_long_text_reads_durations_and_path_zones_and_keeps_no_people(english):
    parsed = read_calendar(calendar(
        "X-WR-TIMEZONE:/mozilla.org/20050126_1/Europe/Amsterdam",
        "BEGIN:VEVENT", "UID:long@test", "SUMMARY:" + "Lang " * 60, "DESCRIPTION:" + "x" * 6000,
        "DTSTART;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20270413T100000", "DURATION:PT1H30M",
        "ATTENDEE;CN=Zhang San:mailto:zhang@example.cn", "END:VEVENT",
        "BEGIN:VEVENT", "UID:utc@test", "SUMMARY:In UTC", "DTSTART:20271031T003000Z", "DTEND:20271031T013000Z",
        "END:VEVENT",
        "BEGIN:VTODO", "UID:todo@test", "SUMMARY:Cadeaus kopen", "END:VTODO"), "Asia/Shanghai")
    long, utc = parsed.events
    assert len(long.title) <= 200 and len(long.description) == 5000 and long.cut == ("title", "description")
    assert (long.start.zone, f"{long.end.local:%H:%M}") == ("Asia/Shanghai", "11:30")
    assert parsed.calendar_zone == "Europe/Amsterdam" and parsed.people_left_out and parsed.other_components == 1
    assert "zhang" not in repr(parsed.events)
    # 01:30 UTC on 31 October 2027 is the second 02:30 in Amsterdam (the clocks went back at 03:00): kept apart.
    assert (utc.start.zone, f"{utc.start.local:%H:%M}", utc.start.fold) == ("Europe/Amsterdam", "02:30", "0")
    assert (f"{utc.end.local:%H:%M}", utc.end.fold) == ("02:30", "1")
