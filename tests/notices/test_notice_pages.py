"""A person's notices in the application: listed on their Notices page (with or without e-mail), and their choices
of kinds and language on their account page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.accounts import Auth
from support.readiness import TODAY, freeze_today, ready_mission

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.notices.models import Notice, NoticeKind, NoticeOptOut
from visitplanner.readiness.operations import submit_for_signoff

pytestmark = pytest.mark.usefixtures("ctx")


def checked(html: str) -> set[str]:
    """The values of the ticked checkboxes and radio buttons of a page."""
    return set(re.findall(r'<input[^>]*\bchecked[^>]*\bvalue="([^"]+)"', html)) | set(
        re.findall(r'<input[^>]*\bvalue="([^"]+)"[^>]*\bchecked', html))


def test_without_mail_url_notices_are_kept_and_shown_and_nothing_is_sent(app, runner, en, make_user, make_mission,
                                                                        make_item, monkeypatch):
    assert app.config["MAIL_URL"] == ""
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()

    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "MAIL_URL is not set" in result.output
    assert all(n.sent_at is None for n in db.session.scalars(select(Notice)))

    Auth(en).login(s.advisor)
    page = en.get("/notices").get_data(as_text=True)
    assert "A mission waits for sign-off (12 Apr 2027 – 15 Apr 2027)" in page
    assert f'href="/missions/{s.mission.id}/checklist"' in page
    assert "not sent: e-mail is not set up" in page
    assert 'href="/notices"' in en.get("/").get_data(as_text=True)  # in the menu


def test_a_person_turns_a_kind_off_and_then_gets_none_of_it(en, make_user, make_mission, make_item, monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    Auth(en).login(s.approver)
    page = en.get("/account/notices").get_data(as_text=True)
    assert checked(page) == {"signoff_requested", "signoffs_voided", "follow_up_due", "mission_finalised",
                             "feed_expiring", "nl"}
    assert "consent_ending" not in page  # the advisor's alone

    answer = en.post("/account/notices", data={"kinds": ["signoffs_voided", "follow_up_due", "mission_finalised",
                                                         "feed_expiring"], "language": "en"})
    assert answer.status_code == 302
    assert checked(en.get("/account/notices").get_data(as_text=True)) == {
        "signoffs_voided", "follow_up_due", "mission_finalised", "feed_expiring", "en"}
    db.session.expire_all()
    assert s.approver.language == "en"
    assert [r.kind for r in db.session.scalars(select(NoticeOptOut))] == ["signoff_requested"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.notices")).one()
    assert entry.actor_id == s.approver.id
    assert entry.changes == {"notices_off": [[], ["signoff_requested"]], "language": ["nl", "en"]}

    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    told = {n.user_id for n in db.session.scalars(select(Notice).where(
        Notice.kind == NoticeKind.SIGNOFF_REQUESTED.value))}
    assert told == {s.advisor.id}


def test_a_delegation_member_is_offered_only_the_kinds_for_them(en, login):
    login(Role.DELEGATE)
    page = en.get("/account/notices").get_data(as_text=True)
    assert checked(page) == {"mission_finalised", "feed_expiring", "nl"}


def test_an_unknown_language_or_kind_is_refused_and_changes_nothing(en, login):
    user = login(Role.PROTOCOL)
    for data in ({"kinds": ["mission_finalised"], "language": "xx"},
                 {"kinds": ["consent_ending"], "language": "en"}):
        answer = en.post("/account/notices", data=data)
        assert answer.status_code == 200
        assert "There is a problem" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert user.language == "nl"
    assert db.session.scalars(select(NoticeOptOut)).all() == []
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.notices")).all() == []
