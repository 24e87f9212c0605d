"""A week at a glance (issue 13, part 6): the programme as a grid, days as columns and half hours as rows, the local
and the home zone in the margin, overlaps side by side, each item coloured by kind and the human-rights components
marked; on a phone the same days as a list. Drawn to scale (issue 23, part 5): an item spans the half hours it touches,
the offset is named per day where the clocks change, the phone's list keeps the home time, and each day offers to add
an item on it (the heights themselves are measured in Chromium: ``tests/browser/test_week_to_scale.py``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from visitplanner.auth.models import Role
from visitplanner.disclosure import ItemView
from visitplanner.itinerary.week import SLOTS_PER_DAY, Cell, Column, week, weeks
from visitplanner.timeutil import to_utc, zone_label_through, zone_periods

SHA, AMS = "Asia/Shanghai", "Europe/Amsterdam"
DAYS = [date(2027, 4, 12), date(2027, 4, 13), date(2027, 4, 14)]
#: Friday 29 October to Tuesday 2 November 2027: summer time ends in Amsterdam on Sunday the 31st at 03:00.
AUTUMN = [date(2027, 10, 29), date(2027, 10, 30), date(2027, 10, 31), date(2027, 11, 1), date(2027, 11, 2)]


def view(item_id: int, start: str, end: str, zone: str = SHA, kind: str = "official_meeting",
         title: str | None = None) -> ItemView:
    return ItemView(item_id=item_id, uid=f"{item_id}@x", starts_at=to_utc(datetime.fromisoformat(start), zone),
                    ends_at=to_utc(datetime.fromisoformat(end), zone), timezone=zone, title=title or f"Item {item_id}",
                    private=False, kind=kind)


def items_of(grid) -> dict[str, Cell]:
    return {cell.placed.view.title: cell for row in grid.rows for cell in row if cell.kind == "item"}


def row_of(grid, title: str) -> int:
    return next(n for n, row in enumerate(grid.rows) for cell in row
                if cell.kind == "item" and cell.placed.view.title == title)


def columns_per_row(grid) -> list[int]:
    """How many table columns each row fills, counting the cells that reach into it from the rows above."""
    filled = [0] * len(grid.rows)
    for n, row in enumerate(grid.rows):
        for cell in row:
            for covered in range(n, n + cell.rowspan):
                filled[covered] += cell.colspan
    return filled


def test_overlapping_items_stand_side_by_side_and_a_lone_item_spreads_over_the_free_lanes():
    grid = week(DAYS, [view(1, "2027-04-13T09:00", "2027-04-13T10:30", title="Reception"),
                       view(2, "2027-04-13T10:00", "2027-04-13T11:00", title="NGO visit", kind="ngo_visit"),
                       view(3, "2027-04-13T14:00", "2027-04-13T15:00", title="Lunch talk")], SHA, AMS)

    assert grid.lanes == [1, 2, 1]  # the 13th has two lanes: two items overlap from 10:00 to 10:30
    cells = items_of(grid)
    first, second, lone = cells["Reception"], cells["NGO visit"], cells["Lunch talk"]
    assert (first.placed.lane, second.placed.lane) == (0, 1)
    assert (first.rowspan, second.rowspan) == (3, 2)  # half-hour rows: 09:00–10:30 and 10:00–11:00
    assert row_of(grid, "NGO visit") - row_of(grid, "Reception") == 2
    assert (lone.colspan, first.colspan, second.colspan) == (2, 1, 1)
    # Every row fills the same number of columns: the margin's two, then one per lane of each day.
    assert set(columns_per_row(grid)) == {2 + sum(grid.lanes)}


def test_the_grid_shows_office_hours_at_least_and_more_when_an_item_needs_them():
    grid = week(DAYS, [view(1, "2027-04-12T09:00", "2027-04-12T10:00")], SHA, AMS)
    hours = [cell.text for row in grid.rows for cell in row if cell.kind == "hour"]
    assert hours[0] == "08:00" and hours[-1] == "17:00" and len(grid.rows) == 20

    early = week(DAYS, [view(1, "2027-04-12T06:15", "2027-04-12T07:00"),
                        view(2, "2027-04-14T19:00", "2027-04-14T21:40")], SHA, AMS)
    hours = [cell.text for row in early.rows for cell in row if cell.kind == "hour"]
    assert hours[0] == "06:00" and hours[-1] == "21:00"
    assert items_of(early)["Item 1"].rowspan == 2  # 06:00–07:00 in half hours: an item never shrinks to nothing


def test_the_margin_gives_the_time_at_home_beside_the_local_time_and_follows_summer_time():
    # Amsterdam moves to summer time on 28 March 2027: the week before it shows both home times.
    days = [date(2027, 3, 27), date(2027, 3, 28)]
    grid = week(days, [], SHA, AMS)
    margin = {cells[0].text: cells[1].text for cells in grid.rows if cells and cells[0].kind == "hour"}
    assert margin["09:00"] == "02:00 / 03:00"  # UTC+1 on the 27th, UTC+2 on the 28th
    assert grid.home_zone == [(date(2027, 3, 27), "Amsterdam (UTC+1)"), (date(2027, 3, 28), "Amsterdam (UTC+2)")]

    at_home = week(DAYS, [], AMS, AMS)
    assert at_home.home_zone == []
    assert not any(cell.kind == "home" for row in at_home.rows for cell in row)


def test_a_night_flight_shows_on_both_days_it_covers():
    # Leaves Amsterdam at 14:30 (UTC+2), which is 20:30 in China, and lands at 07:05 China time the next morning.
    flight = view(1, "2027-04-12T20:30", "2027-04-13T07:05", kind="transport")
    assert flight.starts_at == to_utc(datetime(2027, 4, 12, 14, 30), AMS)
    grid = week(DAYS, [flight], SHA, AMS)
    pieces = sorted((cell.placed for row in grid.rows for cell in row if cell.kind == "item"), key=lambda p: p.day)
    assert [(p.day, p.from_day_before, p.into_next_day) for p in pieces] == [
        (date(2027, 4, 12), False, True), (date(2027, 4, 13), True, False)]
    assert pieces[0].first == 41 and pieces[0].span == 7  # from 20:30 (the 41st half hour) to midnight
    assert pieces[1].first == 0 and pieces[1].span == 15  # from midnight to 07:05, rounded up to 07:30


def test_a_long_mission_is_shown_a_week_to_a_grid():
    grids = weeks(date(2027, 4, 1), date(2027, 4, 10), [], SHA, AMS)
    assert [len(g.days) for g in grids] == [7, 3]


@pytest.mark.parametrize("start, end, first, span", [
    ("09:00", "10:30", "09:00", 3),  # an hour and a half: three half hours
    ("09:00", "11:00", "09:00", 4),  # two hours: four
    ("09:15", "10:40", "09:00", 4),  # rounded outward at both ends
    ("09:29", "09:31", "09:00", 2),  # two minutes across a half hour touch both
    ("09:00", "09:00", "09:00", 1),  # a moment still shows
    ("23:00", "23:59", "23:00", 2),
])
def test_an_item_spans_the_half_hours_it_touches_rounded_outward(start, end, first, span):
    placed = items_of(week(DAYS, [view(1, f"2027-04-13T{start}", f"2027-04-13T{end}")], SHA, AMS))["Item 1"]
    hour, minute = map(int, first.split(":"))
    assert (placed.placed.first, placed.rowspan) == (hour * 2 + minute // 30, span)
    assert placed.rowspan == placed.placed.span


def test_the_rows_of_an_item_are_its_duration_so_one_and_a_half_hours_is_three_quarters_of_two():
    grid = week(DAYS, [view(1, "2027-04-12T09:00", "2027-04-12T10:30", title="1.5 h"),
                       view(2, "2027-04-12T11:00", "2027-04-12T13:00", title="2 h")], SHA, AMS)
    cells = items_of(grid)
    assert cells["1.5 h"].rowspan / cells["2 h"].rowspan == 0.75
    assert row_of(grid, "2 h") - row_of(grid, "1.5 h") == 4  # two hours later, in half hours
    # Every row is a half hour and fills the same columns, so that equal rows make the grid to scale.
    assert set(columns_per_row(grid)) == {2 + sum(grid.lanes)}


def test_a_piece_never_spans_more_than_a_day():
    grid = week(DAYS, [view(1, "2027-04-11T20:00", "2027-04-15T07:00", kind="transport")], SHA, AMS)
    assert [cell.rowspan for cell in items_of(grid).values()] == [SLOTS_PER_DAY]
    assert {p.placed.span for row in grid.rows for p in row if p.kind == "item"} == {SLOTS_PER_DAY}


def test_items_that_overlap_in_a_chain_take_as_few_lanes_as_they_need():
    grid = week(DAYS, [view(1, "2027-04-12T09:00", "2027-04-12T11:00", title="A"),
                       view(2, "2027-04-12T10:00", "2027-04-12T12:00", title="B"),
                       view(3, "2027-04-12T11:00", "2027-04-12T13:00", title="C"),
                       view(4, "2027-04-13T09:00", "2027-04-13T10:00", title="D"),
                       view(5, "2027-04-13T09:00", "2027-04-13T10:00", title="E"),
                       view(6, "2027-04-13T09:30", "2027-04-13T10:00", title="F")], SHA, AMS)
    cells = items_of(grid)
    assert grid.lanes == [2, 3, 1]
    assert [cells[t].placed.lane for t in "ABC"] == [0, 1, 0]  # C starts as A ends: A's lane is free again
    assert sorted(cells[t].placed.lane for t in "DEF") == [0, 1, 2]
    assert [column.lanes for column in grid.columns] == grid.lanes
    assert set(columns_per_row(grid)) == {2 + sum(grid.lanes)}


def test_a_visit_to_amsterdam_across_the_end_of_summer_time_names_the_offset_per_day():
    grid = week(AUTUMN, [], AMS, AMS)
    assert grid.local_zone == [(date(2027, 10, 29), "Amsterdam (UTC+2)"), (date(2027, 10, 31), "Amsterdam (UTC+1)")]
    assert [column.local_zone for column in grid.columns] == [
        "Amsterdam (UTC+2)", "Amsterdam (UTC+2)", "Amsterdam (UTC+2 → UTC+1)", "Amsterdam (UTC+1)",
        "Amsterdam (UTC+1)"]
    assert grid.home_zone == [] and {column.home_zone for column in grid.columns} == {""}


def test_a_visit_to_china_across_the_end_of_summer_time_names_the_home_offset_per_day():
    grid = week(AUTUMN, [], SHA, AMS)
    assert grid.local_zone == [(AUTUMN[0], "China (UTC+8)")]
    assert {column.local_zone for column in grid.columns} == {""}  # China's clocks do not change
    assert grid.home_zone == [(date(2027, 10, 29), "Amsterdam (UTC+2)"), (date(2027, 10, 31), "Amsterdam (UTC+1)")]
    assert [column.home_zone for column in grid.columns][2:4] == ["Amsterdam (UTC+2 → UTC+1)", "Amsterdam (UTC+1)"]
    margin = {cells[0].text: cells[1].text for cells in grid.rows if cells and cells[0].kind == "hour"}
    assert margin["15:00"] == "09:00 / 08:00"


def test_a_week_without_a_change_names_no_offset_per_day_and_one_that_starts_on_the_change_day_does():
    assert week(DAYS, [], SHA, AMS).columns == [Column(day, 1) for day in DAYS]
    before, after = weeks(date(2027, 10, 24), date(2027, 11, 2), [], AMS, AMS)
    assert {column.local_zone for column in before.columns} == {""}  # 24–30 October: summer time all week
    assert before.local_zone == [(date(2027, 10, 24), "Amsterdam (UTC+2)")]
    assert after.columns[0] == Column(date(2027, 10, 31), 1, "Amsterdam (UTC+2 → UTC+1)")


@pytest.mark.parametrize("day, zone, label", [
    (date(2027, 3, 28), AMS, "Amsterdam (UTC+1 → UTC+2)"),  # summer time starts
    (date(2027, 10, 31), AMS, "Amsterdam (UTC+2 → UTC+1)"),  # and ends
    (date(2027, 10, 30), AMS, "Amsterdam (UTC+2)"),
    (date(2027, 10, 31), SHA, "China (UTC+8)"),
    (date(2027, 10, 31), "UTC", "UTC"),
])
def test_a_zone_over_a_whole_day_names_both_offsets_on_the_day_the_clocks_change(day, zone, label):
    assert zone_label_through(day, zone) == label


def test_a_zones_periods_over_a_visit_are_one_label_or_one_per_offset():
    assert zone_periods(date(2027, 4, 12), date(2027, 4, 15), AMS) == [(date(2027, 4, 12), "Amsterdam (UTC+2)")]
    assert zone_periods(date(2027, 3, 26), date(2027, 3, 29), AMS) == [
        (date(2027, 3, 26), "Amsterdam (UTC+1)"), (date(2027, 3, 28), "Amsterdam (UTC+2)")]
    assert zone_periods(date(2027, 10, 29), date(2027, 11, 2), SHA) == [(date(2027, 10, 29), "China (UTC+8)")]


# ---- the page ------------------------------------------------------------------------------------------------


@pytest.fixture
def mission(ctx, make_user, make_mission, make_member, make_item):
    delegate = make_user(Role.DELEGATE, name="Marieke Jansen")
    mission = make_mission("outbound")
    member = make_member(mission, user=delegate)
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:30", kind="ngo_visit", title="Gesprek met ngo",
              location="Kantoor ngo", attendees=[member])
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", kind="official_meeting", title="Ontvangst stadhuis",
              attendees=[member])
    make_item(mission, "2027-04-14T12:00", "2027-04-14T13:00", kind="meal", title="Overleg intern",
              visibility="internal")
    return mission, delegate


def item_cells(html: str) -> dict[str, str]:
    """The grid's item cells by title (the text of the link to the item in the programme): the cell's opening tag
    and text."""
    cells = re.findall(r'(<td rowspan="\d+"[^>]*class="vp-week__item[^"]*">.*?</td>)', html, re.DOTALL)
    return {re.search(r'<strong class="vp-week__title"><a [^>]*>(.*?)</a></strong>', c).group(1): " ".join(c.split())
            for c in cells}


def test_the_delegation_sees_its_week_with_kinds_coloured_and_human_rights_components_marked(client, auth, mission):
    mission, delegate = mission
    auth.login(delegate)
    response = client.get(f"/missions/{mission.id}/programme/week")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    cells = item_cells(html)
    assert set(cells) == {"Gesprek met ngo", "Ontvangst stadhuis", "Privéafspraak"}
    ngo = cells["Gesprek met ngo"]
    assert "vp-kind--ngo_visit vp-week__item--hr" in ngo and "★" in ngo and "09:00–10:30" in ngo
    assert "Kantoor ngo" in ngo
    assert "vp-kind--official_meeting\"" in cells["Ontvangst stadhuis"] and "★" not in cells["Ontvangst stadhuis"]
    assert "vp-kind--private" in cells["Privéafspraak"] and "Overleg intern" not in html  # the office's own item stays its own
    # The margin: China's time and the time at home; the legend names the kinds shown.
    assert re.search(r'<th scope="col" class="vp-week__margin">China \(UTC\+8\)</th>', html)
    assert "Amsterdam (UTC+2)" in html
    legend = html.split('class="vp-week__legend"', 1)[1].split("</ul>", 1)[0]
    assert "vp-kind--ngo_visit" in legend and "vp-kind--official_meeting" in legend and "vp-kind--meal" not in legend
    # No selector for her, and on a phone the same items as a day-by-day list.
    assert "<select" not in html
    day_list = html.split('class="vp-week__list"', 1)[1]
    assert day_list.index("Gesprek met ngo") < day_list.index("Ontvangst stadhuis")


def test_the_office_chooses_its_internal_view_and_sees_its_own_items(client, login, mission):
    mission, _ = mission
    login(Role.PROTOCOL)
    default = unescape(client.get(f"/missions/{mission.id}/programme/week").get_data(as_text=True))
    assert "Overleg intern" not in default  # the least revealing view by default
    html = unescape(client.get(f"/missions/{mission.id}/programme/week?audience=internal").get_data(as_text=True))
    assert "Overleg intern" in item_cells(html)
    assert "vp-print--confidential" not in html  # no talking points, no real names
    assert 'aria-current="page"' in html.split('class="vp-subnav"', 1)[1].split("</nav>", 1)[0]


def test_the_travel_safe_week_names_no_human_rights_component_and_prints_no_mission_title(client, auth, mission):
    """What goes on paper for a device or bag taken into China: neutral meetings, no star, no legend for it, the
    dates instead of the mission's title, and no "programme for" line that names the copy."""
    mission, delegate = mission
    auth.login(delegate)
    html = unescape(client.get(f"/missions/{mission.id}/programme/week?audience=travel").get_data(as_text=True))
    cells = item_cells(html)
    assert "Gesprek met ngo" not in cells and "Ontvangst stadhuis" in cells
    assert "★" not in html and "Mensenrechtenonderdeel" not in html and "vp-week__item--hr" not in html
    body = html.split("</header>", 1)[1]
    assert re.search(r'<p class="utrecht-paragraph vp-breadcrumb vp-screen-only">.*?Werkbezoek', body, re.DOTALL)
    printed = re.sub(r'<p class="utrecht-paragraph vp-breadcrumb vp-screen-only">.*?</p>', "", body, flags=re.DOTALL)
    printed = re.sub(r'<nav aria-label="Deze missie".*?</nav>', "", printed, flags=re.DOTALL)
    assert "Werkbezoek" not in printed, "the mission's title stays off the travel copy's paper"
    assert "Programma voor" not in printed


