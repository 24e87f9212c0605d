"""Issue 24, part 6, in a real browser: the advisor follows the dashboard's warning that the Wuxi partnership is due
for its periodic review, records the review, and opens the report fit for the council, which leaves the internal
notes out.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser.signing_in import ADVISOR, sign_in
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.partnerships.models import PartnershipReview

pytestmark = pytest.mark.browser

CONCLUSION = "Waterbeheer op koers; arbeidsrechten nog zonder antwoord van de partner."
INTERNAL = "Toezicht op het arbeidsrechtennetwerk neemt toe."
NOTE = "Twee verslagen zonder reactie op onze vragen."


@pytest.fixture
def restored(live_app):
    """The demo as it was: the review recorded here is taken away again (the warning is back for other tests)."""
    with live_app.app_context():
        before = set(db.session.scalars(select(PartnershipReview.id)))
    yield
    with live_app.app_context():
        for review in db.session.scalars(select(PartnershipReview).where(PartnershipReview.id.notin_(before))):
            db.session.delete(review)
        commit()


def test_the_advisor_records_the_review_and_opens_the_council_report(new_context, demo_password, authenticator_code,
                                                                      restored):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, demo_password, ADVISOR, authenticator_code)

    # From the dashboard's warning straight to the form.
    page.get_by_role("link", name="Review the partnership with Wuxi against its action plan").click()
    expect(page.get_by_role("heading", name="Record a review of the partnership", level=1)).to_be_visible()
    page.get_by_label("Overall conclusion").fill(CONCLUSION)
    page.get_by_label("Next steps").fill("Arbeidsrechten agenderen bij het voorjaarsbezoek.")
    page.get_by_label("Arbeidsrechten agenderen bij elk officieel bezoek").fill(NOTE)
    page.get_by_label("Internal notes: risk and safety details").fill(INTERNAL)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="Review recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Review of the partnership", level=1)).to_be_visible()
    objectives = page.locator("section", has=page.get_by_role("heading", name="Objectives of the action plan"))
    expect(objectives).to_contain_text(NOTE)
    projects = page.locator("section", has=page.get_by_role("heading", name="Projects with local partners"))
    expect(projects).to_contain_text("Jiangnan-universiteit, School of Law")
    expect(page.get_by_text(INTERNAL)).to_be_visible()  # the office's own page

    page.get_by_role("link", name="Printable report: The council (raad)").click()
    expect(page.get_by_role("heading", name="Review of the partnership: Gemeente Voorbeeldstad – Wuxi",
                                level=1)).to_be_visible()
    expect(page.get_by_text("Report for: The council (raad)")).to_be_visible()
    expect(page.get_by_text(CONCLUSION)).to_be_visible()
    expect(page.get_by_text("Partly granted", exact=False)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(INTERNAL)
    expect(page.locator("body")).not_to_contain_text("Internal – confidential")

    # Back on the dashboard, the warning is gone.
    page.goto("/")
    expect(page.get_by_role("link", name="Review the partnership with Wuxi against its action plan")).to_have_count(0)
