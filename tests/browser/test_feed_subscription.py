"""A delegation member subscribes to her missions from a phone-sized screen (issue 13, part 5): the address as the
server is reached (plain HTTP here, as `make run` serves), once, in one read-only field that selects whole, with how
to copy it on a phone and on a computer, and a QR code of the webcal address for the phone's camera; the address
opens a calendar."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from visitplanner.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_a_delegate_subscribes_and_copies_the_address_or_scans_it(new_context, live_server, results_dir):
    context = new_context(viewport={"width": 390, "height": 844})
    page: Page = context.new_page()
    page.goto("/login")
    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_label("E-mail address").fill("delegate@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto("/calendar/feeds")
    # She has no audience to choose: her feed shows what her delegation sees.
    expect(page.get_by_text("All missions you take part in, as the delegation sees them.")).to_be_visible()
    page.get_by_role("button", name="Create feed").first.click()
    expect(page.get_by_role("heading", name="Your calendar feed", level=1)).to_be_visible()

    address = page.get_by_label("Or copy this address into your calendar").input_value()
    assert address.startswith(f"{live_server}/feeds/"), address
    expect(page.locator("a[href^='webcal://']")).to_have_attribute(
        "href", "webcal://" + address.removeprefix("http://"))

    # The address once, in one read-only field, with how to select it on a phone and on a computer (no script).
    field = page.get_by_label("Or copy this address into your calendar")
    expect(field).to_have_attribute("readonly", "")
    expect(page.locator("#feed-url-hint")).to_contain_text("On a phone:")
    expect(page.locator("#feed-url-hint")).to_contain_text("On a computer:")
    assert page.inner_text("main").count(address.split("/feeds/")[1]) == 0, "not as text beside the field"
    assert page.locator(f"input[value='{address}']").count() == 1, "the address is shown once"
    field.click()
    page.keyboard.press("Control+A")
    assert page.evaluate("e => [e.selectionStart, e.selectionEnd]", field.element_handle()) == [0, len(address)], \
        "select all in the field selects the whole address"

    qr = page.locator("svg.vp-qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150, "large enough to scan"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling at 390 px"
    page.screenshot(path=str(results_dir / "feed-created-390.png"), full_page=True)

    answer = page.request.get(address)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in answer.body()
