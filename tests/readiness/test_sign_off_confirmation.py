"""Sign-off as a deliberate act (issue 23, part 3).

The checklist's "Sign off as …" leads to a page that says, in words, what the signer vouches for: the role's
promises, the mission's content (participants by alias only), the code of what was submitted with what that code
means, and the open warnings. An optional comment is kept with the sign-off. Opening the page changes nothing; a
sign-off refused by a rule says why on the page and keeps the comment. History shows the short code with its
explanation, never the 64-character fingerprint.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select
from support.pages import form_values
from support.readiness import REAL_NAME, TODAY, audit_count, freeze_today, ready_mission

from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ItemKind
from visitplanner.missions.models import Mission
from visitplanner.readiness.models import SignOff, SignOffRole, short_code
from visitplanner.readiness.operations import return_to_draft, sign_off, submit_for_signoff


@pytest.fixture(autouse=True)
def _today(english, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def s(make_user, make_mission, make_item):
    return ready_mission(make_user, make_mission, make_item, "outbound")


def text(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def submitted(s) -> str:
    """Submit the mission as the protocol officer; returns the code of what was submitted."""
    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    return short_code(s.mission.vouched_fingerprint)


def signatures() -> int:
    return db.session.scalar(select(func.count(SignOff.id)).where(SignOff.voided_at.is_(None)))


def url(s, role: str = "hr_advisor") -> str:
    return f"/missions/{s.mission.id}/sign-off?role={role}"


def test_the_checklist_leads_to_a_confirmation_not_a_one_click_sign_off(s, signed_in):
    submitted(s)
    page = signed_in(s.advisor).get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)

    assert f'href="/missions/{s.mission.id}/sign-off?role=hr_advisor">Sign off as Human-rights advisor</a>' in page
    assert 'name="role" value="hr_advisor"' not in page  # no button that signs at once


def test_the_confirmation_says_what_the_signer_vouches_for_and_opening_it_changes_nothing(s, signed_in):
    code = submitted(s)
    audited = audit_count("mission.sign_off")

    page = signed_in(s.advisor).get(url(s))

    words = text(page)
    assert page.status_code == 200 and "Sign off as Human-rights advisor?" in words
    assert "Every civil-society participant agreed to what they take part in" in words
    assert f"You sign the mission as it was submitted, code {code}." in words
    assert "the same content always gives the same code, and any change to it gives another" in words
    assert "No open warnings." in words
    assert "1 human-rights component: “Gesprek over arbeidsrechten”" in words
    assert ("Reiger-2041: consent: Be named in internal documents, Take part; at “Gesprek over arbeidsrechten”: "
            "Proceed with mitigations." in words)
    assert "Official meetings with human-rights talking points: 1 of 1." in words
    assert REAL_NAME not in page.get_data(as_text=True)  # by alias, whoever signs
    assert s.mission.vouched_fingerprint not in page.get_data(as_text=True)
    assert signatures() == 0 and audit_count("mission.sign_off") == audited


def test_open_warnings_are_listed_for_the_signer_to_accept(s, signed_in, make_item):
    make_item(s.mission, "2027-04-15T10:00", "2027-04-15T11:00", kind=ItemKind.OFFICIAL_MEETING.value,
              title="Lunch met de vicegouverneur", talking_points="")
    submitted(s)

    words = text(signed_in(s.advisor).get(url(s)))

    assert "These checks do not stop the sign-off, but you accept them by signing:" in words
    assert "Official meetings without talking points or a reason: “Lunch met de vicegouverneur”." in words
    assert "No open warnings." not in words


def test_signing_keeps_the_comment_with_the_sign_off_and_shows_it_on_the_checklist(s, signed_in):
    submitted(s)
    advisor = signed_in(s.advisor)
    page = advisor.get(url(s)).get_data(as_text=True)
    data = form_values(page, f"/missions/{s.mission.id}/sign-off")
    data["comment"] = "  Consulaat akkoord; Reiger-2041 alleen in kleine kring.  "

    done = advisor.post(f"/missions/{s.mission.id}/sign-off", data=data, follow_redirects=True)

    assert "Signed off as Human-rights advisor. The mission waits for the other sign-off." in text(done)
    assert "Comment: Consulaat akkoord; Reiger-2041 alleen in kleine kring." in text(done)
    signature = db.session.scalar(select(SignOff).where(SignOff.voided_at.is_(None)))
    assert signature.role == SignOffRole.ADVISOR.value and signature.user_id == s.advisor.id
    assert signature.comment == "Consulaat akkoord; Reiger-2041 alleen in kleine kring."


def test_a_sign_off_of_content_submitted_again_since_is_refused_and_the_comment_kept(s, signed_in):
    submitted(s)
    advisor = signed_in(s.advisor)
    data = form_values(advisor.get(url(s)).get_data(as_text=True), f"/missions/{s.mission.id}/sign-off")
    data["comment"] = "Gelezen op maandag."
    # Meanwhile the mission goes back to draft, changes, and is submitted again: the page read is not what stands.
    mission = db.session.get(Mission, s.mission.id)
    return_to_draft(s.protocol, mission, "Locatie gewijzigd")
    s.meeting.location = "Stadhuis, zaal 2"
    commit()
    submit_for_signoff(s.protocol, db.session.get(Mission, s.mission.id), TODAY)
    commit()

    refused = advisor.post(f"/missions/{s.mission.id}/sign-off", data=data)

    words = text(refused)
    assert refused.status_code == 200 and "The mission was submitted again since you opened the confirmation" in words
    assert "Gelezen op maandag." in refused.get_data(as_text=True)
    assert signatures() == 0


def test_who_may_not_sign_is_told_why_on_the_page_without_a_button(s, signed_in):
    submitted(s)
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()
    page = signed_in(s.advisor).get(url(s, "hr_advisor"))

    assert "You cannot sign off now: Someone else signed first:" in text(page)
    assert 'type="submit">Sign off as' not in page.get_data(as_text=True)


def test_a_draft_cannot_be_signed_and_an_unknown_role_is_not_found(s, signed_in):
    advisor = signed_in(s.advisor)
    assert "You cannot sign off now:" in text(advisor.get(url(s)))
    assert advisor.get(url(s, "mayor")).status_code == 404
    assert advisor.get(f"/missions/{s.mission.id}/sign-off").status_code == 404


def test_history_shows_the_short_code_with_what_it_means_never_the_fingerprint(s, signed_in):
    code = submitted(s)
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()

    page = signed_in(s.protocol).get(f"/missions/{s.mission.id}/history")

    assert f"Sign-off code {code} (the code of what was submitted and signed off" in text(page)
    assert s.mission.vouched_fingerprint not in page.get_data(as_text=True)
