"""Say what a change does before it does it (issue 23, part 2).

A save that would void sign-offs first says which ones (role, who, when) and what it alters, and saves nothing until
the person confirms; afterwards the message names them and offers "Submit for sign-off again". A decision that
protects people (a consent withdrawn) is never held up by the question: it takes effect, and the message says what
it voided.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from support.pages import form_values
from support.readiness import TODAY, freeze_today, ready_mission
from support.readiness import finalise as finalise_mission

from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.formatting import format_datetime
from visitplanner.missions.models import Mission
from visitplanner.readiness.models import SignOffRole
from visitplanner.readiness.operations import sign_off, submit_for_signoff
from visitplanner.timeutil import local_naive

ASKED = "Save and void the sign-off?"


@pytest.fixture(autouse=True)
def _today(english, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def s(make_user, make_mission, make_item):
    return ready_mission(make_user, make_mission, make_item, "outbound")


def item_form(item, **changes) -> dict:
    local = "%Y-%m-%dT%H:%M"
    data = dict(kind=item.kind, title=item.title, starts_at=local_naive(item.starts_at, item.timezone).strftime(local),
                ends_at=local_naive(item.ends_at, item.timezone).strftime(local), timezone=item.timezone,
                location=item.location, description=item.description, talking_points=item.talking_points,
                visibility=item.visibility, attendees=[str(i) for i in item.attendee_ids],
                participants=[str(p.id) for p in item.participants],
                focal_themes=[str(t.id) for t in item.focal_themes], version=str(item.version))
    data.update(changes)
    return data


def mission_now(s) -> Mission:
    db.session.expire_all()
    return db.session.get(Mission, s.mission.id)


def text(response) -> str:
    """The page as read: its words, without markup."""
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def test_a_save_that_voids_sign_offs_first_says_which_and_saves_nothing(s, client, signed_in):
    finalise_mission(s)
    advisor_signed, approver_signed = (x.signed_at for x in sorted(s.mission.sign_offs, key=lambda x: x.id))
    officer = signed_in(s.protocol)
    url = f"/items/{s.meeting.id}/edit"

    asked = officer.post(url, data=item_form(s.meeting, location="Hotel Lakeside"))

    page = text(asked)
    assert asked.status_code == 200 and ASKED in page
    assert "Nothing is saved yet." in page
    assert (f"Human-rights advisor: {s.advisor.name}, signed "
            f"{format_datetime(advisor_signed, 'Europe/Amsterdam', 'short')}") in page
    assert (f"Approver: {s.approver.name}, signed "
            f"{format_datetime(approver_signed, 'Europe/Amsterdam', 'short')}") in page
    assert "What this change alters: “Ontvangst door het stadsbestuur”: location — → Hotel Lakeside" in page
    mission = mission_now(s)
    assert mission.status == "finalised" and s.meeting.location != "Hotel Lakeside"
    # Nor does the next page say "saved": nothing was.
    assert "saved." not in text(officer.get(f"/missions/{s.mission.id}"))


def test_after_confirming_the_message_names_the_voided_sign_offs_and_offers_to_submit_again(s, client, signed_in):
    finalise_mission(s)
    officer = signed_in(s.protocol)
    url = f"/items/{s.meeting.id}/edit"
    asked = officer.post(url, data=item_form(s.meeting, location="Hotel Lakeside"))

    saved = officer.post(url, data=form_values(asked.get_data(as_text=True)), follow_redirects=True)

    page = text(saved)
    assert "“Ontvangst door het stadsbestuur” saved." in page
    assert ("“Werkbezoek” is back in draft: this change voided the sign-offs of "
            f"Human-rights advisor: {s.advisor.name}; Approver: {s.approver.name}.") in page
    assert f'<a class="utrecht-link" href="/missions/{s.mission.id}/checklist#sign-off">Submit for sign-off again</a>' \
        in saved.get_data(as_text=True)
    mission = mission_now(s)
    assert mission.status == "draft" and db.session.get(type(s.meeting), s.meeting.id).location == "Hotel Lakeside"


def test_a_submitted_mission_not_yet_signed_says_its_submission_is_withdrawn(s, client, signed_in):
    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    officer = signed_in(s.protocol)
    url = f"/items/{s.meeting.id}/edit"

    asked = officer.post(url, data=item_form(s.meeting, location="Hotel Lakeside"))

    assert "No one has signed it off yet; its submission for sign-off is withdrawn." in text(asked)
    saved = officer.post(url, data=form_values(asked.get_data(as_text=True)), follow_redirects=True)
    assert "“Werkbezoek” is back in draft: this change withdrew its submission for sign-off." in text(saved)
    assert mission_now(s).status == "draft"


def test_a_confirmation_covers_only_the_sign_offs_shown_one_signed_since_is_asked_about_again(s, client, signed_in):
    submit_for_signoff(s.protocol, s.mission, TODAY)
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()
    officer = signed_in(s.protocol)
    url = f"/items/{s.meeting.id}/edit"
    asked = officer.post(url, data=item_form(s.meeting, location="Hotel Lakeside"))
    assert f"Human-rights advisor: {s.advisor.name}" in text(asked) and "Approver:" not in text(asked)

    # The approver signs while the question is open: confirming what was shown does not void their sign-off.
    sign_off(s.approver, mission_now(s), SignOffRole.APPROVER, TODAY)
    commit()
    again = officer.post(url, data=form_values(asked.get_data(as_text=True)))

    assert again.status_code == 200 and f"Approver: {s.approver.name}" in text(again)
    assert mission_now(s).status == "finalised"


def test_a_change_to_a_draft_or_one_that_moves_nothing_vouched_for_is_not_asked_about(s, client, signed_in):
    officer = signed_in(s.protocol)
    url = f"/items/{s.meeting.id}/edit"
    assert officer.post(url, data=item_form(s.meeting, location="Elders")).status_code == 302  # a draft

    db.session.expire_all()
    finalise_mission(s)
    meeting = db.session.get(type(s.meeting), s.meeting.id)
    saved = officer.post(url, data=item_form(meeting, description="Met tolk"))  # not vouched for
    assert saved.status_code == 302 and mission_now(s).status == "finalised"


def test_withdrawing_consent_is_never_held_up_and_says_what_it_voided(s, client, signed_in):
    finalise_mission(s)
    advisor = signed_in(s.advisor)

    withdrawn = advisor.post(f"/participants/{s.participant.id}/missions/{s.mission.id}/withdraw",
                             data={"method": "phone"}, follow_redirects=True)

    assert ASKED not in text(withdrawn)
    assert "“Werkbezoek” is back in draft: this change voided the sign-offs of" in text(withdrawn)
    assert mission_now(s).status == "draft"


def test_the_question_is_in_dutch_for_a_dutch_reader(s, client, signed_in):
    finalise_mission(s)
    officer = signed_in(s.protocol, lang="nl")

    asked = officer.post(f"/items/{s.meeting.id}/edit", data=item_form(s.meeting, location="Hotel Lakeside"))

    assert "Opslaan en de aftekening vervallen laten?" in text(asked)
    assert ASKED not in text(asked)
