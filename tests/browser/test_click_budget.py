"""The protocol officer's day, counted (issue 23, "Done when"): from signing in to "ready for sign-off" for a five-day
inbound mission with eight items and one civil-society participant takes at most 45 clicks and form submissions.

Every click, tick, choice from a list and submission of the protocol officer counts; typing into a field does not.
The test goes to an address by itself only for the first page: everything after is reached by what the pages offer.
The human-rights advisor's part (consent, the real name, the safety assessment) is hers, in a browser of her own,
and is not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.signing_in import ADVISOR, sign_in

pytestmark = pytest.mark.browser

BUDGET = 45
PARTNERSHIP = "Gemeente Voorbeeldstad – Wuxi"  # the demo's, with its groundwork laid
MISSION = "Tegenbezoek stadsbestuur Wuxi, vijf dagen"
ALIAS = "Ooievaar-5120"
THEME = "Labour rights"
FIRST_DAY = date.today() + timedelta(weeks=11)
LAST_DAY = FIRST_DAY + timedelta(days=4)
SAFETY = "Safety of civil-society participants"
CONSENT = "Consent of civil-society participants"


class Counted:
    """The protocol officer's hands: each click, tick, choice and submission is one; typing is free."""

    def __init__(self, page: Page):
        self.page = page
        self.count = 0

    def click(self, locator: Locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Locator) -> None:
        self.count += 1
        locator.check()

    def choose(self, locator: Locator, label: str) -> None:
        self.count += 1
        locator.select_option(label=label)


@dataclass(frozen=True)
class Item:
    kind: str  # as the form lists it
    title: str
    day: int
    starts: str
    ends: str
    ticks: tuple[str, ...] = ()
    talking_points: str = ""


PROGRAMME = (
    Item("Transport", "Aankomst van de delegatie op Schiphol", 0, "09:00", "10:30"),
    Item("Official meeting with partner authorities", "Ontvangst op het stadhuis", 0, "14:00", "15:30", (THEME,),
         "Arbeidsrechten in de keten; ruimte voor onafhankelijke vakbonden."),
    Item("Visit to an NGO or human-rights organisation", "Bezoek aan FNV Internationaal", 1, "10:00", "11:30"),
    Item("Business session on OECD Guidelines and UNGPs", "Bedrijvensessie gepaste zorgvuldigheid", 1, "14:00",
         "15:30"),
    Item("Meeting with residents", "Gesprek met Oeigoerse inwoners", 2, "19:30", "21:00", (ALIAS,)),
    Item("Other", "Werkbezoek waterzuivering", 3, "10:00", "12:00"),
    Item("Other", "Afscheidsdiner", 3, "19:00", "21:00"),
    Item("Transport", "Vertrek van de delegatie naar Schiphol", 4, "10:00", "11:00"),
)


def moment(day: int, clock: str) -> str:
    return f"{(FIRST_DAY + timedelta(days=day)).isoformat()}T{clock}"