def test_the_week_of_a_mission_one_may_not_see_is_not_found(client, login, mission):
    mission, _ = mission
    login(Role.DELEGATE)  # not in this delegation
    assert client.get(f"/missions/{mission.id}/programme/week").status_code == 404
    assert client.get("/missions/999999/programme/week").status_code == 404


def test_an_unknown_audience_falls_back_to_the_delegations_view(client, login, mission):
    mission, _ = mission
    login(Role.PROTOCOL)
    response = client.get(f"/missions/{mission.id}/programme/week?audience=everyone%00")
    assert response.status_code == 200
    assert '<option value="delegation" selected>' in response.get_data(as_text=True)


def test_a_week_grid_cell_never_claims_a_time_outside_its_item():
    start = datetime(2027, 4, 13, 1, 15, tzinfo=UTC)  # 09:15 in China
    item = ItemView(item_id=1, uid="1@x", starts_at=start, ends_at=start.replace(hour=2, minute=40), timezone=SHA,
                    title="Odd times", private=False)
    placed = items_of(week(DAYS, [item], SHA, AMS))["Odd times"].placed
    assert (placed.first, placed.first + placed.span) == (18, 22)  # from 09:00 to 11:00: the half hours it touches


@pytest.mark.parametrize("kind, starred", [("ngo_visit", True), ("citizen_meeting", True), ("business_session", True),
                                           ("civil_society_dialogue", True), ("company_briefing", False),
                                           ("official_meeting", False)])
