"""The whole journey in a real browser, from a new partnership to a finalised mission and a calendar subscription.

Four people, each in a browser of their own, signed in as a person does (the human-rights advisor and the approver
with a code from their authenticator app), with the interface switched to English by the header's language button:

1. The human-rights advisor records a new partnership (the demo's Wuxi partnership is left alone), assesses its
   risk, and lays the groundwork the checklist asks for: a dated, sourced dossier entry, focal themes and an
   action-plan objective.
2. The protocol officer creates an inbound mission with the dashboard's "new mission" action, adds the delegation,
   proposes a resident (by alias only) and builds the programme: an official meeting with talking points on a
   focal theme, an NGO visit, a business session on the OECD Guidelines and UNGPs, a meeting with residents where
   the proposed resident takes part, an internal meeting and the farewell. The checklist then fails on consent and
   safety only, and says that the human-rights advisor can fix them.
3. The advisor follows the checklist's "Fix this" links: records the consent, completes the real name from the
   participant's page, and records the safety assessment.
4. Every check passes but the four-eyes one, which waits for the sign-offs. The protocol officer confirms the manual
   item and submits; the advisor and the approver each find the mission under "Waiting for your sign-off" on their
   dashboard and sign it off; after the second sign-off the mission is final.
5. The delegation member opens the programme, creates a calendar feed of it, and the feed is fetched as a calendar
   app fetches it (no cookies; its ``webcal://`` address over plain HTTP) and read with ``icalendar``: the items she
   may see are in it, the internal one only as a confidential private appointment, and the resident's real name
   nowhere.

The mission's days lie eight weeks ahead of the real today, so every date the app checks (consent to be reconfirmed,
assessments valid until) is in the future.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from browser.signing_in import ADVISOR, APPROVER, DELEGATE, PROTOCOL, sign_in

pytestmark = pytest.mark.browser

GUEST = "Zhou Min"  # a member of the visiting delegation, without an account

PARTNERSHIP = "Gemeente Voorbeeldstad – Suzhou"
MISSION = "Bezoek delegatie Suzhou aan Voorbeeldstad"
FREE_SPEECH = "Freedom of expression and censorship"
LABOUR = "Labour rights"
ALIAS = "Kraanvogel-3318"
REAL_NAME = "Mihriban Kader"
AMS = "Europe/Amsterdam"

FIRST_DAY = date.today() + timedelta(weeks=8)
LAST_DAY = FIRST_DAY + timedelta(days=2)

KIND_LABELS = {
    "official_meeting": "Official meeting with partner authorities",
    "ngo_visit": "Visit to an NGO or human-rights organisation",
    "citizen_meeting": "Meeting with residents",
    "business_session": "Business session on OECD Guidelines and UNGPs",
    "transport": "Transport",
    "other": "Other",
}
VISIBILITY_LABELS = {
    "internal": "Internal (office only)",
    "delegation": "Delegation",
    "partner": "Shared with the partner",
}


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    day: int  # 0: the first day of the mission
    starts: str  # local time in Amsterdam, "10:00"
    ends: str
    location: str
    visibility: str
    attendees: tuple[str, ...] = ()
    talking_points: str = ""
    themes: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()

    def moment(self, clock: str) -> str:
        """What a datetime-local input takes: 2027-06-07T10:00."""
        return f"{(FIRST_DAY + timedelta(days=self.day)).isoformat()}T{clock}"


BOTH = (DELEGATE[1], GUEST)
RECEPTION = Item("official_meeting", "Ontvangst van de delegatie op het stadhuis", 0, "10:00", "11:30",
                 "Stadhuis Voorbeeldstad, Burgerzaal", "partner", BOTH,
                 "Vrijheid van meningsuiting; ruimte voor het maatschappelijk middenveld.", (FREE_SPEECH,))
NGO_VISIT = Item("ngo_visit", "Bezoek aan het Huis van de Mensenrechten", 0, "14:00", "15:30",
                 "Huis van de Mensenrechten, Voorbeeldstad", "delegation", BOTH,
                 "Vragen wat de organisatie van de delegatie verwacht.", (FREE_SPEECH,))
BUSINESS = Item("business_session", "Bedrijvensessie OESO-richtlijnen en UNGPs", 1, "09:30", "11:00",
                "Innovatiecentrum Voorbeeldstad", "partner", BOTH,
                "Gepaste zorgvuldigheid in de keten; geen dwangarbeid.", (LABOUR,))
INTERNAL = Item("other", "Intern overleg over de veiligheid van de gesprekspartners", 1, "14:00", "15:00",
                "Stadhuis Voorbeeldstad, kamer 2.14", "internal")
RESIDENTS = Item("citizen_meeting", "Gesprek met Oeigoerse inwoners", 1, "19:30", "21:00",
                 "Wijkcentrum De Brug", "delegation", (DELEGATE[1],), participants=(ALIAS,))
FAREWELL = Item("transport", "Vertrek van de delegatie naar Schiphol", 2, "10:00", "11:30",
                "Stadhuis Voorbeeldstad", "partner", BOTH)
PROGRAMME = (RECEPTION, NGO_VISIT, BUSINESS, INTERNAL, RESIDENTS, FAREWELL)
#: What the delegation sees whole: everything but the office's internal meeting.
SEEN_BY_DELEGATION = [item for item in PROGRAMME if item.visibility != "internal"]

CHECKS = (
    "Human-rights component",
    "Inbound: NGO visit and meeting with residents",
    "Outbound: civil-society meeting, business session and company briefing",
    "Consent of civil-society participants",
    "Safety of civil-society participants",
    "Partnership groundwork",
    "Itinerary sanity",
    "Human-rights talking points",
    "Focal themes raised with the partner",
    "Four-eyes sign-off",
)
CONSENT, SAFETY, FOUR_EYES = CHECKS[3], CHECKS[4], CHECKS[9]


# ---- steps a user takes ---------------------------------------------------------------------------------------------


def go_home(page: Page) -> None:
    """The dashboard, from the main menu."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "), level=1)).to_be_visible()


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def open_mission_tab(page: Page, tab: str) -> None:
    """One of the mission's own pages, from its sub-navigation."""
    page.get_by_role("navigation", name="This mission").get_by_role("link", name=tab, exact=True).click()


