"""Every "Fix this" leads to a place where it can be fixed (issue 23, part 4).

Four eyes while a draft says whom it waits for, and its link leads to the step that is next (submitting, for a
protocol officer); the outbound briefing's link goes to the company's page in the register, where its briefings are
recorded; the safety form says up front that abroad a consultation will be needed; the item form reports every error in one round.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from support.readiness import TODAY, add_company, add_participant, freeze_today, give_consent, join, ready_mission

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.readiness.checks import Status, check_four_eyes, check_outbound
from visitplanner.readiness.operations import context, submit_for_signoff


@pytest.fixture(autouse=True)
def _today(english, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def s(make_user, make_mission, make_item):
    return ready_mission(make_user, make_mission, make_item, "outbound")


def text(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def fix_cell(page: str, check: str) -> str:
    """One check's row on the checklist, as sent."""
    return re.search(rf'<tr[^>]*id="check-{check}".*?</tr>', page, re.S).group(0)


def test_four_eyes_while_a_draft_says_it_waits_for_submission_and_leads_to_the_submit_step(s, signed_in):
    result = check_four_eyes(s.mission, context(TODAY))
    assert result.status == Status.FAIL
    assert ("it is still a draft, which a protocol officer submits for sign-off once the other checks pass"
            in result.reason and "awaiting sign-off by: Human-rights advisor, Approver" in result.reason)

    officer = signed_in(s.protocol).get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)
    row = fix_cell(officer, "four_eyes")
    assert f'href="/missions/{s.mission.id}/checklist#sign-off"' in row
    # Where the link lands, the step it speaks of is at hand.
    sign_off_section = officer[officer.index('id="sign-off"'):]
    assert 'type="submit">Submit for sign-off</button>' in sign_off_section

    advisor = signed_in(s.advisor).get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)
    assert "Who can fix this: Protocol officer" in unescape(fix_cell(advisor, "four_eyes"))


def test_once_submitted_four_eyes_leads_the_signers_to_sign(s, signed_in):
    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    result = check_four_eyes(s.mission, context(TODAY))
    assert "still a draft" not in result.reason and result.fixed_by == "readiness.sign"
    advisor = signed_in(s.advisor).get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)
    assert f'href="/missions/{s.mission.id}/checklist#sign-off"' in fix_cell(advisor, "four_eyes")


def test_a_missing_company_briefing_leads_to_the_company_record(s, signed_in, make_item):
    make_item(s.mission, "2027-04-15T10:00", "2027-04-15T11:00", kind="business_session", title="OESO-sessie")
    company = add_company(s.mission, "Stadslicht Sensoren B.V.")
    commit()

    result = check_outbound(s.mission, context(TODAY))
    assert result.status == Status.FAIL and "before departure for: Stadslicht Sensoren B.V." in result.reason
    assert (result.fix_endpoint, result.fix_args) == ("companies.show", {"company_id": company.id})

    page = signed_in(s.protocol).get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)
    assert f'href="/companies/{company.id}"' in fix_cell(page, "outbound")
    register_page = signed_in(s.protocol).get(f"/companies/{company.id}")
    assert register_page.status_code == 200 and "Record a briefing" in text(register_page)


def test_a_missing_business_session_still_leads_to_the_programme(s, make_item):
    add_company(s.mission, "Stadslicht Sensoren B.V.")
    commit()
    result = check_outbound(s.mission, context(TODAY))
    assert "business session" in result.reason and result.fix_endpoint == "itinerary.programme"


def test_the_outbound_safety_form_says_up_front_that_a_consultation_will_be_needed(
        make_user, make_mission, make_item, signed_in):
    # An outbound mission where nobody consulted the embassy yet.
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("outbound", timezone="Asia/Shanghai")
    item = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind="ngo_visit", title="Gesprek bij de ngo")
    person = add_participant(advisor, alias="Zwaluw-7")
    join(person, item)
    give_consent(advisor, person, mission)
    commit()

    page = text(signed_in(advisor).get(f"/participants/{person.id}/items/{item.id}/assess"))

    assert ("besides this assessment, the safety check needs a consultation of the embassy or another trusted "
            "channel that covers Zwaluw-7 at “Gesprek bij de ngo”, on its day. None does yet.") in page
    assert "Record the consultation" in page


def test_once_consulted_the_safety_form_says_so_instead(s, signed_in):
    page = text(signed_in(s.advisor).get(f"/participants/{s.participant.id}/items/{s.hr_item.id}/assess"))
    assert "None does yet." not in page
    assert "A consultation of the embassy or another trusted channel covers Reiger-2041 at this item." in page


def test_the_item_form_reports_every_error_in_one_round(s, signed_in):
    officer = signed_in(s.protocol)
    data = dict(kind="citizen_meeting", title="", starts_at="2027-05-20T10:00", ends_at="2027-05-20T09:00",
                timezone="Asia/Shanghai", visibility="internal", headcount="12", headcount_reason="")

    answer = officer.post(f"/missions/{s.mission.id}/items/new", data=data)

    page = text(answer)
    assert answer.status_code == 200
    for message in ("This field is required.",  # the title, the form's own check
                    "The end must be after the start.",
                    "The start falls outside the mission's dates (12 Apr 2027",
                    "Say why they are kept off the record."):
        assert message in page, message
    assert len(s.mission.items) == 2  # nothing saved


def test_an_item_form_with_only_rule_errors_reports_them_all_too(s, signed_in):
    officer = signed_in(s.protocol)
    data = dict(kind="official_meeting", title="Diner", starts_at="2027-04-13T20:00", ends_at="2027-04-20T22:00",
                timezone="Asia/Shanghai", visibility="internal", headcount="3", headcount_reason="Anoniem")

    page = text(officer.post(f"/missions/{s.mission.id}/items/new", data=data))

    assert "The end falls outside the mission's dates" in page
    assert "Only a meeting with residents counts people kept off the record." in page