def advisor_completes_the_participant(page: Page, mission_url: str) -> None:
    """The advisor's part, not counted: consent, the real name and the safety assessment, from "Fix this"."""
    page.goto(mission_url.removesuffix("/programme") + "/checklist")
    page.get_by_role("link", name=f"Fix this: {CONSENT}", exact=True).click()
    for scope in ("Take part", "Be named in internal documents"):
        page.get_by_label(scope, exact=True).check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Version of the information given").fill("Informatieblad v3")
    page.get_by_label("Reconfirm by").fill((LAST_DAY + timedelta(days=30)).isoformat())
    page.get_by_role("button", name=re.compile(r"^Record consent")).click()
    expect(page.get_by_role("status")).to_contain_text("Consent recorded")
    page.goto(mission_url.removesuffix("/programme") + "/checklist")
    page.get_by_role("link", name=f"Fix this: {SAFETY}", exact=True).click()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("The person was consulted on the meeting and its visibility").check()
    page.get_by_label("Proceed with mitigations", exact=True).check()
    page.get_by_label("Valid until").fill((LAST_DAY + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_role("status")).to_contain_text("Safety assessment recorded.")


def test_the_protocol_officer_gets_a_five_day_inbound_mission_ready_for_sign_off_in_45_clicks(
        new_context, demo_password, authenticator_code):
    page = new_context().new_page()
    me = Counted(page)

    # Signing in (the one address typed).
    page.goto("/login")
    me.click(page.get_by_role("button", name="English", exact=True))
    page.get_by_label("E-mail address").fill("protocol@example.org")
    page.get_by_label("Password").fill(demo_password)
    me.click(page.get_by_role("button", name="Sign in", exact=True))
    expect(page.get_by_role("heading", name="Welcome, Sanne de Vries", level=1)).to_be_visible()

    # The resident is proposed by alias first, so that the item form can list them.
    me.click(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Civil-society participants"))
    me.click(page.get_by_role("link", name="Propose a participant"))
    page.get_by_label("Alias (code name) (optional)").fill(ALIAS)
    me.choose(page.get_by_label("Kind"), "Resident or diaspora member")
    me.click(page.get_by_role("button", name="Propose"))
    expect(page.get_by_role("status")).to_contain_text(f"Participant proposed as {ALIAS}.")

    # The mission, from the dashboard.
    me.click(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home"))
    me.click(page.get_by_role("link", name=f"New mission for {PARTNERSHIP}", exact=True))
    me.check(page.get_by_label("Inbound (partner delegation visits us)"))
    page.get_by_label("Title", exact=True).fill(MISSION)
    page.get_by_label("First day").fill(FIRST_DAY.isoformat())
    page.get_by_label("Last day").fill(LAST_DAY.isoformat())
    me.click(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("status")).to_contain_text("Mission created.")

    # Our alderman in the delegation.
    me.click(page.get_by_role("link", name="Add a delegation member"))
    me.choose(page.get_by_label("Person with an account"), "Marieke Jansen (delegate@example.org)")
    me.click(page.get_by_role("button", name="Add to delegation"))
    expect(page.get_by_role("status")).to_contain_text("added to the delegation.")

    # Eight items over five days.
    me.click(page.get_by_role("navigation", name="This mission").get_by_role("link", name="Programme", exact=True))
    mission_url = page.url
    for item in PROGRAMME:
        me.click(page.get_by_role("link", name="Add a programme item").first)
        expect(page.get_by_role("heading", name="New programme item", level=1)).to_be_visible()
        me.choose(page.get_by_label("Kind", exact=True), item.kind)
        page.get_by_label("Title", exact=True).fill(item.title)
        page.get_by_label("Start", exact=True).fill(moment(item.day, item.starts))
        page.get_by_label("End", exact=True).fill(moment(item.day, item.ends))
        if item.talking_points:
            page.get_by_label(re.compile(r"^Human-rights talking points")).fill(item.talking_points)
        for name in item.ticks:
            me.check(page.get_by_label(name, exact=True))
        me.click(page.get_by_role("button", name="Save", exact=True))
        expect(page.get_by_role("status").first).to_contain_text(f"“{item.title}” added to the programme.")

    # The checklist: what is left is the advisor's; the manual item is the office's.
    me.click(page.get_by_role("navigation", name="This mission").get_by_role("link", name="Checklist and sign-off"))
    expect(page.get_by_role("row").filter(has_text=SAFETY)).to_contain_text("Who can fix this: Human-rights advisor")
    me.click(page.get_by_role("button", name="Confirm", exact=True))
    expect(page.get_by_role("status")).to_contain_text("Checklist item confirmed.")

    advisor = new_context().new_page()
    sign_in(advisor, demo_password, ADVISOR, authenticator_code)
    advisor_completes_the_participant(advisor, mission_url)

    # Back to the checklist (as a person does: the tab again), and submit.
    me.click(page.get_by_role("navigation", name="This mission").get_by_role("link", name="Checklist and sign-off"))
    me.click(page.get_by_role("button", name="Submit for sign-off"))
    expect(page.get_by_role("status")).to_contain_text("The mission is ready for sign-off.")
    expect(page.get_by_text("Status: Ready for sign-off")).to_be_visible()

    print(f"protocol officer: {me.count} clicks and submissions from signing in to ready for sign-off")
    assert me.count <= BUDGET, f"{me.count} clicks and submissions, more than {BUDGET}"
