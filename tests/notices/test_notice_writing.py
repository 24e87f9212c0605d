"""Each kind of notice is written by the change that causes it, in its transaction, to the people it is for: a
submission to the advisors and approvers, a void to the submitter and the signers, a finalisation to the delegation's
accounts, and the time-driven kinds by ``flask notify``, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from support.clock import replace_clock
from support.readiness import TODAY, finalise, freeze_today, give_consent, ready_mission

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.notices.due import write_due
from visitplanner.notices.models import Notice, NoticeKind, NoticeOptOut
from visitplanner.notices.operations import plain, sign_off_requested
from visitplanner.readiness.operations import submit_for_signoff

pytestmark = pytest.mark.usefixtures("ctx")


def notices(kind: NoticeKind) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.kind == kind.value).order_by(Notice.id)))


def recipients(kind: NoticeKind) -> set[int]:
    return {n.user_id for n in notices(kind)}


def test_submitting_tells_the_advisors_and_approvers_who_may_sign(make_user, make_mission, make_item, monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    second_advisor = make_user(Role.ADVISOR)
    make_user(Role.ADVISOR, active=False)
    make_user(Role.DELEGATE), make_user(Role.ADMIN), make_user(Role.PROTOCOL)
    turned_off = make_user(Role.APPROVER)
    db.session.add(NoticeOptOut(user_id=turned_off.id, kind=NoticeKind.SIGNOFF_REQUESTED.value))
    commit()

    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    assert recipients(NoticeKind.SIGNOFF_REQUESTED) == {s.advisor.id, s.approver.id, second_advisor.id}
    (first, *_rest) = notices(NoticeKind.SIGNOFF_REQUESTED)
    assert first.params == {"starts_on": "2027-04-12", "ends_on": "2027-04-15"}
    assert (first.link_endpoint, first.link_values) == ("readiness.checklist", {"mission_id": s.mission.id})


def test_a_refused_submission_writes_no_notice(make_user, make_mission, make_item, monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    give_consent(s.advisor, s.participant, s.mission, reconfirm_by=date(2027, 4, 10))  # ends before the meeting
    commit()
    with pytest.raises(RuleViolation):
        submit_for_signoff(s.protocol, s.mission, TODAY)
    db.session.rollback()
    assert notices(NoticeKind.SIGNOFF_REQUESTED) == []


def test_finalising_tells_the_delegation_members_with_an_account(make_user, make_mission, make_item, make_member,
                                                                 monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    delegate, gone = make_user(Role.DELEGATE), make_user(Role.DELEGATE, active=False)
    make_member(s.mission, user=delegate)
    make_member(s.mission, user=gone)
    make_member(s.mission, name="Wethouder zonder account")
    finalise(s)
    assert recipients(NoticeKind.MISSION_FINALISED) == {delegate.id}
    (notice,) = notices(NoticeKind.MISSION_FINALISED)
    assert (notice.link_endpoint, notice.link_values) == ("missions.show", {"mission_id": s.mission.id})


def test_a_change_that_voids_sign_offs_tells_the_submitter_and_the_signers(make_user, make_mission, make_item,
                                                                           monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    finalise(s)
    assert notices(NoticeKind.SIGNOFFS_VOIDED) == []

    s.meeting.location = "Elders in het stadhuis"  # the place is vouched for: the sign-offs are void at the commit
    commit(s.protocol)
    assert s.mission.status == "draft"
    assert recipients(NoticeKind.SIGNOFFS_VOIDED) == {s.protocol.id, s.advisor.id, s.approver.id}
    assert {n.params["count"] for n in notices(NoticeKind.SIGNOFFS_VOIDED)} == {2}

    s.meeting.description = "Nog een zin."  # nothing vouched moved, nothing voided, nobody told again
    commit(s.protocol)
    assert len(notices(NoticeKind.SIGNOFFS_VOIDED)) == 3


def test_time_driven_notices_are_written_by_notify_once(make_user, make_mission, make_item, monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    # The consent must be reconfirmed before the person's meeting on 14 April: the advisors hear of it now.
    give_consent(s.advisor, s.participant, s.mission, reconfirm_by=date(2027, 4, 10))
    other_advisor = make_user(Role.ADVISOR)
    make_user(Role.PROTOCOL)
    due = FollowUp(mission_id=s.mission.id, what="Brief aan het stadsbestuur", with_whom="Wethouder",
                   owner=s.protocol, due_date=TODAY + timedelta(days=3))
    late = FollowUp(mission_id=s.mission.id, what="Verslag", with_whom="", owner=s.advisor,
                    due_date=TODAY - timedelta(days=1))
    later = FollowUp(mission_id=s.mission.id, what="Later", with_whom="", owner=s.advisor,
                     due_date=TODAY + timedelta(days=30))
    db.session.add_all([due, late, later])
    commit()
    feed, _token = create_feed(s.approver, kind="mission", audience="internal", mission=s.mission)
    feed.expires_at = datetime(2027, 3, 10, tzinfo=UTC)
    commit()
    db.session.execute(Notice.__table__.delete())
    commit()

    now = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    replace_clock(monkeypatch, now)
    written = write_due(TODAY, now)
    commit()
    assert recipients(NoticeKind.CONSENT_ENDING) == {s.advisor.id, other_advisor.id}
    assert {n.params["meeting_on"] for n in notices(NoticeKind.CONSENT_ENDING)} == {"2027-04-14"}
    assert {(n.user_id, n.params["overdue"]) for n in notices(NoticeKind.FOLLOW_UP_DUE)} == {
        (s.protocol.id, False), (s.advisor.id, True)}
    assert recipients(NoticeKind.FEED_EXPIRING) == {s.approver.id}
    assert written == len(db.session.scalars(select(Notice)).all())

    assert write_due(TODAY, now) == 0  # a second run writes nothing new
    commit()
    assert write_due(TODAY + timedelta(days=1), now + timedelta(days=1)) == 0  # nor the next day
    commit()

    # When a follow-up that was due falls overdue, its owner hears once more.
    overdue_day = TODAY + timedelta(days=4)
    write_due(overdue_day, now + timedelta(days=4))
    commit()
    assert [n.params["overdue"] for n in notices(NoticeKind.FOLLOW_UP_DUE) if n.user_id == s.protocol.id] == [
        False, True]


def test_an_assessment_ending_within_14_days_is_told_to_the_advisors(make_user, make_mission, make_item,
                                                                      monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)  # the assessment holds until 30 June 2027
    commit()
    day = date(2027, 6, 20)
    assert write_due(day, datetime(2027, 6, 20, 8, 0, tzinfo=UTC)) >= 1
    commit()
    assert recipients(NoticeKind.ASSESSMENT_ENDING) == {s.advisor.id}
    assert {n.params["ends_on"] for n in notices(NoticeKind.ASSESSMENT_ENDING)} == {"2027-06-30"}


def test_a_notice_keeps_dates_numbers_and_codes_only():
    assert plain({"day": date(2027, 4, 1), "count": 2, "overdue": True, "role": "approver"}) == {
        "day": "2027-04-01", "count": 2, "overdue": True, "role": "approver"}
    for text in ("Ontvangst door het stadsbestuur", "Chen Xiaoli", "Reiger-2041", "2027-04-01 Wuxi"):
        with pytest.raises(ValueError):
            plain({"title": text})


def test_a_lapse_applied_by_the_daily_checklist_tells_the_submitter_and_the_signers(
        runner, make_user, make_mission, make_item, monkeypatch):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    finalise(s)
    replace_clock(monkeypatch, datetime(2027, 7, 1, 6, 0, tzinfo=UTC))  # the assessment ran out on 30 June
    result = runner.invoke(args=["checklist", str(s.mission.id)])
    assert "sign-off voided" in result.output
    assert recipients(NoticeKind.SIGNOFFS_VOIDED) == {s.protocol.id, s.advisor.id, s.approver.id}


def test_retention_deletes_the_notices_written_more_than_180_days_ago(runner, make_user, make_mission,
                                                                      monkeypatch):
    replace_clock(monkeypatch, datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    make_user(Role.ADVISOR)
    sign_off_requested(make_user(Role.PROTOCOL), make_mission())
    commit()
    replace_clock(monkeypatch, datetime(2027, 6, 29, 9, 0, tzinfo=UTC))
    sign_off_requested(make_user(Role.PROTOCOL), make_mission())
    commit()
    replace_clock(monkeypatch, datetime(2027, 7, 1, 9, 0, tzinfo=UTC))
    assert "1 notice(s) older than 180 days due" in runner.invoke(args=["retention", "--dry-run"]).output
    assert "1 notice(s) older than 180 days deleted" in runner.invoke(args=["retention"]).output
    assert [n.created_at.date() for n in db.session.scalars(select(Notice))] == [date(2027, 6, 29)]
