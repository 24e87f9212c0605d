"""Issue 23, parts 1 and 2, in a real browser: two people editing the same item, and a save that voids sign-offs.

Two people sit at two browsers (two contexts, each with its own session): the protocol officer and the human-rights
advisor, who both plan the programme. They open the same item of the demo's inbound visit (a draft, so that no
sign-off is at stake), and each saves what they changed in the form as they opened it. Then the protocol officer
changes an item of the demo's outbound mission, which is finalised: the page asks before it voids the sign-offs.

The pages only a save reaches (the fields changed twice, side by side; the question before voiding) are never linked,
so the accessibility crawl (test_accessibility.py) cannot find them: axe checks them here, in Dutch and in English,
with the same rules (browser/axe.py).
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from browser.axe import violations, with_axe
from browser.signing_in import ADVISOR, APPROVER, PROTOCOL, sign_in
from visitplanner.auth.models import User
from visitplanner.commit import commit
from visitplanner.companies.models import CompanyBriefing
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Company, Mission
from visitplanner.readiness.models import SignOffRole
from visitplanner.readiness.operations import sign_off, submit_for_signoff
from visitplanner.timeutil import today_utc

pytestmark = pytest.mark.browser

#: The demo's inbound visit (a draft); its month moves with the day of loading.
INBOUND = re.compile(r"^Bezoek delegatie Wuxi aan Voorbeeldstad, [a-z]+ \d{4}$")

BOTH_KEPT = "Someone else changed this item while you were editing: their changes and yours are both kept."
CHANGED_TWICE = "Someone else changed this item while you were editing, in fields you changed too."
ASKED = "Save and void the sign-off?"


# ---- steps a user takes ---------------------------------------------------------------------------------------------


def signed_in(context: BrowserContext, password: str, person: tuple[str, str], authenticator_code) -> Page:
    """A page of this browser, signed in on the English interface (with the authenticator's code where asked)."""
    page = context.new_page()
    sign_in(page, password, person, authenticator_code)
    return page


def open_programme(page: Page, mission: re.Pattern | str) -> None:
    """The mission's programme as the office sees it (every item in full), from the dashboard's link to the mission."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home").click()
    page.get_by_role("main").get_by_role("link", name=mission, exact=isinstance(mission, str)).first.click()
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    page.get_by_label("Show the programme as seen by").select_option("internal")
    page.get_by_role("button", name="Show", exact=True).click()


def open_item(page: Page, mission: re.Pattern | str, title: str) -> None:
    """The edit form of one item, from the programme."""
    open_programme(page, mission)
    page.get_by_role("link", name=f"Edit {title}", exact=True).click()
    expect(page.get_by_role("heading", name="Edit programme item", level=1)).to_be_visible()


def expect_told(page: Page, text: str | re.Pattern) -> None:
    """One of the messages at the top of the page says this."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


def shown_item(page: Page, title: str) -> Locator:
    """An item on the programme page, by its title."""
    return page.locator("li.vp-item").filter(has=page.get_by_role("heading", name=title, exact=True))


def history_of(page: Page, mission: re.Pattern, *titles: str) -> Locator:
    """The rows of the mission's History, newest first, that record a change to the item (under any of its titles)."""
    open_programme(page, mission)
    page.get_by_role("navigation", name="This mission").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
    history = page.get_by_role("table", name="Who changed what in this mission, newest first")
    named = "|".join(re.escape(f"Programme item changed: {title}") for title in titles)
    return history.locator("tbody").get_by_role("row").filter(has_text=re.compile(named))


@pytest.fixture
def two_planners(new_context, demo_password, authenticator_code) -> tuple[Page, Page]:
    """The protocol officer and the advisor, each in a browser of their own."""
    return (signed_in(new_context(), demo_password, PROTOCOL, authenticator_code),
            signed_in(new_context(), demo_password, ADVISOR, authenticator_code))


# ---- two people, one item ---------------------------------------------------------------------------------------------


def test_changes_to_different_fields_are_both_kept(two_planners):
    sanne, yusuf = two_planners
    title, new_title = "Bezoek gemaal De Leeuw", "Bezoek gemaal De Leeuw en het waterschap"
    open_item(sanne, INBOUND, title)
    open_item(yusuf, INBOUND, title)

    sanne.get_by_label("Location (optional)").fill("Gemaal De Leeuw, noordpoort")
    save(sanne)
    expect_told(sanne, f"“{title}” saved.")

    # Yusuf's form still holds the old place; he changes the title only.
    expect(yusuf.get_by_label("Location (optional)")).to_have_value("Gemaal De Leeuw, Voorbeeldstad")
    yusuf.get_by_label("Title", exact=True).fill(new_title)
    save(yusuf)
    expect_told(yusuf, BOTH_KEPT)

    # The programme shows both changes; neither person's work is lost.
    open_programme(yusuf, INBOUND)
    item = shown_item(yusuf, new_title)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Gemaal De Leeuw, noordpoort")
    # History: Sanne's place and Yusuf's title, each as its own change; no change back to the old place.
    rows = history_of(yusuf, INBOUND, new_title, title)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=PROTOCOL[1])).to_contain_text("Gemaal De Leeuw, noordpoort")
    expect(rows.filter(has_text=ADVISOR[1])).to_contain_text(new_title)
    expect(rows.filter(has_text=ADVISOR[1])).not_to_contain_text("Location")


