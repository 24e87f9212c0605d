"""The programme, day by day, in the zone where things happen, and only what its audience may see."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime
from html import unescape

import pytest
from sqlalchemy import event

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.disclosure import Audience, present_item
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem, Visibility
from visitplanner.missions.models import DelegationMember
from visitplanner.timeutil import to_utc

PRIVATE = ("Private appointment", "Privéafspraak")


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def days_of(html: str) -> dict[str, str]:
    """``{day heading: the text of that day}`` of a programme page, in page order."""
    sections = re.findall(r'<section class="vp-day"[^>]*>(.*?)</section>', html, re.S)
    days = {}
    for section in sections:
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1)
        days[text_of(heading).strip()] = text_of(section)
    return days


# ---- days and times --------------------------------------------------------------------------------------


def test_every_day_of_the_mission_is_shown_with_the_items_that_start_on_it_where_they_happen(
    client, login, make_mission, make_item
):
    login(Role.PROTOCOL)
    mission = make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15), timezone="Asia/Shanghai")
    # 20:00 in Amsterdam on the 12th is 02:00 on the 13th in Shanghai: it belongs to the 12th, where it happens.
    make_item(mission, "2027-04-12T20:00", "2027-04-12T23:00", zone="Europe/Amsterdam", title="Vlucht naar Shanghai")
    make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst door het stadsbestuur")
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", title="Aankomst Pudong")

    days = days_of(client.get(f"/missions/{mission.id}/programme").get_data(as_text=True))

    assert list(days) == [
        "Day 1: Monday, 12 April 2027",
        "Day 2: Tuesday, 13 April 2027",
        "Day 3: Wednesday, 14 April 2027",
        "Day 4: Thursday, 15 April 2027",
    ]
    day1, day2, day3, day4 = days.values()
    assert "Vlucht naar Shanghai" in day1 and "Vlucht naar Shanghai" not in day2
    assert day2.index("Aankomst Pudong") < day2.index("Ontvangst door het stadsbestuur")
    assert "Nothing planned." not in day1 + day2
    assert "Nothing planned." in day3 and "Nothing planned." in day4


def test_an_outbound_programme_shows_local_time_with_home_time_beside_it(client, login, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission("outbound", timezone="Asia/Shanghai")
    make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst")
    make_item(mission, "2027-04-12T09:30", "2027-04-12T11:00", zone="Europe/Amsterdam", title="Briefing thuis")

    days = list(days_of(client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)).values())

    assert "14:00–15:30 China (UTC+8)" in days[1]
    assert "(home: 08:00–09:30 Amsterdam (UTC+2))" in days[1]
    assert "09:30–11:00 Amsterdam (UTC+2)" in days[0]
    assert "home:" not in days[0]  # already in home time
    assert "CST" not in " ".join(days) and "CEST" not in " ".join(days)  # China or US Central? Never asked.


def test_an_inbound_programme_shows_home_time_only_beside_items_outside_the_home_zone(
    client, login, make_mission, make_item
):
    login(Role.PROTOCOL)
    mission = make_mission("inbound", start=date(2027, 6, 7), end=date(2027, 6, 9), timezone="Europe/Amsterdam")
    make_item(mission, "2027-06-07T11:00", "2027-06-07T12:30", title="Ontvangst op het stadhuis")
    make_item(mission, "2027-06-08T09:00", "2027-06-08T10:00", zone="Asia/Shanghai", title="Videogesprek met Wuxi")

    days = list(days_of(client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)).values())

    assert "11:00–12:30 Amsterdam (UTC+2)" in days[0] and "home:" not in days[0]
    assert "09:00–10:00 China (UTC+8)" in days[1] and "(home: 03:00–04:00 Amsterdam (UTC+2))" in days[1]


def test_the_printable_programme_shows_the_same_days_and_times(client, login, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission("outbound", timezone="Asia/Shanghai")
    make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", title="Ontvangst")

    page = text_of(client.get(f"/missions/{mission.id}/programme/print").get_data(as_text=True))

    assert page.count("Nothing planned.") == 3
    assert "Tuesday, 13 April 2027" in page
    assert "14:00–15:30 China (UTC+8)" in page
    assert "home: 08:00–09:30 Amsterdam (UTC+2)" in page


# ---- who sees what ---------------------------------------------------------------------------------------

#: One item of each visibility; every detail is a string that must not leak to an audience that may not see it.
ITEMS = {
    "internal": dict(title="Gesprek met arbeidsrechtenorganisatie", location="Adres via de ambassade",
                     description="Geen foto's; niemand bij naam", talking_points="Luisteren naar hun wensen"),
    "delegation": dict(title="Bezoek aan de Liyuan-tuin", location="Liyuan Garden",
                       description="Rondleiding", talking_points="Geen"),
    "partner": dict(title="Ontvangst door het stadsbestuur", location="Stadhuis Wuxi",
                    description="Officiele ontvangst", talking_points="Gedetineerde advocaten ter sprake brengen"),
    "public": dict(title="Toespraak op het waterforum", location="Wuxi Expo Center",
                   description="Over vrije meningsuiting", talking_points="Persvrijheid benoemen"),
}
EVERY_DETAIL = ("title", "location", "description", "talking_points")


@pytest.fixture
def programme(make_user, make_mission, make_member, make_item):
    """An outbound mission with one item of each visibility, and a delegate who takes part."""
    delegate = make_user(Role.DELEGATE, name="Marieke Jansen")
    mission = make_mission("outbound")
    member = make_member(mission, user=delegate)
    for hour, (visibility, details) in enumerate(ITEMS.items(), start=9):
        make_item(mission, f"2027-04-13T{hour:02d}:00", f"2027-04-13T{hour:02d}:45", visibility=visibility,
                  attendees=[member], **details)
    return mission, delegate


@pytest.mark.parametrize("page", ["programme", "programme/print"])
@pytest.mark.parametrize(
    ("viewer", "asked", "full", "private", "with_people"),
    [
        ("staff", None, {"delegation", "partner", "public"}, True, True),  # the least revealing, by default
        ("staff", "internal", {"internal", "delegation", "partner", "public"}, False, True),
        ("staff", "delegation", {"delegation", "partner", "public"}, True, True),
        ("staff", "partner", {"partner", "public"}, False, False),
        ("staff", "public", {"public"}, False, False),
        ("delegate", None, {"delegation", "partner", "public"}, True, True),
        ("delegate", "internal", {"delegation", "partner", "public"}, True, True),  # not theirs to ask
        ("delegate", "partner", {"partner", "public"}, False, False),
        ("delegate", "public", {"public"}, False, False),
    ],
)
def test_each_audience_sees_only_what_it_may(
    client, auth, make_user, programme, page, viewer, asked, full, private, with_people
):
    """``full``: the items shown whole; ``private``: internal items shown as a private appointment;
    ``with_people``: talking points and who attends are shown."""
    mission, delegate = programme
    auth.login(delegate if viewer == "delegate" else make_user(Role.APPROVER))

    response = client.get(f"/missions/{mission.id}/{page}", query_string={"audience": asked} if asked else {})

    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    for visibility, details in ITEMS.items():
        shown = visibility in full
        assert (details["title"] in html) == shown, (visibility, "title")
        assert (details["location"] in html) == shown, (visibility, "location")
        assert (details["description"] in html) == shown, (visibility, "description")
        assert (details["talking_points"] in html) == (shown and with_people), (visibility, "talking points")
    assert any(p in html for p in PRIVATE) == private
    below_the_header = html.split("</header>", 1)[1]  # the delegate's own name is in the page header
    assert ("Marieke Jansen" in below_the_header) == with_people


def test_a_delegate_not_in_the_delegation_cannot_open_the_programme(client, login, programme):
    mission, _ = programme
    login(Role.DELEGATE)
    assert client.get(f"/missions/{mission.id}/programme").status_code == 404
    assert client.get(f"/missions/{mission.id}/programme/print").status_code == 404


def test_a_delegate_gets_no_edit_links_and_no_audience_selector(client, auth, programme):
    """She works with her delegation's view; the travel-safe copies are links beside it, not a choice to make."""
    mission, delegate = programme
    auth.login(delegate)
    html = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert 'name="audience"' not in html.replace('type="hidden" name="audience"', "")
    assert "<select" not in html
    assert "/edit" not in html and "/remove" not in html
    assert "audience=travel" in html


