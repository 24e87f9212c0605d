"""Issue 24, part 5, in a real browser: someone of the office logs a call with the partner region that raised a focal
theme, and the partnership's record of themes raised lists it with the partner's response.

``log_call`` is the step itself, for a walk through the whole issue to call with its own partnership and theme.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.signing_in import PROTOCOL, sign_in

pytestmark = pytest.mark.browser

WUXI = "Gemeente Voorbeeldstad – Wuxi"
#: Raised by the demo's video call too: logging another call on it leaves the demo's marks as they were.
DEFENDER = "A detained human-rights defender from the region"


def theme_row(page: Page, theme: str) -> Locator:
    table = page.get_by_role("table", name="Focal themes in official meetings and contacts")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=theme))


def log_call(page: Page, partnership_label: str, subject: str, theme: str, *,
             response: str = "The partner will look into it.", day: date | None = None) -> None:
    """Log a call with the partner region of ``partnership_label`` that raised ``theme`` (one of its focal themes),
    signed in as a protocol officer or advisor; ends on the contact's page."""
    page.goto("/partnerships/")
    page.get_by_role("link", name=partnership_label, exact=True).first.click()
    expect(page.get_by_role("heading", name=partnership_label, level=1)).to_be_visible()
    page.get_by_role("link", name="Log a contact with the partner region").click()
    expect(page.get_by_role("heading", name="Log a contact with the partner region", level=1)).to_be_visible()
    page.get_by_role("group", name="Kind of contact").get_by_label("Call", exact=True).check()
    page.get_by_label("Date", exact=True).fill((day or date.today()).isoformat())
    page.get_by_label("Subject").fill(subject)
    page.get_by_role("group", name="Focal themes raised").get_by_label(theme, exact=True).check()
    page.get_by_label("The partner's response").fill(response)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Contact logged.")).to_be_visible()
    expect(page.get_by_role("heading", name=subject, level=1)).to_be_visible()


def test_a_call_raising_a_theme_shows_in_the_partnerships_record_of_themes(new_context, demo_password):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, demo_password, PROTOCOL)

    log_call(page, WUXI, "Call with the foreign affairs office about the detained lawyer", DEFENDER,
             response="They promised an answer through the embassy.")

    expect(page.get_by_text("The partner's response")).to_be_visible()
    page.get_by_role("link", name=WUXI).click()
    row = theme_row(page, DEFENDER)
    expect(row).to_contain_text("Call with the foreign affairs office about the detained lawyer")
    expect(row).to_contain_text("They promised an answer through the embassy.")
    # Whether the theme is marked as not raised of late depends on the missions other tests of this session added
    # after today: tests/contacts/test_contacts.py holds the window of the last three.
    contacts = page.get_by_role("table", name="Contacts with the partner region, latest first")
    expect(contacts.get_by_role("row").filter(
        has_text="Call with the foreign affairs office about the detained lawyer")).to_contain_text("Call")