def test_the_star_marks_the_components_rule_1_counts_and_not_our_companies_briefing(kind, starred):
    """One set of human-rights components for the week's star and the checklist (``itinerary/models.py``): a
    briefing of our own companies is preparation, not part of the exchange (DOMAIN rule 1)."""
    assert view(1, "2027-04-13T09:00", "2027-04-13T10:00", kind=kind).human_rights is starred


@pytest.fixture
def autumn(ctx, make_user, make_mission, make_item):
    """A visit to Amsterdam across the end of summer time, with one item on the Monday after it."""
    mission = make_mission("inbound", start=AUTUMN[0], end=AUTUMN[-1], timezone=AMS)
    make_item(mission, "2027-11-01T09:00", "2027-11-01T10:30", title="Ontvangst")
    return mission


def test_the_week_across_the_end_of_summer_time_names_each_days_offset(client, login, autumn):
    login(Role.PROTOCOL)
    html = unescape(client.get(f"/missions/{autumn.id}/programme/week").get_data(as_text=True))
    grid = html.split('class="vp-week__grid"', 1)[1]
    headings = re.findall(r'<th scope="col" colspan="\d+">(.*?)</th>', grid, re.DOTALL)
    offsets = [re.findall(r'<span class="vp-week__offset">(.*?)</span>', h) for h in headings]
    assert offsets == [["Amsterdam (UTC+2)"], ["Amsterdam (UTC+2)"], ["Amsterdam (UTC+2 → UTC+1)"],
                       ["Amsterdam (UTC+1)"], ["Amsterdam (UTC+1)"]]
    margin = re.search(r'<th scope="col" class="vp-week__margin">(.*?)</th>', grid, re.DOTALL).group(1)
    assert margin.startswith("Amsterdam (UTC+2); ") and margin.endswith("31 okt.: Amsterdam (UTC+1)")
    assert "09:00–10:30" in item_cells(html)["Ontvangst"]


