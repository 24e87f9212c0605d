"""Planners build the programme: items in the zone where they happen, inside the mission, without double bookings."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html import unescape

import pytest
from sqlalchemy import func, select
from support.itinerary import edit_form, item_form, items
from support.pages import field_error

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import create_item
from visitplanner.itinerary.rules import double_bookings
from visitplanner.missions.models import DelegationMember

UTC = timezone.utc


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def flashes(html: str) -> list[str]:
    """The messages flashed at the top of the page."""
    block = re.search(r'<div class="vp-messages">(.*?)</main>', html, re.S)
    return re.findall(r'<p class="utrecht-paragraph">(.*?)</p>', block.group(1)) if block else []


def warnings_at(html: str, item_id: int) -> list[str]:
    """The double-booking warnings shown with one item of the programme."""
    block = re.search(rf'<li class="vp-item[^"]*" id="item-{item_id}">(.*?)</li>', html, re.S)
    assert block, f"item {item_id} is not on the page"
    return re.findall(r'utrecht-alert--warning"><p class="utrecht-paragraph">(.*?)</p>', block.group(1))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---- adding an item --------------------------------------------------------------------------------------


def test_a_planner_adds_an_item_in_the_zone_of_the_mission(client, login, make_mission, make_member):
    login(Role.ADVISOR)
    mission = make_mission(timezone="Asia/Shanghai")
    alderman = make_member(mission, name="Marieke Jansen")

    response = client.post(f"/missions/{mission.id}/items/new",
                           data=item_form(attendees=[str(alderman.id)], talking_points="Arbeidsrechten"))

    assert response.status_code == 302
    [item] = items()
    assert response.headers["Location"].endswith(f"/missions/{mission.id}/programme#item-{item.id}")
    assert (item.starts_at, item.ends_at, item.timezone) == (utc("2027-04-13T06:00"), utc("2027-04-13T07:30"),
                                                             "Asia/Shanghai")
    assert [m.display_name for m in item.attendees] == ["Marieke Jansen"]
    assert (item.sequence, item.removed_at) == (0, None)
    assert item.uid.endswith("@visitplanner")
    page = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert "“Ontvangst door het stadsbestuur” added to the programme." in flashes(page)
    assert "14:00–15:30" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.create"))
    assert entry.mission_id == mission.id


def test_an_item_in_a_second_zone_is_stored_in_utc_with_its_own_zone_and_edited_in_local_time(
    client, login, make_mission
):
    login(Role.PROTOCOL)
    mission = make_mission(timezone="Asia/Shanghai")

    response = client.post(f"/missions/{mission.id}/items/new", data=item_form(
        kind="company_briefing", title="Mensenrechtenbriefing", timezone="Europe/Amsterdam",
        starts_at="2027-04-12T09:30", ends_at="2027-04-12T11:00",
    ))

    assert response.status_code == 302
    [item] = items()
    assert item.timezone == "Europe/Amsterdam"
    assert (item.starts_at, item.ends_at) == (utc("2027-04-12T07:30"), utc("2027-04-12T09:00"))  # summer time
    form = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="2027-04-12T09:30"' in form
    assert 'value="2027-04-12T11:00"' in form
    assert 'value="Europe/Amsterdam"' in form


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2027-04-13T14:00"}, "ends_at", "The end must be after the start."),
        ({"ends_at": "2027-04-13T13:00"}, "ends_at", "The end must be after the start."),
        ({"starts_at": "2027-04-11T23:00", "ends_at": "2027-04-12T00:30"}, "starts_at",
         "The start falls outside the mission's dates"),
        ({"starts_at": "2027-04-16T09:00", "ends_at": "2027-04-16T10:00"}, "starts_at",
         "The start falls outside the mission's dates"),
        ({"starts_at": "2027-04-15T23:00", "ends_at": "2027-04-16T01:00"}, "ends_at",
         "The end falls outside the mission's dates"),
        ({"starts_at": "2027-04-15T23:00", "ends_at": "2027-04-16T00:01"}, "ends_at",
         "The end falls outside the mission's dates"),
        # 20:00 in Amsterdam on the 11th is already the 12th in Shanghai; the item's own day counts.
        ({"timezone": "Europe/Amsterdam", "starts_at": "2027-04-11T20:00", "ends_at": "2027-04-11T21:00"},
         "starts_at", "The start falls outside the mission's dates"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
        ({"timezone": "Amsterdam"}, "timezone", "Choose a time zone from the list."),
        ({"timezone": ""}, "timezone", "This field is required."),
        ({"title": "x" * 201}, "title", "200"),
        ({"title": "  "}, "title", "This field is required."),
        ({"description": "x" * 5001}, "description", "5000"),
        ({"starts_at": "2027-04-31T10:00"}, "starts_at", "Not a valid datetime"),
        ({"starts_at": ""}, "starts_at", "Enter a date and time"),
        ({"kind": "karaoke"}, "kind", "Not a valid choice"),
        ({"visibility": "everyone"}, "visibility", "Not a valid choice"),
    ],
)
def test_an_impossible_item_is_refused_at_its_field_and_nothing_is_saved(
    client, login, make_mission, overrides, field, message
):
    login(Role.PROTOCOL)
    mission = make_mission(start=date(2027, 4, 12), end=date(2027, 4, 15))
    data = item_form(**{"title": "Mijn getypte titel", **overrides})

    response = client.post(f"/missions/{mission.id}/items/new", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The form was not saved" in html
    assert message in field_error(html, field)
    if field != "title":
        assert 'value="Mijn getypte titel"' in html
    assert items() == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize(
    ("zone", "starts_at", "ends_at"),
    [
        ("Asia/Shanghai", "2027-04-12T00:00", "2027-04-12T01:00"),  # the first minute of the first day
        ("Asia/Shanghai", "2027-04-15T22:00", "2027-04-15T23:59"),  # the end of the last day
        ("Asia/Shanghai", "2027-04-15T22:00", "2027-04-16T00:00"),  # until midnight: still the last day
        # 20:00 in Amsterdam on the 15th is the 16th in Shanghai: the item's own day counts.
        ("Europe/Amsterdam", "2027-04-15T20:00", "2027-04-15T22:00"),
    ],
)
def test_items_at_the_edges_of_the_mission_are_accepted(client, login, make_mission, zone, starts_at, ends_at):
    login(Role.PROTOCOL)
    mission = make_mission(start=date(2027, 4, 12), end=date(2027, 4, 15))

    response = client.post(f"/missions/{mission.id}/items/new",
                           data=item_form(timezone=zone, starts_at=starts_at, ends_at=ends_at))

    assert response.status_code == 302
    assert len(items()) == 1


def test_an_attendee_from_another_delegation_is_refused(client, login, make_mission, make_member):
    login(Role.PROTOCOL)
    mission, other = make_mission(), make_mission()
    ours = make_member(mission, name="Marieke Jansen")
    foreign = make_member(other, name="Lin Mei")

    response = client.post(f"/missions/{mission.id}/items/new",
                           data=item_form(attendees=[str(ours.id), str(foreign.id)]))

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "attendees")
    assert items() == []
    garbage = client.post(f"/missions/{mission.id}/items/new", data=item_form(attendees=["iemand"]))
    assert garbage.status_code == 200
    assert field_error(garbage.get_data(as_text=True), "attendees")


def test_the_operation_itself_refuses_an_attendee_from_another_delegation(make_user, make_mission, make_member):
    actor = make_user(Role.PROTOCOL)
    mission, other = make_mission(), make_mission()
    foreign = make_member(other, name="Lin Mei")
    with pytest.raises(RuleViolation) as refused:
        create_item(actor, mission, kind="meal", title="Lunch", starts_at=datetime(2027, 4, 13, 12),
                    ends_at=datetime(2027, 4, 13, 13), timezone="Asia/Shanghai", location="", description="",
                    talking_points="", visibility="delegation", parallel=False, attendees=[foreign.id])
    assert refused.value.field == "attendees"


# ---- editing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "bumped"),
    [
        ({"description": "Nieuwe beschrijving"}, True),
        ({"talking_points": "Vrijheid van meningsuiting"}, True),
        ({"no_talking_points_reason": "Kennismaking"}, False),  # the checklist's, not in any calendar
        ({"title": "Ontvangst (verplaatst)"}, True),
        ({"starts_at": "2027-04-13T14:30"}, True),
        ({"ends_at": "2027-04-13T16:00"}, True),
        ({"location": "Hotel Wuxi Lakeside"}, True),
        ({"timezone": "Asia/Hong_Kong"}, True),  # same clock, other place
        ({}, False),
    ],
)
def test_editing_raises_the_sequence_only_when_what_a_calendar_shows_changes(
    client, login, make_mission, make_item, change, bumped
):
    login(Role.PROTOCOL)
    mission = make_mission()
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst", location="Stadhuis Wuxi")
    uid, sequence = item.uid, item.sequence

    response = client.post(f"/items/{item.id}/edit", data=edit_form(item, **change))

    assert response.status_code == 302
    [saved] = items()
    assert saved.uid == uid
    assert saved.sequence == sequence + (1 if bumped else 0)
    for name, value in change.items():
        if name not in ("starts_at", "ends_at"):
            assert getattr(saved, name) == value
    updates = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "item.update"))
    assert updates == (1 if change else 0)


def test_a_stale_edit_is_refused_and_the_input_kept(client, login, make_mission, make_item):
    login(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, title="Ontvangst")
    opened = edit_form(item)
    item.location = "Elders"  # someone else saves first
    commit()
    current_version = item.version

    response = client.post(f"/items/{item.id}/edit",
                           data={**opened, "title": "Mijn titel", "description": "Mijn beschrijving"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this item while you were editing" in html
    assert 'value="Mijn titel"' in html
    assert "Mijn beschrijving" in html
    assert f'name="version" type="hidden" value="{current_version}"' in html
    [stored] = items()
    # The other person's new place is what calendars were sent (SEQUENCE 1); the refused save sent nothing.
    assert (stored.title, stored.location, stored.description, stored.sequence) == ("Ontvangst", "Elders", "", 1)


# ---- removing --------------------------------------------------------------------------------------------


def test_removing_asks_first_then_marks_the_item_removed_and_keeps_the_row(client, login, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission()
    item = make_item(mission, title="Bezoek aan de Liyuan-tuin")
    uid = item.uid

    confirm = client.get(f"/items/{item.id}/remove")

    assert confirm.status_code == 200
    assert "Remove “Bezoek aan de Liyuan-tuin” from the programme?" in confirm.get_data(as_text=True)
    [untouched] = items()
    assert (untouched.removed_at, untouched.sequence) == (None, 0)

    done = client.post(f"/items/{item.id}/remove")

    assert done.status_code == 302
    [removed] = items()
    assert removed.removed_at is not None
    assert (removed.uid, removed.sequence) == (uid, 1)
    programme = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert "“Bezoek aan de Liyuan-tuin” removed from the programme." in flashes(programme)
    assert "Bezoek aan de Liyuan-tuin" not in client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert client.get(f"/items/{item.id}/edit").status_code == 404
    assert client.post(f"/items/{item.id}/remove").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.remove"))
    assert entry.mission_id == mission.id


# ---- double bookings -------------------------------------------------------------------------------------


def test_a_double_booking_is_flashed_after_saving_and_shown_on_the_programme(
    client, login, make_mission, make_member, make_item
):
    login(Role.PROTOCOL)
    mission = make_mission()
    mayor = make_member(mission, name="Hanneke Smit")
    first = make_item(mission, "2027-04-14T14:00", "2027-04-14T16:30", title="Bezoek waterzuivering",
                      attendees=[mayor])

    response = client.post(f"/missions/{mission.id}/items/new", data=item_form(
        title="Toespraak op het waterforum", starts_at="2027-04-14T16:00", ends_at="2027-04-14T17:00",
        attendees=[str(mayor.id)],
    ))

    assert response.status_code == 302
    second = items()[-1]
    page = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert "Double booking: Hanneke Smit is also at “Bezoek waterzuivering” at that time." in flashes(page)
    assert warnings_at(page, first.id) == [
        "Double booking: Hanneke Smit is also at “Toespraak op het waterforum” at that time."
    ]
    assert warnings_at(page, second.id) == [
        "Double booking: Hanneke Smit is also at “Bezoek waterzuivering” at that time."
    ]


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"starts_at": "2027-04-14T16:00", "ends_at": "2027-04-14T17:00", "parallel": "y"}, "marked parallel"),
        ({"starts_at": "2027-04-14T16:00", "ends_at": "2027-04-14T17:00", "attendees": ["OTHER"]}, "no one shared"),
        ({"starts_at": "2027-04-14T16:30", "ends_at": "2027-04-14T17:00"}, "only touching"),
        ({"starts_at": "2027-04-14T13:00", "ends_at": "2027-04-14T14:00"}, "only touching, before"),
    ],
)
def test_no_double_booking_warning(client, login, make_mission, make_member, make_item, second, why):
    login(Role.PROTOCOL)
    mission = make_mission()
    mayor = make_member(mission, name="Hanneke Smit")
    engineer = make_member(mission, name="Pieter Mulder")
    first = make_item(mission, "2027-04-14T14:00", "2027-04-14T16:30", title="Bezoek waterzuivering",
                      attendees=[mayor])
    attendees = [str(engineer.id) if a == "OTHER" else a for a in second.pop("attendees", [str(mayor.id)])]

    response = client.post(f"/missions/{mission.id}/items/new",
                           data=item_form(title="Toespraak", attendees=attendees, **second))

    assert response.status_code == 302, why
    page = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert not [m for m in flashes(page) if "Double booking" in m], why
    assert warnings_at(page, first.id) == [], why


def test_editing_an_item_into_an_overlap_warns_too(client, login, make_mission, make_member, make_item):
    login(Role.PROTOCOL)
    mission = make_mission()
    mayor = make_member(mission, name="Hanneke Smit")
    make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", title="Ontbijt", attendees=[mayor])
    later = make_item(mission, "2027-04-14T11:00", "2027-04-14T12:00", title="Overleg", attendees=[mayor])

    client.post(f"/items/{later.id}/edit", data=edit_form(later, starts_at="2027-04-14T09:30"))

    page = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert "Double booking: Hanneke Smit is also at “Ontbijt” at that time." in flashes(page)


# ---- double_bookings as a table --------------------------------------------------------------------------

BASE = datetime(2027, 4, 14, 0, 0, tzinfo=UTC)


def _at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return BASE + timedelta(hours=hours, minutes=minutes)


def _items(spec: dict[str, tuple]) -> dict[str, ProgrammeItem]:
    """Unsaved items from ``{name: (start, end, attendees, flags)}``; attendees are letters, one per person."""
    people = {p: DelegationMember(id=ord(p), name=p) for _, _, who, *_ in spec.values() for p in who}
    made = {}
    for n, (name, (start, end, who, *flags)) in enumerate(spec.items(), start=1):
        made[name] = ProgrammeItem(
            id=n, title=name, starts_at=_at(start), ends_at=_at(end), timezone="UTC",
            parallel="parallel" in flags, removed_at=BASE if "removed" in flags else None,
            attendees=[people[p] for p in who],
        )
    return made


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("09:30", "10:30", "m")},
                     {("A", "m", "B"), ("B", "m", "A")}, id="overlap, shared attendee"),
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("09:30", "10:30", "n")},
                     set(), id="overlap, no one shared"),
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("10:00", "11:00", "m")},
                     set(), id="touching"),
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("09:30", "10:30", "m", "parallel")},
                     set(), id="one parallel"),
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("09:30", "10:30", "m", "removed")},
                     set(), id="one removed"),
        pytest.param({"A": ("09:00", "10:00", "mn"), "B": ("09:00", "10:00", "nk")},
                     {("A", "n", "B"), ("B", "n", "A")}, id="same slot, one of two shared"),
        pytest.param({"A": ("08:00", "13:00", "m"), "B": ("09:00", "10:00", "m"), "C": ("11:00", "12:00", "m")},
                     {("A", "m", "B"), ("B", "m", "A"), ("A", "m", "C"), ("C", "m", "A")},
                     id="a long item over two short ones"),
        pytest.param({"A": ("09:00", "10:00", "m"), "B": ("10:00", "11:00", "m"), "C": ("10:30", "11:30", "m")},
                     {("B", "m", "C"), ("C", "m", "B")}, id="a chain: only the real overlap"),
        pytest.param({}, set(), id="empty programme"),
    ],
)
def test_double_bookings(spec, expected):
    made = _items(spec)
    by_id = {item.id: name for name, item in made.items()}

    found = double_bookings(list(made.values()))

    assert {(by_id[item_id], b.member.name, b.other.title) for item_id, bookings in found.items()
            for b in bookings} == expected


@pytest.mark.parametrize("fields, field, message", [
    ({"kind": "official_meeting", "headcount": "5", "headcount_reason": "Veiligheid."}, "headcount",
     "Only a meeting with residents counts people kept off the record."),
    ({"kind": "citizen_meeting", "headcount": "5", "headcount_reason": ""}, "headcount_reason",
     "Say why they are kept off the record."),
    ({"kind": "citizen_meeting", "headcount": "0", "headcount_reason": "Veiligheid."}, "headcount",
     "Number must be between 1 and 10000."),
])
def test_a_head_count_belongs_to_a_meeting_with_residents_and_comes_with_its_reason(
    client, login, make_mission, fields, field, message
):
    login(Role.PROTOCOL)
    mission = make_mission()
    response = client.post(f"/missions/{mission.id}/items/new", data=item_form(**fields))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field) == message
    assert db.session.scalar(select(func.count(ProgrammeItem.id))) == 0


def test_a_meeting_with_residents_records_how_many_were_kept_off_the_record_and_why(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission()
    saved = client.post(f"/missions/{mission.id}/items/new", data=item_form(
        kind="citizen_meeting", title="Bewonersavond", headcount="7",
        headcount_reason="Familie in Xinjiang: niet bij naam."))
    assert saved.status_code == 302
    item = db.session.scalar(select(ProgrammeItem))
    assert (item.headcount, item.headcount_reason) == (7, "Familie in Xinjiang: niet bij naam.")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.create"))
    assert entry.changes["headcount"] == [None, 7]


# ---- visibility that matches who attends (issue 13, part 4) ---------------------------------------------------


def test_a_new_item_is_seen_by_the_delegation_members_who_attend_it(client, login, make_mission, make_member):
    mission = make_mission()
    member = make_member(mission, name="Anna de Boer")
    login(Role.PROTOCOL)
    form = client.get(f"/missions/{mission.id}/items/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="automatic"|<input[^>]*value="automatic"[^>]*checked', form)

    client.post(f"/missions/{mission.id}/items/new",
                data=item_form(title="Bewonersavond", kind="citizen_meeting", visibility="automatic",
                               attendees=[str(member.id)]))
    client.post(f"/missions/{mission.id}/items/new",
                data=item_form(title="Overleg ambassade", visibility="automatic", starts_at="2027-04-14T09:00",
                               ends_at="2027-04-14T10:00"))
    items = {i.title: i.visibility for i in db.session.scalars(select(ProgrammeItem))}
    assert items == {"Bewonersavond": "delegation", "Overleg ambassade": "internal"}


def test_an_attendee_who_would_see_only_a_private_appointment_is_pointed_out(client, login, make_mission,
                                                                            make_member):
    mission = make_mission()
    member = make_member(mission, name="Anna de Boer")
    login(Role.PROTOCOL)
    response = client.post(f"/missions/{mission.id}/items/new", follow_redirects=True,
                           data=item_form(title="Bewonersavond", visibility="internal", attendees=[str(member.id)]))
    page = unescape(response.get_data(as_text=True))
    assert "Anna de Boer attends “Bewonersavond” but sees only a private appointment" in page
    response = client.post(f"/missions/{mission.id}/items/new", follow_redirects=True,
                           data=item_form(title="Diner", visibility="delegation", attendees=[str(member.id)],
                                          starts_at="2027-04-14T19:00", ends_at="2027-04-14T21:00"))
    assert "only a private appointment" not in unescape(response.get_data(as_text=True))
    other = make_member(mission, name="Jan Jansen")
    response = client.post(f"/missions/{mission.id}/items/new", follow_redirects=True,
                           data=item_form(title="Werkontbijt", visibility="internal",
                                          attendees=[str(member.id), str(other.id)],
                                          starts_at="2027-04-15T08:00", ends_at="2027-04-15T09:00"))
    assert "Anna de Boer, Jan Jansen attend “Werkontbijt” but see only a private appointment" in unescape(
        response.get_data(as_text=True))


@pytest.mark.parametrize("direction, says", [
    ("outbound", "our own travellers — see the item whole, talking points included"),
    # Inbound, the visitors on the list never get them (issue 23, part 7).
    ("inbound", "our own people with the talking points, the visiting delegation without them"),
])
def test_the_form_says_what_delegation_means_for_the_direction_and_who_gets_the_talking_points(
    client, login, make_mission, direction, says
):
    mission = make_mission(direction)
    login(Role.PROTOCOL)
    page = unescape(client.get(f"/missions/{mission.id}/items/new").get_data(as_text=True))
    assert says in page
