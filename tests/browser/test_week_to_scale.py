"""The week at a glance drawn to scale (issue 23, part 5), measured in Chromium: every half hour the same height, so
that an hour and a half is three quarters of two hours whatever the blocks hold; overlapping items side by side; a
week across the end of summer time names the offset per day; the phone's list keeps the home time; each day's "add"
link presets the day; and axe finds nothing critical, serious or moderate on the page (best practices included).

The missions are a served app of this module's own (its own SQLite file), so that the demo's pages that the other
browser tests walk stay as they are: an office account, a visit to Amsterdam and one to China, both from Friday 29
October to Tuesday 2 November 2027, across the end of summer time in Amsterdam (Sunday 31 October, 03:00).
"""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from playwright.sync_api import Page

from visitplanner import create_app
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.partnerships.models import Partnership
from visitplanner.timeutil import to_utc

pytestmark = pytest.mark.browser

AMS, SHA = "Europe/Amsterdam", "Asia/Shanghai"
EMAIL, PASSWORD = "office@example.org", "a long password for the week"
#: Within this many pixels: borders and rounding to whole pixels.
PIXELS = 2
#: What axe-core checks here: WCAG 2.0 and 2.1, levels A and AA, and its best practices (landmark-unique is one).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 390, "height": 844}

LONG = ("Gesprek met de vertegenwoordigers van drie maatschappelijke organisaties over de vrijheid van vereniging en "
        "de ruimte voor het maatschappelijk middenveld")
#: (title, start, end, kind, location) on the visit to Amsterdam.
AMSTERDAM_ITEMS = [
    ("Anderhalf uur", "2027-10-29T09:00", "2027-10-29T10:30", "official_meeting", ""),
    ("Twee uur", "2027-10-29T11:00", "2027-10-29T13:00", "business_session", ""),
    (LONG, "2027-10-29T14:00", "2027-10-29T14:30", "ngo_visit", "Kantoor van de ngo, Keizersgracht 1, Amsterdam"),
    ("Links", "2027-10-30T09:00", "2027-10-30T11:00", "official_meeting", ""),
    ("Rechts", "2027-10-30T10:00", "2027-10-30T11:00", "meal", ""),
    ("Na de klok", "2027-11-01T09:00", "2027-11-01T10:00", "official_meeting", ""),
]


@pytest.fixture(scope="module")
def week_server(tmp_path_factory):
    """An app of this module's own, served on a free port: yields its base URL and the two missions' ids."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    root = tmp_path_factory.mktemp("week")
    app = create_app({"TESTING": True, "SECRET_KEY": "week-browser-test-key", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(root / "week.sqlite")},
                     instance_path=str(root / "instance"))
    with app.app_context():
        upgrade()
        user = User(email=EMAIL, name="Office", active=True)
        user.set_password(PASSWORD)
        user.set_roles([Role.PROTOCOL])
        partnership = Partnership(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                                  kind="sister_city", cooperation_themes="water")
        visits = {}
        for direction, zone in (("inbound", AMS), ("outbound", SHA)):
            visits[zone] = Mission(partnership=partnership, direction=direction, title=f"Bezoek {direction}",
                                   purpose="", start_date=date(2027, 10, 29), end_date=date(2027, 11, 2),
                                   timezone=zone)
        for title, start, end, kind, location in AMSTERDAM_ITEMS:
            db.session.add(ProgrammeItem(mission=visits[AMS], kind=kind, title=title, timezone=AMS, location=location,
                                         visibility="delegation", starts_at=to_utc(datetime.fromisoformat(start), AMS),
                                         ends_at=to_utc(datetime.fromisoformat(end), AMS)))
        db.session.add(ProgrammeItem(mission=visits[SHA], kind="official_meeting", title="Ontvangst", timezone=SHA,
                                     visibility="delegation", starts_at=to_utc(datetime(2027, 11, 1, 15), SHA),
                                     ends_at=to_utc(datetime(2027, 11, 1, 16, 30), SHA)))
        db.session.add_all([user, partnership, *visits.values()])
        commit()
        ids = {zone: mission.id for zone, mission in visits.items()}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="week-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", ids
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


@pytest.fixture
def office(browser, week_server, axe_script):
    """A browser signed in as the office (a protocol officer, who may add items), with axe-core at hand."""
    base_url, _ = week_server
    context = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_init_script(script=axe_script)
    page = context.new_page()
    page.goto("/login")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.vp-form button[type=submit]").click()
    page.wait_for_load_state()
    yield page
    context.close()


def week_of(page: Page, week_server, zone: str) -> None:
    _, ids = week_server
    response = page.goto(f"/missions/{ids[zone]}/programme/week")
    assert response is not None and response.status == 200


def block(page: Page, title: str) -> dict:
    """The item's cell in the grid, as drawn."""
    box = page.locator("td.vp-week__item", has=page.locator(".vp-week__title", has_text=title)).bounding_box()
    assert box is not None, title
    return box


