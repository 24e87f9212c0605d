"""Issue 3, done when: the inbound demo mission goes from draft to finalised only by fixing what the
checklist says, is signed off by two people, and a withdrawn consent afterwards visibly returns it
to needing attention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.accounts import sign_in_to_demo

from visitplanner.commit import commit
from visitplanner.demo import load_demo
from visitplanner.extensions import db
from visitplanner.missions.models import Direction, Mission, MissionStatus
from visitplanner.participants.models import Participant


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        commit()
        # The demo also holds a completed inbound visit from the past; the one to finalise is the draft.
        inbound = db.session.scalar(select(Mission).where(Mission.direction == Direction.INBOUND,
                                                          Mission.status == MissionStatus.DRAFT))
        people = {p.alias: p.id for p in db.session.scalars(select(Participant))}
        return inbound.id, people, inbound.start_date


def checklist(client, mission_id) -> str:
    response = client.get(f"/missions/{mission_id}/checklist")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status_of(app, mission_id) -> str:
    with app.app_context():
        return db.session.get(Mission, mission_id).status


def test_inbound_demo_mission_is_finalised_only_by_fixing_the_checklist(app, another_client, demo):
    mission_id, people, first_day = demo  # the demo's dates move with today (demo.py), by whole weeks
    second_day = (first_day + timedelta(days=1)).isoformat()
    officer, advisor, approver = another_client(), another_client(), another_client()  # in English
    for browser, email in ((officer, "protocol@example.org"), (advisor, "advisor@example.org"),
                           (approver, "approver@example.org")):
        assert sign_in_to_demo(browser, email).status_code == 302

    page = checklist(officer, mission_id)
    assert ("Missing: at the meeting with residents, a resident or diaspora member among the participants, or a "
            "head-count with the reason they are kept off the record") in page
    assert "Linde-7305: consent expired" in page
    assert "Valk-1187: consent ends on" in page and "before the meeting on" in page  # to reconfirm before the visit
    assert "Aynur Tursun" not in page  # the protocol officer never sees the real name

    # Submitting while checks fail is refused, with the reason.
    officer.post(f"/missions/{mission_id}/submit")
    assert status_of(app, mission_id) == "draft"
    assert "cannot be submitted while checks fail" in checklist(officer, mission_id)

    # Fix 1: a meeting with residents concerned with human rights in China, who stay off the record.
    response = officer.post(f"/missions/{mission_id}/items/new", data={
        "kind": "citizen_meeting", "title": "Gesprek met bewoners", "starts_at": f"{second_day}T16:30",
        "ends_at": f"{second_day}T17:30", "timezone": "Europe/Amsterdam", "visibility": "delegation",
        "headcount": "5",
    })
    assert response.status_code == 200 and "Say why they are kept off the record." in response.get_data(as_text=True)
    response = officer.post(f"/missions/{mission_id}/items/new", data={
        "kind": "citizen_meeting", "title": "Gesprek met bewoners", "starts_at": f"{second_day}T16:30",
        "ends_at": f"{second_day}T17:30", "timezone": "Europe/Amsterdam", "visibility": "delegation",
        "headcount": "5", "headcount_reason": "Oeigoerse bewoners met familie in Xinjiang; niet bij naam.",
    })
    assert response.status_code == 302
    # Fix 2: the advisor reconfirms the lapsed consent.
    response = advisor.post(f"/participants/{people['Linde-7305']}/missions/{mission_id}/consent", data={
        "take_part": "y", "named_internal": "y", "method": "in_person",
        "information_version": "Informatieblad v3", "reconfirm_by": (first_day + timedelta(days=23)).isoformat(),
    })
    assert response.status_code == 302
    # Fix 3: the advisor has the academic's consent reconfirmed until after the visit.
    response = advisor.post(f"/participants/{people['Valk-1187']}/missions/{mission_id}/consent", data={
        "take_part": "y", "named_internal": "y", "named_delegation": "y", "method": "in_person",
        "information_version": "Informatieblad v3", "reconfirm_by": (first_day + timedelta(days=23)).isoformat(),
    })
    assert response.status_code == 302
    page = checklist(officer, mission_id)
    assert "Fail</strong>" in page  # only four-eyes is left failing
    assert page.count("Fail</strong>") == 1

    officer.post(f"/missions/{mission_id}/confirm/delegation_briefed", data={"note": "Briefing 1 June"})
    officer.post(f"/missions/{mission_id}/confirm/companies_briefed", data={"note": "Host company briefed"})
    officer.post(f"/missions/{mission_id}/submit")
    assert status_of(app, mission_id) == "ready_for_signoff"

    # Four eyes: the submitter cannot sign; the advisor and the approver can.
    advisor.post(f"/missions/{mission_id}/sign-off", data={"role": "hr_advisor"})
    assert status_of(app, mission_id) == "ready_for_signoff"
    approver.post(f"/missions/{mission_id}/sign-off", data={"role": "approver"})
    assert status_of(app, mission_id) == "finalised"
    page = checklist(approver, mission_id)
    assert "Fail</strong>" not in page and "Signed off by Yusuf Demir" in page

    # A withdrawn consent afterwards returns the mission to needing attention, visibly.
    response = advisor.post(f"/participants/{people['Valk-1187']}/missions/{mission_id}/withdraw",
                            data={"method": "phone"})
    assert response.status_code == 302
    assert status_of(app, mission_id) == "draft"
    page = officer.get(f"/missions/{mission_id}").get_data(as_text=True)
    assert "This mission needs attention" in page
    assert "Valk-1187: consent take part, be named in internal documents, be named in the delegation" in page
    assert "→ withdrawn" in page
    assert "voided" in checklist(officer, mission_id)
    history = officer.get(f"/missions/{mission_id}/history").get_data(as_text=True)
    assert "Sign-off voided" in history


def test_checklist_command_tells_the_demo_missions_apart(app, runner, demo):
    mission_id, _, _ = demo
    with app.app_context():
        outbound = db.session.scalar(select(Mission.id).where(Mission.direction == Direction.OUTBOUND,
                                                              Mission.status == MissionStatus.FINALISED))
    assert runner.invoke(args=["checklist", str(outbound)]).exit_code == 0
    result = runner.invoke(args=["checklist", str(mission_id)])
    assert result.exit_code == 1
    assert "FAIL inbound" in result.output and "FAIL consent" in result.output
