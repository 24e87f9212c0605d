"""Rule 7 at its edges: transport may start the day before the first day and end the day after the last.

The journey out often leaves the evening before, and the flight home lands the next morning; every other item stays
within the mission's days. The item form, the checklist and a change of the mission's dates apply the same rule
(``itinerary.rules.item_days``), and the programme shows the day before when transport starts then.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from support.itinerary import item_form, items
from support.pages import field_error, form_values

from visitplanner.auth.models import Role
from visitplanner.extensions import db
from visitplanner.missions.models import Mission
from visitplanner.readiness.checks import Context, Status, check_itinerary

pytestmark = pytest.mark.usefixtures("ctx", "en", "english")

# The mission runs from Monday 12 to Thursday 15 April 2027, in Shanghai.
FIRST, LAST = date(2027, 4, 12), date(2027, 4, 15)


@pytest.fixture
def mission(login, make_mission):
    login(Role.PROTOCOL)
    return make_mission("outbound", start=FIRST, end=LAST, timezone="Asia/Shanghai")


def add(client, mission, **fields):
    return client.post(f"/missions/{mission.id}/items/new", data=item_form(**fields))


def text(html: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


@pytest.mark.parametrize(("zone", "starts_at", "ends_at"), [
    # The flight out leaves Amsterdam the evening before and lands on the first day.
    ("Europe/Amsterdam", "2027-04-11T21:00", "2027-04-12T06:00"),
    # The first minute of the day before, where it happens.
    ("Asia/Shanghai", "2027-04-11T00:00", "2027-04-11T02:00"),
    # The flight home leaves on the last day and lands the next morning.
    ("Asia/Shanghai", "2027-04-15T22:00", "2027-04-16T06:00"),
    # Until midnight at the end of the day after.
    ("Asia/Shanghai", "2027-04-15T22:00", "2027-04-17T00:00"),
])
def test_transport_may_start_the_day_before_and_end_the_day_after(client, mission, zone, starts_at, ends_at):
    response = add(client, mission, kind="transport", title="Vlucht", timezone=zone, starts_at=starts_at,
                   ends_at=ends_at)

    assert response.status_code == 302, field_error(response.get_data(as_text=True), "starts_at")
    assert [i.title for i in items()] == ["Vlucht"]
    assert check_itinerary(db.session.get(Mission, mission.id), Context(today=date(2027, 3, 1))).status == Status.PASS


@pytest.mark.parametrize(("starts_at", "ends_at", "field", "message"), [
    ("2027-04-10T23:00", "2027-04-11T01:00", "starts_at",
     "Transport may start from the day before the mission's first day (11 Apr 2027) up to its last day (15 Apr 2027)."),
    ("2027-04-16T08:00", "2027-04-16T10:00", "starts_at",
     "Transport may start from the day before the mission's first day (11 Apr 2027) up to its last day (15 Apr 2027)."),
    ("2027-04-15T22:00", "2027-04-17T00:30", "ends_at",
     "Transport may end at the latest on the day after the mission's last day (16 Apr 2027)."),
])
def test_transport_two_days_out_is_refused_with_the_days_it_may_take(client, mission, starts_at, ends_at, field,
                                                                      message):
    response = add(client, mission, kind="transport", title="Vlucht", starts_at=starts_at, ends_at=ends_at)

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field) == message
    assert items() == []


@pytest.mark.parametrize(("starts_at", "ends_at", "field", "message"), [
    ("2027-04-11T19:00", "2027-04-11T21:00", "starts_at",
     "The start falls outside the mission's dates (12 Apr 2027 to 15 Apr 2027). Only transport may start the day "
     "before."),
    ("2027-04-15T22:00", "2027-04-16T01:00", "ends_at",
     "The end falls outside the mission's dates (12 Apr 2027 to 15 Apr 2027). Only transport may end the day after."),
])
def test_other_items_stay_within_the_missions_days(client, mission, starts_at, ends_at, field, message):
    response = add(client, mission, kind="meal", title="Diner", starts_at=starts_at, ends_at=ends_at)

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field) == message
    assert items() == []


def test_the_checklist_applies_the_same_days(mission, make_item):
    make_item(mission, "2027-04-11T20:00", "2027-04-12T06:00", kind="transport", title="Heenvlucht")
    make_item(mission, "2027-04-15T22:00", "2027-04-16T07:00", kind="transport", title="Terugvlucht")
    assert check_itinerary(mission, Context(today=date(2027, 3, 1))).status == Status.PASS

    make_item(mission, "2027-04-10T20:00", "2027-04-10T22:00", kind="transport", title="Trein naar Schiphol")
    make_item(mission, "2027-04-11T19:00", "2027-04-11T21:00", kind="meal", title="Afscheidsdiner")
    result = check_itinerary(mission, Context(today=date(2027, 3, 1)))
    assert result.status == Status.FAIL
    reason = text(str(result.reason))
    assert "“Trein naar Schiphol” falls outside the mission's dates" in reason
    assert "“Afscheidsdiner” falls outside the mission's dates" in reason
    assert "Heenvlucht" not in reason and "Terugvlucht" not in reason


def test_the_programme_shows_the_day_before_when_transport_starts_then(client, mission):
    add(client, mission, kind="transport", title="Vlucht Amsterdam – Shanghai", timezone="Europe/Amsterdam",
        starts_at="2027-04-11T21:00", ends_at="2027-04-12T14:00", end_timezone="Asia/Shanghai")

    page = text(client.get(f"/missions/{mission.id}/programme?audience=internal").get_data(as_text=True))

    headings = re.findall(r"(The day before|Day \d): \w+day, \d+ April 2027", page)
    assert headings == ["The day before", "Day 1", "Day 2", "Day 3", "Day 4"]
    day_before = page[page.index("The day before: Sunday, 11 April 2027"):page.index("Day 1: Monday, 12 April 2027")]
    assert "Vlucht Amsterdam – Shanghai" in day_before
    week = text(client.get(f"/missions/{mission.id}/programme/week").get_data(as_text=True))
    assert "Sunday" in week and "Vlucht Amsterdam – Shanghai" in week


def test_moving_the_first_day_keeps_transport_the_day_before_but_no_earlier(client, mission, make_item):
    make_item(mission, "2027-04-12T08:00", "2027-04-12T10:00", kind="transport", title="Aankomst")
    url = f"/missions/{mission.id}/edit"

    # The mission starts a day later: the arrival is now on the day before, which transport may take.
    saved = client.post(url, data={**form_values(client.get(url).get_data(as_text=True)),
                                   "start_date": "2027-04-13"})
    assert saved.status_code == 302, text(saved.get_data(as_text=True))
    # Another day later it would be two days before: refused.
    refused = client.post(url, data={**form_values(client.get(url).get_data(as_text=True)),
                                     "start_date": "2027-04-14"})
    assert refused.status_code == 200
    assert "1 programme item falls outside these dates: “Aankomst”." in text(refused.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).start_date == date(2027, 4, 13)
