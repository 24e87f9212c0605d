"""Issue step 3, as a protocol officer does it in a real browser: mission, delegation, programme, changes, history.

The interface is switched to English first (with the header's language button, as a user would), so the
tests read the English texts; the Dutch catalogue can change without breaking them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from browser.signing_in import PROTOCOL, sign_in

from visitplanner.demo import as_loaded

pytestmark = pytest.mark.browser

PROTOCOL_NAME = PROTOCOL[1]
DELEGATE = "Marieke Jansen"
EXTERNAL = "Anna de Boer"
PARTNERSHIP = "Gemeente Voorbeeldstad – Wuxi"
MISSION = "Werkbezoek Wuxi, september 2027"
# The demo's outbound mission; its month moves with the day the demo is loaded (12–15 April 2027 as written).
DEMO_MISSION = re.compile(r"^Werkbezoek Wuxi, [a-z]+ \d{4}$")

AMS = "Europe/Amsterdam"
SHA = "Asia/Shanghai"

KIND_LABELS = {
    "official_meeting": "Official meeting with partner authorities",
    "ngo_visit": "Visit to an NGO or human-rights organisation",
    "citizen_meeting": "Meeting with residents",
    "business_session": "Business session on OECD Guidelines and UNGPs",
    "company_briefing": "Human-rights briefing for companies",
    "company_visit": "Company visit",
    "transport": "Transport",
    "meal": "Meal",
    "other": "Other",
}
VISIBILITY_LABELS = {
    "internal": "Internal (office only)",
    "delegation": "Delegation",
    "partner": "Shared with the partner",
    "public": "Public",
}


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    starts: str  # what a datetime-local input takes: 2027-09-14T09:30
    ends: str
    zone: str
    location: str = ""
    visibility: str = "internal"
    attendees: tuple[str, ...] = field(default_factory=tuple)
    talking_points: str = ""
    end_zone: str = ""  # where it ends, when that is elsewhere (a flight)


BOTH = (DELEGATE, EXTERNAL)

# Day 1 (departure) in Amsterdam time, days 2 and 3 in Shanghai time; listed here in time order per day.
DAY1 = [
    Item("company_briefing", "Mensenrechtenbriefing voor deelnemende bedrijven", "2027-09-14T09:30",
         "2027-09-14T11:00", AMS, "Stadhuis Voorbeeldstad", "delegation", BOTH),
    Item("other", "Voorbereidend overleg delegatie", "2027-09-14T11:30", "2027-09-14T12:30", AMS,
         "Stadhuis Voorbeeldstad, kamer 2.14"),
    Item("transport", "Vertrek naar Schiphol", "2027-09-14T14:30", "2027-09-14T15:30", AMS, "Stadhuis",
         "delegation"),
    Item("transport", "Vlucht Amsterdam – Shanghai", "2027-09-14T17:00", "2027-09-15T09:00", AMS, "Schiphol",
         "delegation", BOTH, end_zone=SHA),
]
RECEPTION = Item("official_meeting", "Ontvangst door het stadsbestuur van Wuxi", "2027-09-15T14:00",
                 "2027-09-15T15:30", SHA, "Stadhuis Wuxi", "partner", BOTH,
                 "Arbeidsomstandigheden in de bouw; privacy bij slimme-stadtoepassingen.")
DINNER = Item("meal", "Welkomstdiner", "2027-09-15T19:00", "2027-09-15T21:00", SHA, "Hotel Wuxi Lakeside", "partner",
              BOTH)
DAY2 = [
    Item("transport", "Aankomst Shanghai Pudong, transfer naar Wuxi", "2027-09-15T10:00", "2027-09-15T12:30", SHA,
         "Shanghai Pudong International Airport", "delegation", BOTH),
    RECEPTION,
    Item("ngo_visit", "Gesprek met maatschappelijke organisatie over arbeidsrechten", "2027-09-15T16:00",
         "2027-09-15T17:30", SHA, "Afgesproken via het consulaat", "internal", (DELEGATE,)),
    DINNER,
]
PLANT = Item("company_visit", "Bezoek waterzuiveringsinstallatie Taihu", "2027-09-16T11:00", "2027-09-16T12:30", SHA,
             "Taihu-meer, Wuxi", "partner", (EXTERNAL,))
DAY3 = [
    Item("business_session", "Bedrijvensessie OESO-richtlijnen en UNGPs", "2027-09-16T09:00", "2027-09-16T10:30",
         SHA, "Wuxi Innovation Park", "partner", (EXTERNAL,)),
    PLANT,
    Item("official_meeting", "Afsluitend overleg met de afdeling buitenlandse zaken", "2027-09-16T13:30",
         "2027-09-16T14:30", SHA, "Stadhuis Wuxi", "partner", (DELEGATE,)),
    Item("transport", "Terugvlucht Shanghai – Amsterdam", "2027-09-16T18:00", "2027-09-16T23:00", SHA,
         "Shanghai Pudong International Airport", "delegation", BOTH),
]
ALL_ITEMS = DAY1 + DAY2 + DAY3
#: Entered out of order on purpose: the programme must sort them.
ENTRY_ORDER = [ALL_ITEMS[i] for i in (5, 3, 10, 0, 7, 8, 2, 4, 11, 6, 1, 9)]

DAY_HEADINGS = [
    "Day 1: Tuesday, 14 September 2027",
    "Day 2: Wednesday, 15 September 2027",
    "Day 3: Thursday, 16 September 2027",
]
TIME = re.compile(r"\d\d:\d\d")


# ---- steps a user takes ----------------------------------------------------------------------


def switch_to_english(page: Page) -> None:
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def fill_item_form(page: Page, item: Item) -> None:
    page.get_by_label("Kind", exact=True).select_option(label=KIND_LABELS[item.kind])
    page.get_by_label("Title", exact=True).fill(item.title)
    page.get_by_label("Start", exact=True).fill(item.starts)
    page.get_by_label("End", exact=True).fill(item.ends)
    page.get_by_label("Time zone", exact=True).select_option(item.zone)
    if item.end_zone:
        page.get_by_label("Time zone at the end").select_option(item.end_zone)
    if item.location:
        page.get_by_label("Location (optional)").fill(item.location)
    if item.talking_points:
        page.get_by_label("Human-rights talking points").fill(item.talking_points)
    for name in item.attendees:
        page.get_by_label(name, exact=True).check()
    if item.visibility != "internal":  # internal is the default; a user leaves it as it is
        page.get_by_label(VISIBILITY_LABELS[item.visibility], exact=True).check()


def add_item(page: Page, item: Item, *, voids: bool = False) -> None:
    """From the programme page: add one item and come back to the programme.

    With `voids`, the mission was signed off: the save is first asked about, and confirmed."""
    page.get_by_role("link", name="Add a programme item").click()
    expect(page.get_by_role("heading", name="New programme item", level=1)).to_be_visible()
    fill_item_form(page, item)
    page.get_by_role("button", name="Save", exact=True).click()
    if voids:
        expect(page.get_by_role("heading", name="Save and void the sign-off?", level=1)).to_be_visible()
        page.get_by_role("button", name="Save and void").click()
        expect(page.get_by_role("alert")).to_contain_text("is back in draft")
        expect(page.get_by_role("alert").get_by_role("link", name="Submit for sign-off again")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"“{item.title}” added to the programme.")
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()


def programme_days(page: Page) -> list[tuple[str, list[str], list[str]]]:
    """Each day section as shown: (heading, item titles, item start times)."""
    days = []
    for section in page.locator("section.vp-day").all():
        heading = section.get_by_role("heading", level=2).inner_text().strip()
        titles = [t.strip() for t in section.get_by_role("heading", level=3).all_inner_texts()]
        times = [TIME.search(t).group(0) for t in section.locator(".vp-item__time .vp-time").all_inner_texts()]
        days.append((heading, titles, times))
    return days


def history_row(page: Page, what: str):
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=what, exact=True))


# ---- the journey ------------------------------------------------------------------------------


def test_protocol_officer_plans_an_outbound_mission(page: Page, demo_password, results_dir):
    # 1. Sign in, open the partnership from the partnerships page, create an outbound mission.
    sign_in(page, demo_password, PROTOCOL)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Partnerships").click()
    expect(page.get_by_role("heading", name="Partnerships", level=1)).to_be_visible()
    page.get_by_role("link", name=PARTNERSHIP, exact=True).click()
    expect(page.get_by_role("heading", name=PARTNERSHIP, level=1)).to_be_visible()

    page.get_by_role("link", name="New mission", exact=True).click()
    expect(page.get_by_role("heading", name="New mission", level=1)).to_be_visible()
    expect(page.get_by_label("Partnership")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Partnership").locator("option:checked")).to_have_text(PARTNERSHIP)
    page.get_by_label("Outbound (our delegation visits the partner)").check()
    page.get_by_label("Title", exact=True).fill(MISSION)
    page.get_by_label("Purpose").fill("Samenwerking op waterbeheer, met arbeidsrechten en privacy als vaste onderwerpen.")
    page.get_by_label("First day").fill("2027-09-14")
    page.get_by_label("Last day").fill("2027-09-16")
    # The zone is left as it is: an outbound visit takes place in China.
    expect(page.get_by_label("Time zone of the visit")).to_have_value("")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Mission created.")
    expect(page.get_by_role("heading", name=MISSION, level=1)).to_be_visible()
    facts = page.locator("dl.vp-facts")
    expect(facts).to_contain_text("Outbound")
    expect(facts).to_contain_text("Tuesday, 14 September 2027 – Thursday, 16 September 2027")
    expect(facts).to_contain_text(SHA)
    mission_url = page.url

    # 2. The delegation: one person with an account, one external person by name.
    page.get_by_role("link", name="Add a delegation member").click()
    page.get_by_label("Person with an account").select_option(label=f"{DELEGATE} (delegate@example.org)")
    page.get_by_label("Function (optional)").fill("Wethouder Economie")
    page.get_by_label("Organisation (optional)").fill("Gemeente Voorbeeldstad")
    page.get_by_role("button", name="Add to delegation").click()
    expect(page.get_by_role("status")).to_contain_text(f"{DELEGATE} added to the delegation.")

    page.get_by_role("link", name="Add a delegation member").click()
    expect(page.get_by_label("Person with an account").locator("option:checked")).to_contain_text("external person")
    page.get_by_label("Name (external person)").fill(EXTERNAL)
    page.get_by_label("Function (optional)").fill("Burgemeester")
    page.get_by_label("Organisation (optional)").fill("Gemeente Voorbeeldstad")
    page.get_by_role("button", name="Add to delegation").click()
    expect(page.get_by_role("status")).to_contain_text(f"{EXTERNAL} added to the delegation.")

    members = page.get_by_role("table", name="Members of the delegation")
    expect(members.get_by_role("row")).to_have_count(3)  # header + 2
    expect(members.get_by_role("row").filter(has_text=DELEGATE)).to_contain_text("(account)")
    expect(members.get_by_role("row").filter(has_text=EXTERNAL)).to_contain_text("Burgemeester")
    expect(members.get_by_role("row").filter(has_text=EXTERNAL)).not_to_contain_text("(account)")

    # 3. Twelve programme items over three days, in two time zones, entered out of order.
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    for section in page.locator("section.vp-day").all():
        expect(section).to_contain_text("Nothing planned.")
    for item in ENTRY_ORDER:
        add_item(page, item)

    # 4. The programme as the office sees it (the page starts at the delegation's view): three days, every title,
    # time order within each day.
    page.get_by_label("Show the programme as seen by").select_option("internal")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("section.vp-day")).to_have_count(3)
    expect(page.locator("li.vp-item")).to_have_count(12)
    days = programme_days(page)
    assert [d[0] for d in days] == DAY_HEADINGS
    assert [d[1] for d in days] == [[i.title for i in day] for day in (DAY1, DAY2, DAY3)]
    for heading, _, times in days:
        assert times == sorted(times), f"{heading}: not in time order: {times}"
    assert days[0][2] == ["09:30", "11:30", "14:30", "17:00"]
    assert days[1][2] == ["10:00", "14:00", "16:00", "19:00"]

    # 14:00 in Shanghai is 08:00 at home (September: CEST, UTC+2; Shanghai UTC+8).
    reception = page.locator("li.vp-item").filter(has=page.get_by_role("heading", name=RECEPTION.title))
    expect(reception.locator(".vp-time")).to_have_text("14:00–15:30 China (UTC+8)")
    expect(reception.locator(".vp-home-time")).to_have_text("(home: 08:00–09:30 Amsterdam (UTC+2))")
    expect(reception).to_contain_text(f"{DELEGATE}, {EXTERNAL}")
    expect(reception).to_contain_text(RECEPTION.talking_points)
    # Items that happen at home show no second time; only the flight, landing in Shanghai, does.
    first_day = page.locator("section.vp-day").first
    expect(first_day.locator(".vp-time").first).to_have_text("09:30–11:00 Amsterdam (UTC+2)")
    expect(first_day.locator(".vp-home-time")).to_have_count(1)
    # The flight leaves in Amsterdam's time and lands in Shanghai's, the next day.
    flight = page.locator("li.vp-item").filter(has=page.get_by_role("heading", name=DAY1[3].title))
    expect(flight.locator(".vp-time")).to_have_text("17:00 Amsterdam (UTC+2) – 09:00 next day China (UTC+8)")
    expect(flight.locator(".vp-home-time")).to_have_text("(home: 17:00–03:00 next day Amsterdam (UTC+2))")

    # 5. The printable programme: a screenshot, and in print the screen-only navigation is gone.
    programme_url = page.url
    page.get_by_role("link", name="Printable programme").click()
    expect(page.get_by_role("heading", name=MISSION, level=1)).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text([h.split(": ", 1)[1] for h in DAY_HEADINGS])
    for item in ALL_ITEMS:
        expect(page.get_by_role("cell").filter(has_text=item.title)).to_have_count(1)
    expect(page.get_by_role("row").filter(has_text=RECEPTION.title)).to_contain_text("home: 08:00–09:30")
    back = page.get_by_role("link", name="Back to the programme")
    expect(back).to_be_visible()
    printable = results_dir / "printable.png"
    printable.unlink(missing_ok=True)
    page.screenshot(path=str(printable), full_page=True)
    assert printable.is_file() and printable.stat().st_size > 0
    page.emulate_media(media="print")
    expect(back).to_be_hidden()
    expect(page.get_by_role("heading", name=MISSION, level=1)).to_be_visible()
    expect(page.get_by_role("cell").filter(has_text=RECEPTION.title)).to_be_visible()
    page.emulate_media(media="screen")
    expect(back).to_be_visible()

    # The ordinary programme page prints without the header, its navigation or the edit links.
    page.goto(programme_url)
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav).to_be_visible()
    page.emulate_media(media="print")
    expect(nav).to_be_hidden()
    expect(page.locator("header.vp-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Add a programme item")).to_be_hidden()
    expect(page.get_by_role("heading", name=RECEPTION.title)).to_be_visible()
    page.emulate_media(media="screen")

    # 6. Change an item's time and title; remove another via its confirm page.
    page.get_by_role("link", name=f"Edit {PLANT.title}", exact=True).click()
    expect(page.get_by_role("heading", name="Edit programme item", level=1)).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(PLANT.title)
    expect(page.get_by_label("Start", exact=True)).to_have_value(PLANT.starts)
    expect(page.get_by_label("Time zone", exact=True)).to_have_value(SHA)
    expect(page.get_by_label(EXTERNAL, exact=True)).to_be_checked()
    expect(page.get_by_label(DELEGATE, exact=True)).not_to_be_checked()
    moved_title = "Bezoek waterzuiveringsinstallatie Taihu (middag)"
    page.get_by_label("Title", exact=True).fill(moved_title)
    page.get_by_label("Start", exact=True).fill("2027-09-16T15:00")
    page.get_by_label("End", exact=True).fill("2027-09-16T16:30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"“{moved_title}” saved.")
    moved = page.locator("li.vp-item").filter(has=page.get_by_role("heading", name=moved_title))
    expect(moved.locator(".vp-time")).to_have_text("15:00–16:30 China (UTC+8)")
    expect(moved.locator(".vp-home-time")).to_have_text("(home: 09:00–10:30 Amsterdam (UTC+2))")
    expect(page.get_by_role("heading", name=PLANT.title, exact=True)).to_have_count(0)
    day3 = programme_days(page)[2]
    assert day3[1] == [DAY3[0].title, DAY3[2].title, moved_title, DAY3[3].title]
    assert day3[2] == ["09:00", "13:30", "15:00", "18:00"]

    page.get_by_role("link", name=f"Remove {DINNER.title}", exact=True).click()
    expect(page.get_by_role("heading", name=f"Remove “{DINNER.title}” from the programme?", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(1)
    page.get_by_role("button", name="Remove item").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{DINNER.title}” removed from the programme.")
    expect(page.get_by_role("heading", name=DINNER.title, exact=True)).to_have_count(0)
    expect(page.locator("li.vp-item")).to_have_count(11)
    assert programme_days(page)[1][1] == [i.title for i in DAY2 if i is not DINNER]

    # 10. A full-page screenshot of the programme as it now stands.
    shot = results_dir / "programme.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.is_file() and shot.stat().st_size > 0

    # 7. The history: who changed what.
    page.goto(mission_url)
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
    history = page.get_by_role("table", name="Who changed what in this mission, newest first")
    expect(history).to_be_visible()
    # One entry per change: the mission, two members, twelve items added, one changed, one removed.
    expect(history.get_by_role("row")).to_have_count(1 + 1 + 2 + 12 + 1 + 1)
    for what in (
        f"Mission created: {MISSION}",
        f"Added to the delegation: {DELEGATE}",
        f"Added to the delegation: {EXTERNAL}",
        f"Programme item added: {RECEPTION.title}",
        f"Programme item changed: {moved_title}",
        f"Programme item removed: {DINNER.title}",
    ):
        row = history_row(page, what)
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell").nth(1)).to_have_text(PROTOCOL_NAME)
    change = history_row(page, f"Programme item changed: {moved_title}")
    expect(change.locator("del").filter(has_text=PLANT.title)).to_have_count(1)
    expect(change).to_contain_text(moved_title)
    expect(change).to_contain_text("Start")
    # Newest first: the removal is the top entry, the creation of the mission the last.
    rows = history.locator("tbody").get_by_role("row")
    expect(rows.first).to_contain_text(f"Programme item removed: {DINNER.title}")
    expect(rows.last).to_contain_text(f"Mission created: {MISSION}")


# ---- an impossible item -------------------------------------------------------------------------


def open_demo_programme(page: Page) -> None:
    page.get_by_role("link", name=DEMO_MISSION).first.click()
    expect(page.get_by_role("heading", name=DEMO_MISSION, level=1)).to_be_visible()
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()


def test_item_ending_before_it_starts_is_refused_at_the_field(page: Page, demo_password):
    sign_in(page, demo_password, PROTOCOL)
    open_demo_programme(page)
    before = page.locator("li.vp-item").count()
    assert before > 0

    title = "Gesprek met studenten over vrije meningsuiting"
    page.get_by_role("link", name="Add a programme item").click()
    # Who sees a new item follows who attends, unless someone chooses otherwise.
    expect(page.get_by_label(re.compile(r"^As its attendees need"))).to_be_checked()
    expect(page.get_by_label(VISIBILITY_LABELS["internal"], exact=True)).not_to_be_checked()
    starts, ends = as_loaded("2027-04-13T16:00"), as_loaded("2027-04-13T15:00")  # within the demo's days
    fill_item_form(page, Item("other", title, f"{starts:%Y-%m-%dT%H:%M}", f"{ends:%Y-%m-%dT%H:%M}", SHA,
                              "Universiteit Jiangnan"))
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="New programme item", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("The form was not saved")
    end = page.get_by_label("End", exact=True)
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(end).to_have_attribute("aria-describedby", re.compile(r"\bends_at-error\b"))
    expect(page.locator("#ends_at-error")).to_have_text("The end must be after the start.")
    # The error sits at the End field, not somewhere else.
    field = page.locator(".utrecht-form-field").filter(has=end)
    expect(field).to_have_class(re.compile(r"utrecht-form-field--invalid"))
    expect(field).to_contain_text("The end must be after the start.")
    expect(page.get_by_label("Start", exact=True)).not_to_have_attribute("aria-invalid", "true")
    # What was typed is kept.
    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    expect(page.get_by_label("Start", exact=True)).to_have_value(f"{starts:%Y-%m-%dT%H:%M}")
    expect(page.get_by_label("End", exact=True)).to_have_value(f"{ends:%Y-%m-%dT%H:%M}")
    expect(page.get_by_label("Location (optional)")).to_have_value("Universiteit Jiangnan")

    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_have_count(0)
    expect(page.locator("li.vp-item")).to_have_count(before)


# ---- without JavaScript ------------------------------------------------------------------------


def test_journey_works_without_javascript(new_context, demo_password):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo_password, PROTOCOL)
    open_demo_programme(page)
    before = page.locator("li.vp-item").count()

    starts, ends = as_loaded("2027-04-14T19:00"), as_loaded("2027-04-14T20:30")  # the demo's third day
    item = Item("citizen_meeting", "Ontmoeting met Nederlandse studenten in Wuxi", f"{starts:%Y-%m-%dT%H:%M}",
                f"{ends:%Y-%m-%dT%H:%M}", SHA, "Jiangnan University", "delegation", (DELEGATE,))
    add_item(page, item, voids=True)  # the demo mission is signed off
    added = page.locator("li.vp-item").filter(has=page.get_by_role("heading", name=item.title))
    expect(added).to_have_count(1)
    expect(added.locator(".vp-time")).to_have_text("19:00–20:30 China (UTC+8)")
    expect(added.locator(".vp-home-time")).to_have_text("(home: 13:00–14:30 Amsterdam (UTC+2))")
    expect(added).to_contain_text(DELEGATE)
    expect(page.locator("li.vp-item")).to_have_count(before + 1)
    day3 = page.locator("section.vp-day").nth(2)
    expect(day3.get_by_role("heading", level=2)).to_have_text(f"Day 3: Wednesday, {starts.day} {starts:%B %Y}")
    expect(day3.get_by_role("heading", name=item.title)).to_have_count(1)


# ---- a second factor --------------------------------------------------------------------------------


def test_the_advisor_signs_in_with_a_code_from_an_authenticator_app(page: Page, demo_password, results_dir,
                                                                   authenticator_code):
    """The demo advisor's app holds the documented demo key; the code it shows completes the sign-in."""
    import pyotp

    from visitplanner.demo import DEMO_TOTP_SECRET

    page.goto("/login")
    switch_to_english(page)
    page.get_by_label("E-mail address").fill("advisor@example.org")
    page.get_by_label("Password").fill(demo_password)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", name="Sign in: code", level=1)).to_be_visible()
    page.get_by_label("Code").fill("000000" if pyotp.TOTP(DEMO_TOTP_SECRET).now() != "000000" else "111111")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#code-error")).to_contain_text("This code does not open the account")

    page.get_by_label("Code").fill(authenticator_code("advisor@example.org"))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome, Yusuf Demir")).to_be_visible()
    page.screenshot(path=str(results_dir / "second-factor-signed-in.png"), full_page=True)