def test_the_mission_overview_names_both_offsets_when_the_visit_spans_a_change(client, login, autumn,
                                                                                make_mission):
    login(Role.PROTOCOL)
    page = " ".join(unescape(client.get(f"/missions/{autumn.id}").get_data(as_text=True)).split())
    assert re.search(r"<dd>Amsterdam \(UTC\+2\); [^<]*31 okt\.: Amsterdam \(UTC\+1\) — Europe/Amsterdam</dd>", page)
    spring = make_mission("outbound")  # 12–15 April: no change
    page = " ".join(unescape(client.get(f"/missions/{spring.id}").get_data(as_text=True)).split())
    assert "<dd>China (UTC+8) — Asia/Shanghai</dd>" in page


def test_on_a_phone_the_list_gives_the_home_time_beside_the_local_time(client, auth, mission):
    mission, delegate = mission
    auth.login(delegate)
    html = unescape(client.get(f"/missions/{mission.id}/programme/week").get_data(as_text=True))
    day_list = " ".join(html.split('class="vp-week__list"', 1)[1].split())
    # 09:00 in China on 13 April is 03:00 in Amsterdam (summer time).
    assert ('<span class="vp-week__time">09:00–10:30 China (UTC+8) <span class="vp-week__home-time">(thuis: '
            '03:00–04:30 Amsterdam (UTC+2))</span></span>') in day_list