def test_block_heights_are_proportional_to_duration_whatever_they_hold(office, week_server, results_dir):
    week_of(office, week_server, AMS)
    office.screenshot(path=str(results_dir / "week-to-scale.png"), full_page=True)
    rows = office.eval_on_selector_all(".vp-week__grid tbody tr",
                                       "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert rows and max(rows) - min(rows) <= 1, f"every half hour the same height: {sorted(set(rows))}"
    half_hour = rows[0]

    one_and_a_half, two, short = block(office, "Anderhalf uur"), block(office, "Twee uur"), block(office, LONG[:40])
    assert abs(one_and_a_half["height"] - 0.75 * two["height"]) <= PIXELS, (one_and_a_half, two)
    assert abs(two["height"] - 4 * half_hour) <= PIXELS, (two, half_hour)
    # Half an hour with a long title, a star and an address is still a quarter of two hours: it is clipped, not grown.
    assert abs(short["height"] - 0.25 * two["height"]) <= PIXELS, (short, two)
    # Its start and end sit on its half hours: two hours after the 1.5-hour block started, the 2-hour one starts.
    assert abs(two["y"] - one_and_a_half["y"] - 4 * half_hour) <= PIXELS


def test_what_a_short_block_cannot_show_shows_whole_when_its_link_has_focus(office, week_server):
    week_of(office, week_server, AMS)
    short = office.locator("td.vp-week__item", has=office.locator(".vp-week__title", has_text=LONG[:40]))
    content = short.locator(".vp-week__block")
    clipped = content.evaluate("e => e.scrollHeight > e.clientHeight + 1")
    assert clipped, "the long title does not fit half an hour (or the test no longer tests anything)"
    short.locator("a").focus()
    assert content.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "focused, nothing is cut off"
    cell, shown = short.bounding_box(), content.bounding_box()
    assert shown["height"] > cell["height"] + PIXELS
    # And it is drawn over the half hour below, not hidden under it: what is seen there belongs to the block.
    below = content.evaluate("(e, point) => e.contains(document.elementFromPoint(point.x, point.y))",
                             {"x": shown["x"] + 4, "y": cell["y"] + cell["height"] + 4})
    assert below, "the block's text shows over the rows below it"


def test_overlapping_items_stand_side_by_side_on_the_same_rows(office, week_server):
    week_of(office, week_server, AMS)
    left, right = block(office, "Links"), block(office, "Rechts")
    assert left["x"] + left["width"] <= right["x"] + PIXELS, (left, right)
    assert abs(right["y"] - (left["y"] + left["height"] / 2)) <= PIXELS  # 10:00 is half-way through 09:00–11:00
    assert abs(left["y"] + left["height"] - (right["y"] + right["height"])) <= PIXELS  # both end at 11:00


def test_a_week_across_the_end_of_summer_time_names_the_offset_per_day(office, week_server):
    week_of(office, week_server, AMS)
    headings = office.locator(".vp-week__grid thead tr").first.locator("th")
    margin, days = headings.first.inner_text(), [" ".join(t.split()) for t in headings.all_inner_texts()[1:]]
    assert "Amsterdam (UTC+2)" in margin and "Amsterdam (UTC+1)" in margin, margin
    assert len(days) == 5
    assert [day.split(" ", 3)[-1] for day in days] == [
        "Amsterdam (UTC+2)", "Amsterdam (UTC+2)", "Amsterdam (UTC+2 → UTC+1)", "Amsterdam (UTC+1)",
        "Amsterdam (UTC+1)"], days

    # A visit to China the same week: China's offset stays, the home time's changes, day by day.
    week_of(office, week_server, SHA)
    headings = office.locator(".vp-week__grid thead tr").first.locator("th")
    texts = [" ".join(t.split()) for t in headings.all_inner_texts()]
    assert texts[0] == "China (UTC+8)"
    assert "Amsterdam (UTC+2)" in texts[1] and "Amsterdam (UTC+1)" in texts[1]
    assert texts[2].endswith(": Amsterdam (UTC+2)") and texts[4].endswith(": Amsterdam (UTC+2 → UTC+1)")
    assert texts[6].endswith(": Amsterdam (UTC+1)")


def test_on_a_phone_the_list_keeps_the_home_time_beside_the_local_time(office, week_server):
    office.set_viewport_size(PHONE)
    week_of(office, week_server, SHA)
    assert not office.locator(".vp-week__section").first.is_visible()
    item = office.locator(".vp-week__list li", has_text="Ontvangst")
    assert item.is_visible()
    time = " ".join(item.locator(".vp-week__time").inner_text().split())
    # 15:00 in China is 08:00 in Amsterdam on 1 November (UTC+1).
    assert time.startswith("15:00–16:30 China (UTC+8)") and "08:00–09:30 Amsterdam (UTC+1)" in time, time
    assert office.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_each_day_offers_to_add_an_item_on_that_day(office, week_server):
    week_of(office, week_server, AMS)
    adds = office.locator(".vp-week__adds a")
    assert adds.count() == 5
    adds.nth(2).click()
    office.wait_for_load_state()
    assert office.locator("#starts_at").input_value() == "2027-10-31T09:00"


def test_axe_finds_nothing_critical_serious_or_moderate_on_the_week(office, week_server):
    for zone in (AMS, SHA):
        for viewport in ({"width": 1280, "height": 900}, PHONE):
            office.set_viewport_size(viewport)
            week_of(office, week_server, zone)
            results = office.evaluate("options => axe.run(document, options)",
                                      {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
            found = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                     for v in results["violations"] if v["impact"] in ("critical", "serious", "moderate")]
            assert not found, f"{zone} at {viewport['width']} px:\n" + "\n".join(found)