def export_links(html: str) -> dict[str, str]:
    """The audience of the first print and download links on a programme page."""
    found = {}
    for what, pattern in (("print", r'href="[^"]*/programme/print\?audience=(\w+)"'),
                          ("download", r'href="[^"]*\.ics\?audience=(\w+)"')):
        match = re.search(pattern, html)
        found[what] = match and match.group(1)
    return found


def test_the_office_chooses_the_audience_with_one_selector_and_every_export_follows_it(client, auth, make_user,
                                                                                     programme):
    mission, _ = programme
    auth.login(make_user(Role.PROTOCOL))
    html = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert html.count("<select") == 1
    assert '<option value="delegation" selected>' in html  # the least revealing one the office works with
    assert export_links(html) == {"print": "delegation", "download": "delegation"}
    internal = client.get(f"/missions/{mission.id}/programme?audience=internal").get_data(as_text=True)
    assert '<option value="internal" selected>' in internal
    assert export_links(internal) == {"print": "internal", "download": "internal"}
    # Editing needs no switch of view: every item, private in the delegation's view or not, has its links.
    assert html.count("/edit\"") == len(ITEMS)


# ---- present_item as a table -----------------------------------------------------------------------------

FULL, PRIV, NONE = "full", "private", None
A = Audience


@pytest.mark.parametrize(
    ("visibility", "audience", "seen", "with_people"),
    [
        (Visibility.INTERNAL, A.INTERNAL, FULL, True),
        (Visibility.INTERNAL, A.DELEGATION, PRIV, False),
        (Visibility.INTERNAL, A.PARTNER, NONE, False),
        (Visibility.INTERNAL, A.PUBLIC, NONE, False),
        (Visibility.DELEGATION, A.INTERNAL, FULL, True),
        (Visibility.DELEGATION, A.DELEGATION, FULL, True),
        (Visibility.DELEGATION, A.PARTNER, NONE, False),
        (Visibility.DELEGATION, A.PUBLIC, NONE, False),
        (Visibility.PARTNER, A.INTERNAL, FULL, True),
        (Visibility.PARTNER, A.DELEGATION, FULL, True),
        (Visibility.PARTNER, A.PARTNER, FULL, False),
        (Visibility.PARTNER, A.PUBLIC, NONE, False),
        (Visibility.PUBLIC, A.INTERNAL, FULL, True),
        (Visibility.PUBLIC, A.DELEGATION, FULL, True),
        (Visibility.PUBLIC, A.PARTNER, FULL, False),
        (Visibility.PUBLIC, A.PUBLIC, FULL, False),
    ],
)
def test_present_item(visibility, audience, seen, with_people):
    item = ProgrammeItem(
        id=7, uid="abc@visitplanner", kind="official_meeting", title="Ontvangst", location="Stadhuis Wuxi",
        description="Officiele ontvangst", talking_points="Arbeidsrechten", visibility=visibility.value,
        timezone="Asia/Shanghai", starts_at=to_utc(datetime(2027, 4, 13, 14), "Asia/Shanghai"),
        ends_at=to_utc(datetime(2027, 4, 13, 15), "Asia/Shanghai"), parallel=False, removed_at=None,
        attendees=[DelegationMember(id=1, name="Hanneke Smit")],
    )

    view = present_item(item, audience)

    if seen is NONE:
        assert view is None
        return
    assert (view.item_id, view.uid, view.starts_at, view.ends_at, view.timezone) == (
        7, "abc@visitplanner", item.starts_at, item.ends_at, "Asia/Shanghai")
    if seen is PRIV:
        assert view.private and view.title in PRIVATE
        assert (view.location, view.description, view.talking_points, view.attendees, view.kind_label) == (
            "", "", "", (), "")
        return
    assert not view.private
    assert (view.title, view.location, view.description) == ("Ontvangst", "Stadhuis Wuxi", "Officiele ontvangst")
    assert view.talking_points == ("Arbeidsrechten" if with_people else "")
    assert view.attendees == (("Hanneke Smit",) if with_people else ())
    assert bool(view.visibility_label) == (audience == A.INTERNAL)


