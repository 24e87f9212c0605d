"""Issue 23, part 10, in a real browser without JavaScript: the follow-up table of the demo's past visit has one Save,
and marks the action past its due date "Overdue" in words.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.signing_in import PROTOCOL, sign_in

pytestmark = pytest.mark.browser

REPORT = "Schriftelijk verslag met onze vragen over academische vrijheid sturen"  # due in October: overdue
THANKS = "Bedankbrief aan de delegatie"  # done
FEEDBACK = "Terugkoppeling aan de Oeigoerse inwoners over wat is besproken"  # due at the end of January


def row(page: Page, what: str) -> Locator:
    table = page.get_by_role("table", name="Follow-up actions, by due date")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=what))


def save_statuses(page: Page, chosen: dict[str, str]) -> None:
    for what, status in chosen.items():
        row(page, what).get_by_role("combobox").select_option(label=status)
    page.get_by_role("button", name="Save statuses").click()


def test_the_follow_up_table_has_one_save_and_marks_what_is_overdue(new_context, demo_password):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, demo_password, PROTOCOL)

    # From the dashboard's overdue line to the table.
    page.get_by_role("link", name=REPORT).click()
    expect(page.get_by_role("heading", name="After the visit", level=1)).to_be_visible()
    expect(row(page, REPORT)).to_contain_text("Overdue")
    for what in (THANKS, FEEDBACK):
        expect(row(page, what)).not_to_contain_text("Overdue")
    expect(page.get_by_role("button", name="Save statuses")).to_have_count(1)
    expect(page.get_by_role("table", name="Follow-up actions, by due date").get_by_role("button")).to_have_count(0)
    # Each status field is named after its row.
    expect(page.get_by_role("combobox", name=f"Status {REPORT}")).to_have_value("open")

    # Two rows changed, one Save.
    save_statuses(page, {REPORT: "Done", FEEDBACK: "In progress"})
    expect(page.get_by_role("status").filter(has_text="Statuses saved: 2 follow-up actions changed.")).to_be_visible()
    expect(row(page, REPORT).get_by_role("combobox")).to_have_value("done")
    expect(row(page, FEEDBACK).get_by_role("combobox")).to_have_value("in_progress")
    expect(row(page, THANKS).get_by_role("combobox")).to_have_value("done")
    expect(row(page, REPORT)).not_to_contain_text("Overdue")  # done: no longer overdue

    # The history has one entry per changed row.
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="History").click()
    changes = page.get_by_role("table", name="Who changed what in this mission, newest first").locator("tbody") \
        .get_by_role("row").filter(has_text="Follow-up action changed")
    expect(changes).to_have_count(2)

    # Back as the demo has them, for the other tests of this session.
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="After the visit").click()
    save_statuses(page, {REPORT: "Open", FEEDBACK: "Open"})
    expect(page.get_by_role("status").filter(has_text="Statuses saved: 2 follow-up actions changed.")).to_be_visible()
    expect(row(page, REPORT)).to_contain_text("Overdue")
