"""Issue 24 walked through in one sitting, as the advisor, in a browser that runs no script: she records an NGO
consulted on an objective, adds a company with ties to the region to the register with its briefing, prepares an
answer to "what about the Netherlands?", composes an official meeting's talking points from it, and logs a call with
the partner. Each step is the one the part's own browser test takes; the partnership page then shows them together."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser.signing_in import ADVISOR, sign_in
from browser.test_company_register import add_company_with_briefing
from browser.test_partner_contacts import log_call
from browser.test_stakeholders import add_organisation, objective_row, record_consulted
from browser.test_talking_points_library import a_meeting_to_compose, compose_talking_points, prepare_answer
from visitplanner.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PARTNERSHIP = "Gemeente Voorbeeldstad – Wuxi"
LABOUR = "Arbeidsrechten agenderen bij elk officieel bezoek"
NGO = "FNV Wereldwijd, afdeling Voorbeeldstad (walk)"
COMPANY = "Rijnmond Kranen B.V. (walk)"
THEME = "Labour rights"
ANSWER = ("Ook in Nederland werken arbeidsmigranten onder slechte omstandigheden; de Inspectie SZW en het rapport "
          "van het Aanjaagteam bescherming arbeidsmigranten zeggen dat openlijk. Hoe ziet u dat in Wuxi?")
SOURCES = ("Aanjaagteam bescherming arbeidsmigranten, Geen tweederangsburgers — https://www.rijksoverheid.nl — "
           "2020-10-30")
TITLE = "En de arbeidsmigranten in Nederland dan? (walk)"
MEETING = "Overleg met het arbeidsbureau van Wuxi (walk)"
CALL = "Telefoongesprek over arbeidsinspecties (walk)"


@pytest.fixture
def meeting(live_app):
    """An official meeting of the demo's inbound mission (a draft), taken out again with what was composed into it,
    and the library entry prepared, for the other tests of the session."""
    with a_meeting_to_compose(live_app, MEETING, TITLE, "15:00", "15:45") as found:
        yield found


def test_the_advisor_walks_the_partnership_between_the_visits(new_context, authenticator_code, meeting):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, DEMO_PASSWORD, ADVISOR, authenticator_code)

    # An NGO consulted on an objective of the action plan (B.b).
    add_organisation(page, NGO, "Dutch civil society")
    record_consulted(page, PARTNERSHIP, LABOUR, f"{NGO} (Dutch civil society)", "A meeting",
                     "Vraag naar de inspectie van uitzendbureaus.")

    # A company with ties to the region, in the register with its briefing (B.c).
    company_page = add_company_with_briefing(page, COMPANY, sector="Havenkranen",
                                             ties="Koopt staal bij een fabriek in Wuxi.")

    # An answer to "what about the Netherlands?", and a meeting's talking points composed from it (B.a).
    page.goto("/partnerships/")
    page.get_by_role("link", name=PARTNERSHIP).first.click()
    prepare_answer(page, THEME, ANSWER, SOURCES, title=TITLE)
    page.goto(f"/missions/{meeting['mission']}/programme")
    compose_talking_points(page, MEETING, ANSWER)

    # A call with the partner, raising the theme (B.c: human rights in the ongoing communication).
    log_call(page, PARTNERSHIP, CALL, THEME, response="Men stuurt de inspectiecijfers toe.")

    # The partnership page shows them together.
    page.goto("/partnerships/")
    page.get_by_role("link", name=PARTNERSHIP).first.click()
    expect(objective_row(page, LABOUR)).to_contain_text(f"{NGO} — A meeting")
    expect(page.get_by_role("region", name="Contacts between visits").get_by_role("link", name=CALL)).to_be_visible()
    page.goto(company_page)
    expect(page.get_by_role("heading", name=COMPANY, level=1)).to_be_visible()