def test_the_same_field_changed_by_both_is_shown_side_by_side_and_saved_only_once_chosen(two_planners):
    sanne, yusuf = two_planners
    title = "Werksessie waterbeheer"
    open_item(sanne, INBOUND, title)
    open_item(yusuf, INBOUND, title)

    sanne.get_by_label("Location (optional)").fill("Waterschap Voorbeeldland, zaal 3")
    save(sanne)
    expect_told(sanne, f"“{title}” saved.")

    yusuf.get_by_label("Location (optional)").fill("Gemaal De Leeuw, vergaderzaal")
    yusuf.get_by_label("Description").fill("Met tolk.")
    save(yusuf)

    # Nothing saved yet: the three values side by side, and a choice to make.
    expect(yusuf.get_by_role("heading", name="Edit programme item", level=1)).to_be_visible()
    expect(yusuf.get_by_role("alert")).to_contain_text(CHANGED_TWICE)
    row = yusuf.locator(".vp-conflicts").get_by_role("row").filter(
        has=yusuf.get_by_role("rowheader", name="Location", exact=True))
    expect(row.get_by_role("cell")).to_have_count(4)
    expect(row.get_by_role("cell").nth(0)).to_have_text("Waterschap Voorbeeldland")  # before
    expect(row.get_by_role("cell").nth(1)).to_have_text("Waterschap Voorbeeldland, zaal 3")  # saved meanwhile
    expect(row.get_by_role("cell").nth(2)).to_have_text("Gemaal De Leeuw, vergaderzaal")  # yours
    # Yours is kept in the field, and the description he changed alone too.
    expect(yusuf.get_by_label("Location (optional)")).to_have_value("Gemaal De Leeuw, vergaderzaal")
    expect(yusuf.get_by_label("Description")).to_have_value("Met tolk.")

    # Saving without a choice goes nowhere: the browser asks for one, and the programme still shows Sanne's place.
    save(yusuf)
    expect(yusuf.get_by_role("heading", name="Edit programme item", level=1)).to_be_visible()
    expect(row.get_by_label("yours")).to_have_js_property("validity.valueMissing", True)
    open_programme(sanne, INBOUND)
    expect(shown_item(sanne, title)).to_contain_text("Waterschap Voorbeeldland, zaal 3")
    expect(shown_item(sanne, title)).not_to_contain_text("Met tolk.")

    # He keeps his own place: it is saved, with his description.
    row.get_by_label("yours").check()
    save(yusuf)
    expect_told(yusuf, f"“{title}” saved.")
    open_programme(sanne, INBOUND)
    expect(shown_item(sanne, title)).to_contain_text("Gemaal De Leeuw, vergaderzaal")
    expect(shown_item(sanne, title)).to_contain_text("Met tolk.")
    # History keeps both saves: Sanne's place, then Yusuf's over it.
    rows = history_of(sanne, INBOUND, title)
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(ADVISOR[1])
    expect(rows.first).to_contain_text("Gemaal De Leeuw, vergaderzaal")
    expect(rows.last).to_contain_text(PROTOCOL[1])
    expect(rows.last).to_contain_text("Waterschap Voorbeeldland, zaal 3")


