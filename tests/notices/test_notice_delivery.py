"""Notices delivered to a real mail server: to the account's address, in its language, with the link and a
Message-ID derived from the notice; a refusing server gets the notice again later, once; two runs at once send each
notice once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support.clock import replace_clock
from support.smtp import free_port

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.notices.due import write_due
from visitplanner.notices.models import Notice
from visitplanner.notices.operations import sign_off_requested
from visitplanner.notices.sending import MailServer, send_due
from visitplanner.timeutil import now_utc, today_utc

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("ctx")


def run_notify(app) -> None:
    """What ``flask notify`` does: write the notices due by date, then send what is due."""
    write_due(today_utc(), now_utc())
    commit()
    send_due(MailServer.from_url(app.config["MAIL_URL"]))


@pytest.fixture
def requested(make_user, make_mission, monkeypatch):
    """A mission submitted for sign-off, and the notices it wrote to an English-reading advisor and a Dutch-reading
    approver."""
    replace_clock(monkeypatch, NOW)
    protocol = make_user(Role.PROTOCOL)
    advisor = make_user(Role.ADVISOR, email="advisor@example.org")
    advisor.language = "en"
    make_user(Role.APPROVER, email="approver@example.org")
    mission = make_mission()
    notices = sign_off_requested(protocol, mission)
    commit()
    return mission, {n.user.email: n for n in notices}


def test_a_notice_arrives_at_the_account_address_in_its_language_with_its_link(app, inbox, requested):
    mission, notices = requested
    run_notify(app)

    by_address = {m["To"]: m for m in inbox.messages}
    assert set(by_address) == {"advisor@example.org", "approver@example.org"}
    message = by_address["advisor@example.org"]
    assert message["Subject"] == "A mission waits for sign-off (12 Apr 2027 – 15 Apr 2027)"
    assert message["From"] == "visitplanner@planner.example.nl"
    assert message["Content-Language"] == "en"
    notice = notices["advisor@example.org"]
    assert message["Message-ID"] == f"<notice-{notice.id}@planner.example.nl>"
    body = message.get_content()
    assert "submitted for sign-off" in body
    assert f"https://planner.example.nl/missions/{mission.id}/checklist" in body
    assert "https://planner.example.nl/account/notices" in body
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).sent_at == NOW


def test_a_dutch_reader_gets_the_notice_in_dutch(app, inbox, requested):
    """Waits for the Dutch catalogue (the lead regenerates it from translations-mail.json)."""
    run_notify(app)
    message = next(m for m in inbox.messages if m["To"] == "approver@example.org")
    assert message["Subject"] == "Een missie wacht op aftekenen (12 apr. 2027 – 15 apr. 2027)"


@pytest.mark.parametrize("refusal", ["451 4.3.0 Try again later", "554 5.7.1 Refused for now"])
def test_a_refusing_server_gets_the_notice_again_later_and_it_arrives_once(app, inbox, requested, monkeypatch,
                                                                           refusal):
    inbox.refusals = [refusal]  # the first message is refused, the next accepted
    run_notify(app)
    db.session.expire_all()
    tried = db.session.scalars(select(Notice).order_by(Notice.id)).all()
    assert [n.attempts for n in tried] == [1, 1]
    refused = next(n for n in tried if n.sent_at is None)
    assert refused.last_error == f"SMTP {refusal[:3]}"
    assert refused.next_attempt_at == NOW + timedelta(minutes=1)
    assert len(inbox.messages) == 1

    run_notify(app)  # the same minute: not yet
    assert len(inbox.messages) == 1

    inbox.refusals = [refusal]  # refused again a minute later: the wait doubles
    replace_clock(monkeypatch, NOW + timedelta(minutes=1))
    run_notify(app)
    db.session.expire_all()
    refused = db.session.get(Notice, refused.id)
    assert (refused.attempts, refused.next_attempt_at) == (2, NOW + timedelta(minutes=3))

    replace_clock(monkeypatch, NOW + timedelta(minutes=3))
    run_notify(app)
    run_notify(app)
    assert sorted(m["To"] for m in inbox.messages) == ["advisor@example.org", "approver@example.org"]
    db.session.expire_all()
    assert db.session.get(Notice, refused.id).attempts == 3
    assert db.session.get(Notice, refused.id).last_error == ""


def test_an_unreachable_server_stops_the_run_and_the_rest_wait_untouched(app, requested, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp+plain://127.0.0.1:{free_port()}")  # nobody listens there
    run_notify(app)
    db.session.expire_all()
    first, second = db.session.scalars(select(Notice).order_by(Notice.id)).all()
    assert (first.attempts, first.last_error, first.sent_at) == (1, "ConnectionRefusedError", None)
    assert first.next_attempt_at == NOW + timedelta(minutes=1) and first.claimed_at is None
    assert (second.attempts, second.last_error, second.sent_at) == (0, "", None)


def test_the_wait_doubles_up_to_six_hours():
    from visitplanner.notices.sending import wait_after

    assert [wait_after(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert wait_after(30) == timedelta(hours=6)


def test_two_runs_at_once_send_each_notice_once(app, inbox, make_user, make_mission, monkeypatch):
    replace_clock(monkeypatch, NOW)
    protocol = make_user(Role.PROTOCOL)
    advisors = [make_user(Role.ADVISOR) for _ in range(6)]
    for _ in range(5):
        sign_off_requested(protocol, make_mission())
    # Follow-ups falling due: both runs find them and write their notices at once, each once.
    mission = make_mission()
    db.session.add_all([FollowUp(mission_id=mission.id, what="Brief", with_whom="", owner=advisor,
                                 due_date=NOW.date() + timedelta(days=2)) for advisor in advisors])
    commit()
    assert db.session.scalar(select(func.count(Notice.id))) == 30
    db.session.rollback()

    start, problems = threading.Barrier(2), []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                run_notify(app)
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's failure
            problems.append(repr(error))

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert problems == []
    written = db.session.scalar(select(func.count(Notice.id)))
    assert written == 36
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == written and len(set(ids)) == written
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.sent_at.is_(None))) == 0
    assert db.session.scalar(select(func.sum(Notice.attempts))) == written


def test_a_run_that_died_after_claiming_leaves_the_notice_to_a_later_run_with_the_same_message_id(
        app, inbox, requested, monkeypatch):
    from visitplanner.notices.sending import claim

    _mission, notices = requested
    notice = notices["advisor@example.org"]
    assert claim(notice.id, NOW) is not None  # a run claimed it, then died before marking it sent
    run_notify(app)
    assert [m["To"] for m in inbox.messages] == ["approver@example.org"]

    replace_clock(monkeypatch, NOW + timedelta(minutes=16))  # the claim is old: the run is taken to have died
    run_notify(app)
    sent = {m["To"]: m["Message-ID"] for m in inbox.messages}
    assert sent["advisor@example.org"] == f"<notice-{notice.id}@planner.example.nl>"
    assert len(inbox.messages) == 2


def test_a_deactivated_account_is_sent_nothing(app, inbox, requested):
    _mission, notices = requested
    notices["approver@example.org"].user.active = False
    commit()
    run_notify(app)
    assert [m["To"] for m in inbox.messages] == ["advisor@example.org"]


def test_a_person_whose_role_was_taken_away_is_sent_nothing_of_it(app, inbox, requested):
    _mission, notices = requested
    advisor = notices["advisor@example.org"].user
    advisor.set_roles([Role.PROTOCOL])
    commit()
    run_notify(app)
    assert [m["To"] for m in inbox.messages] == ["approver@example.org"]
    assert db.session.scalars(select(Notice.user_id)).all() == [notices["approver@example.org"].user_id]


def test_the_password_in_mail_url_is_read_and_never_kept():
    server = MailServer.from_url("smtps://notices%40office.nl:s3cr%2Ft@mail.example.nl")
    assert (server.scheme, server.host, server.port) == ("smtps", "mail.example.nl", 465)
    assert (server.user, server.password) == ("notices@office.nl", "s3cr/t")
    assert MailServer.from_url("smtp://mail.example.nl").port == 587
    with pytest.raises(ValueError) as refused:
        MailServer.from_url("http://user:s3cret@mail.example.nl")
    assert "s3cret" not in str(refused.value)
