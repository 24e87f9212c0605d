"""Issue 24, part 3, in a real browser without JavaScript: an office user adds a company of the region to the
register, records its human-rights briefing, and finds it in the list. ``add_company_with_briefing`` is the step a
walk through the whole application can take."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from browser.signing_in import PROTOCOL, sign_in

pytestmark = pytest.mark.browser


def add_company_with_briefing(page: Page, name: str, *, sector: str = "", ties: str = "",
                              briefed_on: date | None = None, held: bool = True,
                              topics: tuple[str, ...] = ("Human-rights situation in the partner region",),
                              note: str = "") -> str:
    """As a signed-in protocol officer or advisor (English pages): from the main menu to the company register, add
    ``name`` with a human-rights briefing on ``briefed_on`` (a week ago unless given; held, or only planned), covering
    ``topics`` of the research dossier. Returns the address of the company's page, where it ends."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Company register").first.click()
    expect(page.get_by_role("heading", name="Company register", level=1)).to_be_visible()
    page.get_by_role("link", name="Add a company to the register").click()
    page.get_by_label("Company name").fill(name)
    if sector:
        page.get_by_label("Sector").fill(sector)
    if ties:
        page.get_by_label("Ties to China and the partner region").fill(ties)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=f"{name} is in the company register.")).to_be_visible()

    page.get_by_role("link", name="Record a briefing").click()
    page.get_by_label("Day of the briefing").fill((briefed_on or date.today() - timedelta(days=7)).isoformat())
    if held:
        page.get_by_label("The briefing was held").check()
    for topic in topics:
        page.get_by_role("group", name="Topics of the research dossier covered").get_by_label(topic).check()
    if note:
        page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Record briefing").click()
    expect(page.get_by_role("status").filter(has_text=f"Briefing of {name} recorded.")).to_be_visible()
    return page.url.split("#")[0]


def test_an_office_user_adds_a_company_with_a_briefing_and_sees_it_in_the_register(new_context, demo_password):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, demo_password, PROTOCOL)
    name = f"Van Dam Logistiek {uuid4().hex[:6]} B.V."

    address = add_company_with_briefing(page, name, sector="Logistiek", ties="Vervoert onderdelen uit Wuxi",
                                        briefed_on=date.today() - timedelta(days=3),
                                        note="OESO-richtlijnen en de kwesties uit ons onderzoek")

    briefings = page.get_by_role("table", name="Briefings, newest first")
    expect(briefings.get_by_role("row")).to_have_count(2)  # the header and the briefing
    expect(briefings).to_contain_text("held")
    expect(briefings).to_contain_text("Sanne de Vries")
    expect(briefings).to_contain_text("Human-rights situation in the partner region")

    page.get_by_role("link", name="Company register").first.click()
    listed = page.get_by_role("table", name="Companies in the register").get_by_role("row").filter(has_text=name)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Logistiek")
    expect(listed).not_to_contain_text("no briefing held")
    listed.get_by_role("link", name=name).click()
    assert page.url.split("#")[0] == address
    # The demo's register is there too: the company without a mission, and the outbound visit's company.
    page.get_by_role("link", name="Company register").first.click()
    expect(page.get_by_role("link", name="Van Dam Logistiek B.V.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mulder Waterbouw B.V.", exact=True)).to_be_visible()
