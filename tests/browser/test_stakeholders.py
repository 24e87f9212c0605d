"""Issue 24, parts 1 and 2, in a real browser without script: the advisor adds an NGO to the register and records
that it was consulted on an objective of the action plan; the objective's warning follows what is recorded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.signing_in import ADVISOR, sign_in
from visitplanner.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

NGO = "Stichting Arbeidsrecht Voorbeeldstad"
SMART_CITY = "Geen slimme-stadsamenwerking zonder mensenrechtentoets"


def add_organisation(page: Page, name: str, kind: str) -> str:
    """Add an organisation to the register from the main menu; returns its generated alias."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Stakeholders").first.click()
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_role("button", name="Save").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Organisation added to the register as ")
    return status.inner_text().split(" as ", 1)[1].rstrip(".").strip()


def objective_row(page: Page, objective: str) -> Locator:
    """The row of an objective in the partnership page's action plan."""
    return page.locator("tr[id^=objective-]").filter(has_text=objective)


def record_consulted(page: Page, partnership: str, objective: str, who: str, way: str, said: str) -> None:
    """On the partnership page, record who was consulted on an objective: when (today), how and what they said."""
    page.goto("/partnerships/")
    page.get_by_role("link", name=partnership).first.click()
    objective_row(page, objective).get_by_role("link", name="Record who was consulted").click()
    page.get_by_label("Who").select_option(label=who)
    page.get_by_label("How").select_option(label=way)
    page.get_by_label("What they said or contributed").fill(said)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Involvement recorded.")


def test_the_advisor_records_an_ngo_consulted_on_an_objective(new_context, authenticator_code):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, DEMO_PASSWORD, ADVISOR, authenticator_code)
    dashboard = page.get_by_role("link", name=f"Objective of Wuxi “{SMART_CITY}” rests on no civil-society input")
    expect(dashboard).to_be_visible()

    add_organisation(page, NGO, "Dutch civil society")
    expect(page.get_by_role("heading", name=NGO, level=1)).to_be_visible()  # the advisor sees its name
    expect(page.get_by_text("yes: others see the alias only")).to_be_visible()

    record_consulted(page, "Gemeente Voorbeeldstad – Wuxi", SMART_CITY, f"{NGO} (Dutch civil society)",
                     "A consultation round", "Vraag naar de bewaartermijn van camerabeelden.")
    row = objective_row(page, SMART_CITY)
    expect(row).to_contain_text(f"{NGO} — A consultation round")
    expect(row).to_contain_text("Vraag naar de bewaartermijn van camerabeelden.")
    expect(row).to_contain_text("This objective has no input from civil society in the partner region.")
    expect(row).not_to_contain_text("rests on no civil-society input")