@pytest.mark.parametrize("audience", list(Audience))
def test_a_removed_item_is_seen_by_no_audience(audience):
    item = ProgrammeItem(id=1, title="Weg", visibility="public", timezone="UTC", removed_at=datetime.now(),
                         starts_at=datetime(2027, 4, 13), ends_at=datetime(2027, 4, 13, 1))
    assert present_item(item, audience) is None


# ---- a fixed number of queries ---------------------------------------------------------------------------


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def mission_with(make_user, make_mission, make_member):
    """A mission with ``n`` items, each attended by members with and without an account."""

    def make(n: int):
        mission = make_mission("outbound")
        members = [make_member(mission, user=make_user(Role.DELEGATE)) for _ in range(2)]
        members += [make_member(mission, name=f"Gast {k}") for k in range(2)]
        for k in range(n):
            day, slot = divmod(k, 16)
            start = datetime(2027, 4, 12 + day % 4, 6 + slot, 0)
            db.session.add(ProgrammeItem(
                mission=mission, kind="meal", title=f"Onderdeel {k}", timezone=mission.timezone,
                visibility=list(Visibility)[k % 4].value, talking_points="Punten",
                starts_at=to_utc(start, mission.timezone), ends_at=to_utc(start.replace(minute=50), mission.timezone),
                attendees=[members[k % 4], members[(k + 1) % 4]],
            ))
        commit()
        return mission

    return make


@pytest.mark.parametrize(("role", "audience"), [(Role.PROTOCOL, "internal"), (Role.PROTOCOL, "delegation"),
                                                (Role.APPROVER, "partner")])
def test_the_programme_page_needs_as_many_queries_for_60_items_as_for_5(client, login, mission_with, role, audience):
    login(role)
    small, large = mission_with(5).id, mission_with(60).id
    client.get(f"/missions/{small}/programme")  # warm up: nothing first-time-only is counted

    counts = {}
    for n, mission_id in ((5, small), (60, large)):
        db.session.expunge_all()  # as in a fresh request: nothing already loaded
        with counting_queries() as statements:
            response = client.get(f"/missions/{mission_id}/programme", query_string={"audience": audience})
        assert response.status_code == 200
        counts[n] = statements

    assert len(counts[60]) == len(counts[5]), "\n\n".join(counts[5]) + "\n=====\n" + "\n\n".join(counts[60])
    assert "Onderdeel 59" in response.get_data(as_text=True) or audience != "internal"