def test_who_attends_keeps_what_each_added_and_what_each_removed(two_planners):
    sanne, yusuf = two_planners
    title = "Aankomst delegatie op Schiphol"  # attended by the protocol officer, the visiting deputy and the interpreter
    open_item(sanne, INBOUND, title)
    open_item(yusuf, INBOUND, title)

    # Sanne adds the alderman; Yusuf, from the same starting point, takes the interpreter off.
    sanne.get_by_label("Marieke Jansen", exact=True).check()
    save(sanne)
    expect_told(sanne, f"“{title}” saved.")
    expect(yusuf.get_by_label("Marieke Jansen", exact=True)).not_to_be_checked()
    yusuf.get_by_label("Lin Mei", exact=True).uncheck()
    save(yusuf)
    expect_told(yusuf, BOTH_KEPT)

    open_programme(yusuf, INBOUND)
    attending = shown_item(yusuf, title).locator("dd").filter(has_text="Zhang Wei")
    expect(attending).to_contain_text("Marieke Jansen")
    expect(attending).to_contain_text("Sanne de Vries")
    expect(attending).not_to_contain_text("Lin Mei")
    open_item(yusuf, INBOUND, title)
    for name, attends in (("Marieke Jansen", True), ("Sanne de Vries", True), ("Zhang Wei", True), ("Lin Mei", False)):
        expect(yusuf.get_by_label(name, exact=True)).to_be_checked(checked=attends)


# ---- a save that voids sign-offs --------------------------------------------------------------------------------------


def finalise_the_outbound_mission(live_app) -> str:
    """Submit and sign off the demo's outbound mission again when a change took it back to draft, as the demo's
    people would (each in their role)."""
    with live_app.app_context():
        # The demo's, made first: the journey of this session adds a mission of the same name.
        mission = db.session.scalars(select(Mission).where(Mission.direction == "outbound")
                                     .order_by(Mission.id)).first()
        if mission.status != "finalised":
            people = {u.email: u for u in db.session.scalars(select(User))}
            today = today_utc()
            submit_for_signoff(people[PROTOCOL[0]], mission, today)
            sign_off(people[ADVISOR[0]], mission, SignOffRole.ADVISOR, today)
            sign_off(people[APPROVER[0]], mission, SignOffRole.APPROVER, today)
            commit()
        assert mission.status == "finalised"
        return mission.title


@pytest.fixture
def finalised(live_app) -> str:
    """The demo's outbound mission, finalised for the test (another test of this session may have voided it), and
    again afterwards, as the demo has it; its title."""
    yield finalise_the_outbound_mission(live_app)
    finalise_the_outbound_mission(live_app)


def test_a_save_that_voids_the_sign_offs_asks_first_and_then_offers_to_submit_again(new_context, demo_password,
                                                                                     authenticator_code,
                                                                                     finalised):
    sanne = signed_in(new_context(), demo_password, PROTOCOL, authenticator_code)
    title, place = "Bezoek aan de Liyuan-tuin", "Liyuan Garden"
    open_item(sanne, finalised, title)
    sanne.get_by_label("Location (optional)").fill("Liyuan Garden, oostpoort")
    save(sanne)

    # Asked first: which sign-offs this voids, by role and name, and that nothing is saved yet.
    expect(sanne.get_by_role("heading", name=ASKED, level=1)).to_be_visible()
    main = sanne.get_by_role("main")
    expect(main).to_contain_text("Nothing is saved yet.")
    expect(main).to_contain_text("These sign-offs are voided:")
    expect(main.get_by_role("listitem").filter(has_text=re.compile(rf"^Human-rights advisor: {ADVISOR[1]}, signed ")))\
        .to_have_count(1)
    expect(main.get_by_role("listitem").filter(has_text=re.compile(rf"^Approver: {APPROVER[1]}, signed ")))\
        .to_have_count(1)
    expect(main).to_contain_text(f"“{title}”: location")

    # Back without saving: the form again, and nothing changed.
    sanne.get_by_role("link", name="Back without saving").click()
    expect(sanne.get_by_role("heading", name="Edit programme item", level=1)).to_be_visible()
    open_programme(sanne, finalised)
    expect(shown_item(sanne, title)).to_contain_text(place)
    expect(shown_item(sanne, title)).not_to_contain_text("oostpoort")
    sanne.get_by_role("navigation", name="This mission").get_by_role("link", name="Overview").click()
    expect(sanne.locator("dl.vp-facts").first).to_contain_text("Finalised")

    # Save and void: saved, and the message names the voided sign-offs and offers to submit again.
    open_item(sanne, finalised, title)
    sanne.get_by_label("Location (optional)").fill("Liyuan Garden, oostpoort")
    save(sanne)
    expect(sanne.get_by_role("heading", name=ASKED, level=1)).to_be_visible()
    sanne.get_by_role("button", name="Save and void").click()
    expect_told(sanne, f"“{title}” saved.")
    voided = re.compile(
        rf"“{re.escape(finalised)}” is back in draft: this change voided the sign-offs of "
        rf"Human-rights advisor: {ADVISOR[1]}; Approver: {APPROVER[1]}\.")
    warned = sanne.get_by_role("alert").filter(has_text=voided)  # a warning, not a plain confirmation
    expect(warned).to_be_visible()
    expect(shown_item(sanne, title)).to_contain_text("Liyuan Garden, oostpoort")

    warned.get_by_role("link", name="Submit for sign-off again").click()
    expect(sanne.get_by_role("heading", name="Checklist", level=1)).to_be_visible()
    assert sanne.url.endswith("#sign-off")
    expect(sanne.get_by_role("main")).to_contain_text("Status: Draft")
    expect(sanne.get_by_role("heading", name="Sign-off", level=2)).to_be_in_viewport()
    expect(sanne.get_by_role("button", name="Submit for sign-off")).to_be_visible()