def test_each_day_offers_those_who_may_add_items_to_add_one_on_that_day(client, login, auth, mission, en):
    mission, delegate = mission
    auth.login(delegate)  # a delegate may not add items: no links
    html = client.get(f"/missions/{mission.id}/programme/week").get_data(as_text=True)
    assert "/items/new" not in html
    auth.logout()
    login(Role.PROTOCOL)
    html = unescape(client.get(f"/missions/{mission.id}/programme/week").get_data(as_text=True))
    grid, day_list = html.split('class="vp-week__list"', 1)
    days = ["2027-04-12", "2027-04-13", "2027-04-14", "2027-04-15"]
    for part in (grid, day_list):
        assert re.findall(rf'href="/missions/{mission.id}/items/new\?day=([\d-]+)"', part) == days
    assert "Add an item<span class=\"vp-visually-hidden\">, Tue 13 Apr</span>" in grid

    form = client.get(f"/missions/{mission.id}/items/new?day=2027-04-13").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="starts_at"[^>]*value="2027-04-13T09:00"', form)
    for ignored in ("2027-05-01", "13-04-2027", "", "2027-02-30"):  # outside the visit, or no date at all
        form = client.get(f"/missions/{mission.id}/items/new?day={ignored}").get_data(as_text=True)
        assert not re.search(r'<input[^>]*id="starts_at"[^>]*value="[^"]', form), ignored