def check_row(page: Page, title: str) -> Locator:
    """The row of one automatic check on the checklist."""
    checks = page.get_by_role("table", name="Automatic checks")
    return checks.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title, exact=True))


def expect_checks(page: Page, results: dict[str, str]) -> None:
    """Each automatic check shows the result given for it, "Pass" when not named."""
    expect(page.get_by_role("heading", name="Checklist", level=1)).to_be_visible()
    for title in CHECKS:
        expect(check_row(page, title).get_by_role("cell").first).to_have_text(results.get(title, "Pass"))


def fill_item(page: Page, item: Item) -> None:
    page.get_by_label("Kind", exact=True).select_option(label=KIND_LABELS[item.kind])
    page.get_by_label("Title", exact=True).fill(item.title)
    expect(page.get_by_label("Time zone", exact=True)).to_have_value(AMS)  # an inbound visit happens at home
    page.get_by_label("Start", exact=True).fill(item.moment(item.starts))
    page.get_by_label("End", exact=True).fill(item.moment(item.ends))
    page.get_by_label("Location (optional)").fill(item.location)
    if item.talking_points:
        page.get_by_label("Human-rights talking points (optional)").fill(item.talking_points)
    for name in item.attendees + item.participants + item.themes:
        page.get_by_label(name, exact=True).check()
    page.get_by_label(VISIBILITY_LABELS[item.visibility], exact=True).check()


