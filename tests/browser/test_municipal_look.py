"""A credible municipal look, in Chromium (issue 23, part 9): the organisation in the header on its own colours (NL
Design System tokens, no inline style), selects with their arrow, radio groups as fieldsets with bold legends that
turn red only after a submit, a danger style for destructive buttons apart from the "Cancel" link beside them, and
after a failed submit the focus on the error summary and "Error:" first in the title, without any script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from visitplanner.demo import DEMO_PASSWORD
from visitplanner.extensions import db
from visitplanner.missions.models import Mission
from visitplanner.theme import contrast

pytestmark = pytest.mark.browser

DARK_BLUE = "rgb(21, 66, 115)"  # #154273, the default primary colour
WHITE = "rgb(255, 255, 255)"


def _hex(rgb: str) -> str:
    parts = rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(float(p)):02x}" for p in parts)


def _style(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, "(e, p) => getComputedStyle(e).getPropertyValue(p)", prop)


def _no_moderate_violation(page: Page) -> None:
    """axe's default rules, none left out: nothing critical, serious or moderate (as test_accessibility.py asks of
    every page a link reaches; these are pages only a submit reaches)."""
    page.wait_for_load_state("load")
    results = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations"]})
    found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results["violations"]
             if v["impact"] in ("critical", "serious", "moderate")]
    assert not found, found


@pytest.fixture(scope="module")
def axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


@pytest.fixture
def office(new_context):
    """The protocol officer, in English, in a browser that runs no script (as the pages' policy wants)."""
    def open_(lang: str = "en") -> Page:
        page = new_context(java_script_enabled=False).new_page()
        page.goto("/login")
        if lang == "en":
            page.get_by_role("button", name="English", exact=True).click()
        page.locator("#email").fill("protocol@example.org")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("form.vp-form button[type=submit]").click()
        expect(page.locator(".vp-user")).to_be_visible()
        return page
    return open_


def test_the_header_names_the_organisation_on_its_colours(office, results_dir):
    page = office()
    page.goto("/")
    brand = page.locator(".vp-brand")
    expect(brand.locator(".vp-brand__organisation")).to_have_text("Gemeente Voorbeeldstad")
    expect(brand.locator(".vp-brand__app")).to_have_text("Visit planner")
    assert _style(page, ".vp-band", "background-color") == DARK_BLUE, "a sober dark blue, not the example's purple"
    assert _style(page, ".vp-band .utrecht-link", "color") == WHITE
    expect(page.locator(".vp-band a[aria-current=page]")).to_have_count(2)  # the wide menu and the folded one
    heading = _style(page, "h1", "color")
    assert contrast(_hex(heading), "#ffffff") >= 4.5
    assert page.locator("[style]").count() == 0, "no inline style (the policy forbids it)"
    page.screenshot(path=str(results_dir / "look-dashboard-1280.png"))


def test_a_select_shows_its_arrow(office):
    page = office()
    page.goto("/partnerships/new")
    image = _style(page, "select#kind", "background-image")
    assert "icons/select-arrow.svg" in image, image
    arrow = page.request.get(image[image.index('"') + 1:image.rindex('"')])
    assert arrow.status == 200 and arrow.headers["content-type"].startswith("image/svg+xml")


def test_a_required_radio_group_is_a_fieldset_red_only_after_a_submit(office, results_dir):
    page = office()
    page.goto("/partnerships/new")
    group = page.locator("fieldset#region_type")
    expect(group.locator("legend")).to_have_text("The partner region is a")
    assert int(_style(page, "fieldset#region_type > legend", "font-weight")) >= 700, "a bold legend"
    first = "#region_type-0"
    expect(page.locator(first)).not_to_have_attribute("aria-invalid", "true")
    untouched = _style(page, first, "border-color")

    page.get_by_role("button", name="Save").click()
    expect(page.locator(first)).to_have_attribute("aria-invalid", "true")
    expect(group).to_have_class(re.compile(r"\butrecht-form-fieldset--invalid\b"))
    after = _style(page, first, "border-color")
    assert after != untouched, "red after the submit"
    assert after == _style(page, "#partner_region", "border-color"), "as red as an invalid text box"
    page.screenshot(path=str(results_dir / "look-radio-after-submit.png"), full_page=True)


@pytest.mark.parametrize(("lang", "save", "error"), [("en", "Save", "Error: "), ("nl", "Opslaan", "Fout: ")])
def test_a_failed_submit_moves_the_focus_to_the_error_summary_without_script(office, lang, save, error):
    page = office(lang)
    page.goto("/partnerships/new")
    expect(page).not_to_have_title(re.compile("^" + error))
    page.get_by_role("button", name=save, exact=True).click()
    # Waits for the answer to the submit: never the title of the page being left, nor of none in between.
    expect(page).to_have_title(re.compile("^" + error))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.locator("a").first).to_be_focused()
    link = summary.locator("a[href='#partner_region']")
    link.click()
    expect(page.locator("#partner_region")).to_be_focused()


def test_pages_only_a_submit_reaches_have_no_moderate_violation(new_context, axe_script, authenticator_code):
    context = new_context()
    context.add_init_script(script=axe_script)
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("button", name="Sign in").click()  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    _no_moderate_violation(page)
    page.locator("#email").fill("advisor@example.org")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#code")).to_have_attribute("inputmode", "numeric")
    _no_moderate_violation(page)
    page.get_by_role("link", name="Use a recovery code instead").click()
    # The recovery page is there (its way back is on it) before axe reads it: never the page being left.
    expect(page.get_by_role("link", name="Use the code from your authenticator app instead")).to_be_visible()
    _no_moderate_violation(page)
    page.get_by_role("link", name="Use the code from your authenticator app instead").click()
    page.locator("#code").fill(authenticator_code("advisor@example.org"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".vp-user")).to_be_visible()
    page.goto("/partnerships/new")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    _no_moderate_violation(page)
    page.goto("/calendar/feeds")
    page.get_by_role("button", name="Create feed").first.click()
    expect(page.get_by_role("heading", name="Your calendar feed")).to_be_visible()
    _no_moderate_violation(page)


def test_a_destructive_button_stands_apart_from_the_cancel_link_beside_it(office, live_app, results_dir):
    with live_app.app_context():
        draft = db.session.scalar(select(Mission.id).where(Mission.status == "draft"))
    page = office()
    page.goto(f"/missions/{draft}/cancel")
    button = page.get_by_role("button", name="Cancel mission")
    background, text = button.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert background == "rgb(164, 0, 14)", "red: it cannot be undone"
    assert contrast(_hex(text), _hex(background)) >= 4.5
    cancel = page.get_by_role("link", name="Cancel", exact=True)
    assert cancel.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)", "a plain link"
    page.screenshot(path=str(results_dir / "look-cancel-mission.png"))
