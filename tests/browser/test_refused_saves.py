"""The pages a save made on an older page leads to, where nothing is saved until the person looks again: a protection
decision (the organisation as it is now, and what changed), a library entry and the own policy (the version saved
meanwhile beside the kept text), talking points composed from the library (theirs changed meanwhile, side by
side). No link leads there, so the accessibility crawl (test_accessibility.py) cannot reach
them: axe checks them here, in Dutch and in English, with the crawl's rules (browser/axe.py). Someone else's save
is made in the served application itself, while the advisor's page stands open.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from browser.axe import violations, with_axe
from browser.signing_in import ADVISOR, sign_in
from visitplanner.auth.models import User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import amend_talking_points
from visitplanner.library.models import LibraryEntry
from visitplanner.missions.models import Mission
from visitplanner.library.operations import revise_entry, revise_policy
from visitplanner.library.queries import current_policy
from visitplanner.stakeholders.models import Stakeholder
from visitplanner.stakeholders.operations import update_stakeholder

pytestmark = pytest.mark.browser


def submit(page: Page, field: str) -> None:
    """Submit the form that holds ``field`` with its main button."""
    page.locator(f"form:has(#{field}) button.utrecht-button--primary-action[type=submit]").click()


def meanwhile(live_app, change) -> None:
    """Someone else's save, made in the served application while the page stands open (as the advisor)."""
    with live_app.app_context():
        advisor = db.session.scalar(select(User).where(User.email == ADVISOR[0]))
        change(advisor)
        commit()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pages_after_a_save_on_an_older_page_have_no_moderate_or_worse_violation(
        new_context, demo_password, authenticator_code, live_app, lang):
    page = with_axe(new_context()).new_page()
    sign_in(page, demo_password, ADVISOR, authenticator_code, language=lang)
    token = secrets.token_hex(3)  # a text no run of this test saved before
    with live_app.app_context():
        organisation = db.session.scalar(select(Stakeholder.id).where(Stakeholder.alias == "Eik-5120"))
        entry = db.session.scalars(select(LibraryEntry.id).order_by(LibraryEntry.id)).first()
        # An official meeting of the inbound visit, a draft: composing into it voids no sign-off.
        meeting = db.session.scalars(select(ProgrammeItem.id).join(Mission).where(
            ProgrammeItem.title == "Ontvangst op het stadhuis", Mission.title.like("Bezoek delegatie Wuxi aan %"))
            .order_by(ProgrammeItem.id)).first()
    problems = []

    # A protection decision: the organisation changed meanwhile, so the page shows it as it is now.
    page.goto(f"/stakeholders/{organisation}/protection")

    def reached_otherwise(advisor):
        found = db.session.get(Stakeholder, organisation)
        update_stakeholder(advisor, found, expected_version=found.version, name=found.name, alias=found.alias,
                           kind=found.kind, contact=f"Via de secretaris ({token})")

    meanwhile(live_app, reached_otherwise)
    submit(page, "reason")
    expect(page.locator("#meanwhile")).to_be_visible()
    problems += violations(page)

    # A library entry: a newer version was saved meanwhile, and is shown beside the advisor's kept text.
    page.goto(f"/library/{entry}/edit")
    page.locator("#text").fill(f"Mijn versie {token}")

    def revised(advisor):
        found = db.session.get(LibraryEntry, entry)
        revise_entry(advisor, found, based_on=found.current.number, title=found.current.title,
                     text=f"{found.current.text} ({token})", sources=found.current.sources)

    meanwhile(live_app, revised)
    submit(page, "text")
    expect(page.locator("#newer-title")).to_be_visible()
    expect(page.locator("#text")).to_have_value(f"Mijn versie {token}")
    problems += violations(page)

    # The own policy: likewise.
    page.goto("/policy/edit")
    page.locator("#text").fill(f"Ons beleid {token}")

    def restated(advisor):
        policy = current_policy()
        revise_policy(advisor, based_on=policy.number, text=f"{policy.text} ({token})", sources=policy.sources)

    meanwhile(live_app, restated)
    submit(page, "text")
    expect(page.locator("#newer-title")).to_be_visible()
    expect(page.locator("#text")).to_have_value(f"Ons beleid {token}")
    problems += violations(page)

    # Composing talking points: they were changed meanwhile, so both are shown and nothing is added yet.
    page.goto(f"/items/{meeting}/talking-points")
    page.locator(".vp-library-choice input[type=checkbox]").first.check()

    def amended(advisor):
        item = db.session.get(ProgrammeItem, meeting)
        amend_talking_points(advisor, item, expected_version=item.version,
                             talking_points=f"{item.talking_points} Vraag naar het waterschap ({token}).")

    meanwhile(live_app, amended)
    page.locator("form:has(.vp-library-choice) button.utrecht-button--primary-action[type=submit]").click()
    expect(page.locator("#changed-title")).to_be_visible()
    problems += violations(page)

    assert not problems, "\n".join(problems)