def add_item(page: Page, item: Item) -> None:
    """From the programme page: add one item and come back to the programme."""
    page.get_by_role("link", name="Add a programme item").click()
    expect(page.get_by_role("heading", name="New programme item", level=1)).to_be_visible()
    fill_item(page, item)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_flash(page, f"“{item.title}” added to the programme.")
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()


def add_member(page: Page, function: str, organisation: str, side: str, *, account: str = "",
               name: str = "") -> None:
    page.get_by_role("link", name="Add a delegation member").click()
    if account:
        page.get_by_label("Person with an account").select_option(label=account)
    else:
        page.get_by_label("Name (external person)").fill(name)
    page.get_by_label("Function (optional)").fill(function)
    page.get_by_label("Organisation (optional)").fill(organisation)
    page.get_by_label(side, exact=True).check()  # an inbound delegation: our own people, or the visitors
    page.get_by_role("button", name="Add to delegation").click()
    expect_flash(page, "added to the delegation.")


def sign_off_from_dashboard(page: Page, role: str, comment: str = "") -> None:
    """The dashboard lists the mission as waiting for this person's sign-off; it leads to the checklist."""
    go_home(page)
    waiting = page.get_by_role("region", name="Waiting for your sign-off")
    expect(waiting).to_be_visible()
    waiting.get_by_role("link", name=MISSION, exact=True).click()
    expect(page.get_by_role("heading", name="Checklist", level=1)).to_be_visible()
    expect(page.get_by_text("Status: Ready for sign-off")).to_be_visible()
    page.get_by_role("link", name=f"Sign off as {role}").click()
    confirm_sign_off(page, role, comment)


