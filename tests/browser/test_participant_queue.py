"""Issue 23, part 6, in a real browser: the advisor's dashboard lists the participants waiting for a step, and adding
a participant to a programme item from their page takes two clicks (a choice in the list, then "Add"), counted."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from browser.signing_in import ADVISOR, sign_in
from visitplanner.auth.models import User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.participants.operations import propose_participant
from visitplanner.partnerships.models import Partnership
from visitplanner.timeutil import to_utc

pytestmark = pytest.mark.browser

ALIAS = "Kraanvogel-7001"
MISSION = "Bezoek delegatie Wuxi, voorjaar 2028"
ITEM = "Gesprek met de Oeigoerse gemeenschap"


@pytest.fixture
def proposed(live_app):
    """A mission of its own (spring 2028, out of the way of the demo's) with one item, and a participant a protocol
    officer proposed by alias, in no programme yet."""
    with live_app.app_context():
        protocol = db.session.scalar(select(User).where(User.email == "protocol@example.org"))
        partnership = db.session.scalar(select(Partnership))
        mission = Mission(partnership=partnership, direction="inbound", title=MISSION, purpose="",
                          start_date=date(2028, 4, 10), end_date=date(2028, 4, 12), timezone="Europe/Amsterdam")
        zone = mission.timezone
        db.session.add(ProgrammeItem(mission=mission, kind="citizen_meeting", title=ITEM, timezone=zone,
                                     visibility="internal", starts_at=to_utc(datetime(2028, 4, 11, 19), zone),
                                     ends_at=to_utc(datetime(2028, 4, 11, 21), zone)))
        propose_participant(protocol, alias=ALIAS, organisation="Oeigoerse gemeenschap", kind="resident")
        commit()


def queue_line(page: Page) -> Locator:
    queue = page.locator("#participants-queue + ul")
    return queue.get_by_role("listitem").filter(has_text=ALIAS)


def test_the_queue_on_the_advisors_dashboard_and_adding_someone_to_an_item_in_two_clicks(
        page: Page, proposed, demo_password, authenticator_code):
    sign_in(page, demo_password, ADVISOR, authenticator_code)
    expect(page.get_by_role("heading", name="Civil-society participants waiting for a step")).to_be_visible()
    expect(queue_line(page)).to_have_text(f"{ALIAS}, proposed, in no programme yet: waits for the real name")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Civil-society participants").click()
    page.get_by_role("link", name=ALIAS).click()
    expect(page.get_by_role("heading", name=ALIAS, level=1)).to_be_visible()

    choose = page.get_by_label("Add to programme item")
    expect(choose.locator(f'optgroup[label="{MISSION}"] option', has_text=ITEM)).to_have_count(1)
    clicks = 0
    choose.select_option(choose.locator("option", has_text=ITEM).get_attribute("value"))  # what one click picks
    clicks += 1
    page.get_by_role("button", name="Add", exact=True).click()
    clicks += 1

    expect(page.get_by_role("status")).to_contain_text(f"{ALIAS} added to “{ITEM}”")
    expect(page.get_by_role("heading", name=MISSION, level=2)).to_be_visible()
    assert clicks <= 2

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home").click()
    line = queue_line(page)
    expect(line).to_have_text(f"{ALIAS} in “{MISSION}”: waits for the real name")
    line.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/participants/\d+/edit$"))
    page.get_by_label("Real name").fill("Alim Tursun")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Participant saved.")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home").click()
    line = queue_line(page)
    expect(line).to_have_text(f"{ALIAS} in “{MISSION}”: waits for consent to take part")
    line.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("consent", ignore_case=True)