# ---- the pages only a save reaches, checked by axe --------------------------------------------------------------------


def in_language(page: Page, lang: str) -> None:
    """Switch the pages to ``lang`` with the switch every page has."""
    if lang != "en":
        page.locator(f"form.vp-language button[value={lang}]").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)


def submit(page: Page, field: str) -> None:
    """Submit the form that holds ``field`` with its main button."""
    page.locator(f"form:has(#{field}) button.utrecht-button--primary-action[type=submit]").click()


def changed_twice(anna: Page, bram: Page, url: str, field: str, lang: str) -> None:
    """Both open ``url``; Anna saves ``field``, then Bram saves it too from his page: Bram sees the conflict page."""
    anna.goto(url)
    bram.goto(url)
    token = secrets.token_hex(3)  # a text no run of this test saved before
    anna.locator(f"#{field}").fill(f"Anna's tekst {token}")
    submit(anna, field)
    expect(anna).not_to_have_url(re.compile(r"/edit$"))  # saved: back on the page of what she edited
    bram.locator(f"#{field}").fill(f"Brams tekst {token}")
    submit(bram, field)
    expect(bram.locator("html")).to_have_attribute("lang", lang)
    expect(bram.locator(".vp-conflicts")).to_be_visible()
    expect(bram.locator(f'.vp-conflicts input[name="keep-{field}"]')).to_have_count(2)


def urls_of(live_app) -> tuple[str, str, str]:
    """The edit forms of an item of the inbound draft no other test looks at, of a company's briefing, and of an item
    of the finalised outbound mission."""
    with live_app.app_context():
        inbound = db.session.scalar(select(ProgrammeItem.id).where(
            ProgrammeItem.title == "Rondleiding historische binnenstad"))
        outbound = db.session.scalar(select(ProgrammeItem.id).join(Mission).where(
            ProgrammeItem.title == "Bezoek aan de Liyuan-tuin").order_by(Mission.id))
        briefing = db.session.scalars(select(CompanyBriefing).join(Company).where(
            Company.name.like("Stadslicht%")).order_by(CompanyBriefing.id)).first()
        return (f"/items/{inbound}/edit", f"/companies/{briefing.company_id}/briefings/{briefing.id}/edit",
                f"/items/{outbound}/edit")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_conflict_page_and_the_void_question_have_no_moderate_or_worse_violation(
        new_context, demo_password, authenticator_code, live_app, finalised, lang):
    item, briefing, finalised_item = urls_of(live_app)
    anna = signed_in(new_context(), demo_password, PROTOCOL, authenticator_code)
    bram = signed_in(with_axe(new_context()), demo_password, ADVISOR, authenticator_code)
    in_language(bram, lang)
    problems = []

    # The same field of an item, and of a company's briefing, changed by both.
    changed_twice(anna, bram, item, "description", lang)
    problems += violations(bram)
    changed_twice(anna, bram, briefing, "note", lang)
    problems += violations(bram)

    # A change to the finalised mission: the question before it voids the sign-offs (not answered: nothing saved).
    bram.goto(finalised_item)
    bram.locator("#location").fill("Liyuan Garden, westpoort")
    submit(bram, "location")
    expect(bram.locator("form button.vp-danger")).to_be_visible()
    problems += violations(bram)

    assert not problems, "\n".join(problems)