def confirm_sign_off(page: Page, role: str, comment: str = "") -> None:
    """The confirmation says what the signer vouches for, the code of what was submitted and the open warnings;
    the sign-off is the button at its foot, with an optional comment."""
    expect(page.get_by_role("heading", name=f"Sign off as {role}?", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What you vouch for", level=2)).to_be_visible()
    code = page.locator("#vouched-code")
    expect(code).to_contain_text(re.compile(r"You sign the mission as it was submitted, code [0-9A-F]{4}-[0-9A-F]{4}\."))
    expect(page.get_by_role("region", name="Open warnings")).to_contain_text("No open warnings.")
    expect(page.get_by_role("region", name="What the mission holds")).to_contain_text(ALIAS)
    expect(page.get_by_text(REAL_NAME)).to_have_count(0)
    if comment:
        page.get_by_label("Comment (optional)").fill(comment)
    page.get_by_role("button", name=f"Sign off as {role}").click()


def fetch_feed(url: str) -> bytes:
    """As a calendar app fetches a subscription: a plain GET, no cookies, no session."""
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        return response.read()


def local_start(item: Item) -> datetime:
    return datetime.fromisoformat(item.moment(item.starts)).replace(tzinfo=ZoneInfo(AMS))


# ---- the journey ----------------------------------------------------------------------------------------------------


def test_from_a_new_partnership_to_a_finalised_mission_in_a_delegates_calendar(new_context, demo_password,
                                                                                  authenticator_code):
    advisor, protocol, approver, delegate = (new_context().new_page() for _ in range(4))

    # 1. The human-rights advisor records the partnership and lays its groundwork.
    sign_in(advisor, demo_password, ADVISOR, authenticator_code)
    advisor.get_by_role("link", name="Record a new partnership").click()
    expect(advisor.get_by_role("heading", name="New partnership", level=1)).to_be_visible()
    expect(advisor.get_by_label("Own organisation")).to_have_value("Gemeente Voorbeeldstad")
    advisor.get_by_label("Partner region").fill("Suzhou")
    advisor.get_by_label("City", exact=True).check()
    advisor.get_by_label("Kind of partnership").select_option(label="Sister city / partner city")
    advisor.get_by_label("Cooperation themes (optional)").fill("Waterbeheer, erfgoed, onderwijs")
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Partnership created.")
    expect(advisor.get_by_role("heading", name=PARTNERSHIP, level=1)).to_be_visible()
    expect(advisor.get_by_role("region", name="Risk and advice")).to_contain_text("Risk level: Not yet assessed")

    advisor.get_by_role("link", name="Change risk and advice").click()
    advisor.get_by_label("High", exact=True).check()
    expect(advisor.get_by_label("Engagement advised against")).not_to_be_checked()
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Risk and advice saved.")
    expect(advisor.get_by_role("region", name="Risk and advice")).to_contain_text("Risk level: High")

    advisor.get_by_role("link", name="Add to the research dossier").click()
    advisor.get_by_label("Topic").select_option(label="Human-rights situation in the partner region")
    advisor.get_by_label("Summary").fill("Arbeidsrechtenactivisten in de textielindustrie rond Suzhou melden "
                                         "intimidatie; onafhankelijke vakbonden zijn niet toegestaan.")
    advisor.get_by_label("Sources").fill("China Labour Bulletin, strike map Jiangsu — https://clb.org.hk — "
                                         f"{(date.today() - timedelta(days=30)).isoformat()}")
    advisor.get_by_label("Date", exact=True).fill(date.today().isoformat())
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Dossier entry added.")
    expect(advisor.get_by_role("region", name="Research dossier")).to_contain_text("China Labour Bulletin")

    advisor.get_by_role("link", name="Choose focal themes").click()
    advisor.get_by_label(f"{FREE_SPEECH} (Alive among own residents)").check()
    advisor.get_by_label(f"{LABOUR} (Strong in the partner region)").check()
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Focal themes saved.")
    themes = advisor.get_by_role("region", name="Focal themes", exact=True)
    expect(themes).to_contain_text(FREE_SPEECH)
    expect(themes).to_contain_text(LABOUR)

    advisor.get_by_role("link", name="Add an objective").click()
    advisor.get_by_label("Objective", exact=True).fill("Vrijheid van meningsuiting agenderen bij elk officieel bezoek")
    advisor.get_by_label("Focal theme (optional)").select_option(label=FREE_SPEECH)
    advisor.get_by_label("Benchmark (optional)").fill("Elk verslag noemt de reactie van de partner")
    advisor.get_by_label("Target date").fill((LAST_DAY + timedelta(days=180)).isoformat())
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Objective added.")
    expect(advisor.get_by_role("table", name="Objectives")).to_contain_text("Vrijheid van meningsuiting agenderen")

    # 2. The protocol officer creates the mission from the dashboard, with its delegation and programme.
    sign_in(protocol, demo_password, PROTOCOL, authenticator_code)
    protocol.get_by_role("link", name=f"New mission for {PARTNERSHIP}", exact=True).click()
    expect(protocol.get_by_role("heading", name="New mission", level=1)).to_be_visible()
    expect(protocol.get_by_label("Partnership").locator("option:checked")).to_have_text(PARTNERSHIP)
    protocol.get_by_label("Inbound (partner delegation visits us)").check()
    protocol.get_by_label("Title", exact=True).fill(MISSION)
    protocol.get_by_label("Purpose (optional)").fill("Ontvangst van het stadsbestuur van Suzhou rond waterbeheer, "
                                                     "met vrijheid van meningsuiting als vast onderwerp.")
    protocol.get_by_label("First day").fill(FIRST_DAY.isoformat())
    protocol.get_by_label("Last day").fill(LAST_DAY.isoformat())
    protocol.get_by_role("button", name="Save", exact=True).click()
    expect_flash(protocol, "Mission created.")
    expect(protocol.get_by_role("heading", name=MISSION, level=1)).to_be_visible()
    facts = protocol.locator("dl.vp-facts")
    expect(facts).to_contain_text("Inbound")
    expect(facts).to_contain_text(AMS)
    expect(facts).to_contain_text("Draft")
    mission_url = protocol.url

    add_member(protocol, "Wethouder Economie", "Gemeente Voorbeeldstad", "Our own people",
               account=f"{DELEGATE[1]} ({DELEGATE[0]})")
    add_member(protocol, "Vicedirecteur Buitenlandse Zaken", "Stadsbestuur Suzhou", "The visiting delegation",
               name=GUEST)
    ours = protocol.get_by_role("table", name="Our own people in the delegation")
    expect(ours.get_by_role("row")).to_have_count(2)  # header + 1
    visitors = protocol.get_by_role("table", name="Members of the visiting delegation")
    expect(visitors.get_by_role("row")).to_have_count(2)
    expect(visitors).to_contain_text(GUEST)

    open_mission_tab(protocol, "Programme")
    for item in PROGRAMME:
        add_item(protocol, replace(item, participants=()))
    # The resident is proposed from the meeting itself, by alias only, and takes part in it at once.
    residents = protocol.locator("li.vp-item").filter(has=protocol.get_by_role("heading", name=RESIDENTS.title))
    residents.get_by_role("link", name=re.compile(r"^Propose a participant")).click()
    expect(protocol.get_by_label("Takes part in").locator("option:checked")).to_contain_text(RESIDENTS.title)
    protocol.get_by_label("Alias (code name) (optional)").fill(ALIAS)
    protocol.get_by_label("Organisation (optional)").fill("Oeigoerse gemeenschap Voorbeeldstad")
    protocol.get_by_label("Kind").select_option(label="Resident or diaspora member")
    expect(protocol.get_by_label("At risk")).to_be_checked()
    protocol.get_by_role("button", name="Propose").click()
    expect_flash(protocol, f"Participant proposed as {ALIAS}.")
    expect(protocol.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    # The office's own view, chosen explicitly: every item whole, the resident by alias only.
    protocol.get_by_label("Show the programme as seen by").select_option("internal")
    protocol.get_by_role("button", name="Show", exact=True).click()
    for item in PROGRAMME:
        expect(protocol.get_by_role("heading", name=item.title, level=3)).to_be_visible()
    residents = protocol.locator("li.vp-item").filter(has=protocol.get_by_role("heading", name=RESIDENTS.title))
    expect(residents).to_contain_text(ALIAS)

    # What is left is the advisor's: the checklist says so, and offers the protocol officer no link to a closed door.
    open_mission_tab(protocol, "Checklist and sign-off")
    expect_checks(protocol, {CHECKS[2]: "Not applicable", CONSENT: "Fail", SAFETY: "Fail", FOUR_EYES: "Fail"})
    for title in (CONSENT, SAFETY):
        expect(check_row(protocol, title)).to_contain_text(ALIAS)
        expect(check_row(protocol, title)).to_contain_text("Who can fix this: Human-rights advisor")
    expect(check_row(protocol, CONSENT)).to_contain_text(f"{ALIAS} has not agreed to take part")
    expect(check_row(protocol, SAFETY)).to_contain_text("no safety assessment")
    protocol.get_by_label("Note (optional)").fill("Briefing op het stadhuis, twee weken voor het bezoek.")
    protocol.get_by_role("button", name="Confirm", exact=True).click()
    expect_flash(protocol, "Checklist item confirmed.")

    # 3. The advisor completes the participant, from the checklist's "Fix this" links.
    advisor.goto(mission_url)
    open_mission_tab(advisor, "Checklist and sign-off")
    expect_checks(advisor, {CHECKS[2]: "Not applicable", CONSENT: "Fail", SAFETY: "Fail", FOUR_EYES: "Fail"})
    advisor.get_by_role("link", name=f"Fix this: {CONSENT}", exact=True).click()
    expect(advisor.get_by_role("heading", name="Record consent", level=1)).to_be_visible()
    for scope in ("Take part", "Be named in internal documents", "Be named in the delegation's programme"):
        advisor.get_by_label(scope, exact=True).check()
    expect(advisor.get_by_label("Be named to the partner authorities")).not_to_be_checked()
    advisor.get_by_label("In person", exact=True).check()
    advisor.get_by_label("Version of the information given").fill("Informatieblad v3")
    advisor.get_by_label("Reconfirm by").fill((LAST_DAY + timedelta(days=30)).isoformat())
    advisor.get_by_role("button", name="Record consent").click()
    expect_flash(advisor, "Consent recorded.")

    # The consent leads to the participant's page, which says the real name is still to be recorded.
    expect(advisor.get_by_role("heading", name=ALIAS, level=1)).to_be_visible()
    expect(advisor.get_by_text("Proposed by alias")).to_be_visible()
    advisor.get_by_role("link", name="Record the real name").click()
    expect(advisor.get_by_role("heading", name="Edit participant", level=1)).to_be_visible()
    advisor.get_by_label("Real name").fill(REAL_NAME)
    advisor.get_by_label("Where they live (optional)").fill("Oosterwijk, Voorbeeldstad")
    advisor.get_by_label("How to reach them (optional)").fill("Signal, via de voorzitter van de gemeenschap")
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect_flash(advisor, "Participant saved.")
    expect(advisor.get_by_role("heading", name=REAL_NAME, level=1)).to_be_visible()
    expect(advisor.get_by_text("Proposed by alias")).to_have_count(0)

    advisor.goto(mission_url)
    open_mission_tab(advisor, "Checklist and sign-off")
    expect_checks(advisor, {CHECKS[2]: "Not applicable", SAFETY: "Fail", FOUR_EYES: "Fail"})
    advisor.get_by_role("link", name=f"Fix this: {SAFETY}", exact=True).click()
    expect(advisor.get_by_role("heading", name="Safety assessment", level=1)).to_be_visible()
    expect(advisor.get_by_text(f"“{RESIDENTS.title}”")).to_be_visible()
    advisor.get_by_label("High", exact=True).check()
    advisor.get_by_label("Threats (optional)").fill("Familie in Xinjiang kan onder druk worden gezet.")
    advisor.get_by_label("The person was consulted on the meeting and its visibility").check()
    advisor.get_by_label("Family at risk in China").check()
    advisor.get_by_label("Venue (optional)").fill("Besloten zaal, door de gemeenschap gekozen")
    advisor.get_by_label("Mitigations (optional)").fill("Geen foto's; geen namen in uitnodigingen of agenda's.")
    advisor.get_by_label("Proceed with mitigations", exact=True).check()
    advisor.get_by_label("Valid until").fill((LAST_DAY + timedelta(days=30)).isoformat())
    advisor.get_by_role("button", name="Record assessment").click()
    expect_flash(advisor, "Safety assessment recorded.")

    # 4. Nothing fails but the sign-off itself: the protocol officer submits, the advisor and the approver sign off.
    protocol.reload()
    expect_checks(protocol, {CHECKS[2]: "Not applicable", FOUR_EYES: "Fail"})
    expect(check_row(protocol, FOUR_EYES)).to_contain_text("awaiting sign-off by: Human-rights advisor, Approver")
    expect(protocol.get_by_text(f"Confirmed by {PROTOCOL[1]}")).to_be_visible()
    protocol.get_by_role("button", name="Submit for sign-off").click()
    expect_flash(protocol, "The mission is ready for sign-off.")
    expect(protocol.get_by_text("Status: Ready for sign-off")).to_be_visible()
    expect(protocol.get_by_role("button", name=re.compile(r"^Sign off"))).to_have_count(0)

    sign_off_from_dashboard(advisor, "Human-rights advisor")
    expect_flash(advisor, "Signed off as Human-rights advisor. The mission waits for the other sign-off.")
    expect(advisor.get_by_text("Comment:")).to_have_count(0)
    expect(check_row(advisor, FOUR_EYES)).to_contain_text("awaiting sign-off by: Approver")

    sign_in(approver, demo_password, APPROVER, authenticator_code)
    sign_off_from_dashboard(approver, "Approver", "Akkoord; de bewonersavond blijft besloten.")
    expect_flash(approver, "Signed off as Approver. The mission is now final: the visit can go ahead as signed off.")
    expect(approver.get_by_text("Comment: Akkoord; de bewonersavond blijft besloten.")).to_be_visible()
    expect(approver.get_by_text("Status: Finalised")).to_be_visible()
    expect_checks(approver, {CHECKS[2]: "Not applicable"})
    expect(check_row(approver, FOUR_EYES)).to_contain_text(
        f"Signed off by {ADVISOR[1]} (Human-rights advisor), {APPROVER[1]} (Approver).")
    go_home(approver)  # (another test's mission may still wait for them: this one does not)
    expect(approver.get_by_role("region", name="Waiting for your sign-off").get_by_role("link", name=MISSION))\
        .to_have_count(0)
    row = approver.get_by_role("table", name="All missions, by first day").get_by_role("row").filter(
        has=approver.get_by_role("link", name=MISSION, exact=True))
    expect(row.get_by_role("cell").last).to_have_text("Finalised")

    # 5. The delegation member subscribes to the programme; her calendar gets what she may see, and no real name.
    sign_in(delegate, demo_password, DELEGATE, authenticator_code)
    delegate.get_by_role("table", name="Missions you take part in").get_by_role("link", name=MISSION).click()
    expect(delegate.get_by_role("heading", name=MISSION, level=1)).to_be_visible()
    expect(delegate.locator("dl.vp-facts")).to_contain_text("Finalised")
    open_mission_tab(delegate, "Programme")
    expect(delegate.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    for item in SEEN_BY_DELEGATION:
        expect(delegate.get_by_role("heading", name=item.title, level=3)).to_be_visible()
    # The office's internal meeting: its time only, as a private appointment.
    expect(delegate.get_by_role("heading", name="Private appointment", level=3)).to_have_count(1)
    expect(delegate.get_by_text(INTERNAL.title)).to_have_count(0)
    residents = delegate.locator("li.vp-item").filter(has=delegate.get_by_role("heading", name=RESIDENTS.title))
    expect(residents).to_contain_text(ALIAS)
    expect(delegate.get_by_text(REAL_NAME)).to_have_count(0)

    delegate.get_by_role("button", name="Create a calendar feed of this programme as seen by: Delegation").click()
    expect(delegate.get_by_role("heading", name="Your calendar feed", level=1)).to_be_visible()
    webcal = delegate.get_by_role("link", name="Subscribe in your calendar app (webcal)").get_attribute("href")
    assert webcal.startswith("webcal://"), webcal
    address = "http://" + webcal.removeprefix("webcal://")
    expect(delegate.get_by_label("Or copy this address into your calendar")).to_have_value(address)

    body = fetch_feed(address)
    unfolded = re.sub(r"\r\n[ \t]", "", body.decode("utf-8"))
    assert REAL_NAME not in unfolded, "a civil-society participant's real name went into a calendar feed"
    assert INTERNAL.title not in unfolded, "an internal item's title went into the delegation's feed"
    events = {event.decoded("DTSTART"): event for event in Calendar.from_ical(body).walk("VEVENT")}
    assert len(events) == len(PROGRAMME), sorted(str(event["SUMMARY"]) for event in events.values())
    for item in SEEN_BY_DELEGATION:
        event = events[local_start(item)]
        assert str(event["SUMMARY"]) == item.title
        assert str(event["LOCATION"]) == item.location
    private = events[local_start(INTERNAL)]
    assert str(private["CLASS"]) == "CONFIDENTIAL"
    assert "LOCATION" not in private
    assert ALIAS in str(events[local_start(RESIDENTS)]["DESCRIPTION"])
