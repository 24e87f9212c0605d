"""Sign-off races over real HTTP: people press "Sign off" on the same mission at the same moment.

The app is served by werkzeug on a free port, in a thread of its own, and each person is a browser of their own
(``urllib`` with a cookie jar), so the requests really run at once, each in its own thread, app context and
database transaction. Whatever the order the database lets them through in, the mission must end finalised
exactly once, with one standing sign-off per role, and the approver who came second must be told that someone
else signed first — never a 500, never a mission left awaiting sign-off with both sign-offs standing.

The data of each round is made in an app context of its own that is closed before the first request: the
requests are served from other threads and must not share the test's session.
"""

from __future__ import annotations

import html
import re
import threading
import traceback
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, ProxyHandler, build_opener

import pytest
from flask import got_request_exception
from sqlalchemy import func, select
from support.accounts import PASSWORD
from support.readiness import TODAY, audit_count, freeze_today, ready_mission
from werkzeug.serving import make_server

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.missions.models import Mission, MissionStatus
from visitplanner.readiness.models import SignOff, SignOffRole
from visitplanner.readiness.operations import sign_off, submit_for_signoff

ROUNDS = 6
#: How long a browser waits for an answer; SQLite's busy timeout is 5 s.
TIMEOUT = 30
FLASH = re.compile(r'<div class="utrecht-alert[^"]*" role="(?:alert|status)">\s*'
                   r'<p class="utrecht-paragraph">(.*?)</p>', re.S)
SIGNED_FIRST = "Someone else signed first"
SIGNED_AS_APPROVER = "Signed off as Approver."
SIGNED_AS_ADVISOR = "Signed off as Human-rights advisor."


# ---- the served app and the browsers ------------------------------------------------------------------------


@dataclass
class Served:
    url: str
    #: Exceptions raised while serving a request, as formatted tracebacks.
    errors: list[str]


@pytest.fixture
def served(app, monkeypatch):
    """The app served on 127.0.0.1 in a background thread, with today frozen; stopped at the end."""
    freeze_today(monkeypatch)
    errors: list[str] = []

    def record_error(sender, exception, **extra):
        errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record_error, app)
    server = make_server(host="127.0.0.1", port=0, app=app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="served-app", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", errors)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)
        got_request_exception.disconnect(record_error, app)


class _KeepRedirects(HTTPRedirectHandler):
    """Hand a redirect back to the caller (as an HTTPError) instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """One person's browser: a cookie jar of its own, redirects not followed, no proxy."""

    def __init__(self, served: Served):
        self.url = served.url
        self.opener = build_opener(ProxyHandler({}), HTTPCookieProcessor(CookieJar()), _KeepRedirects())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """GET (or POST ``data``) ``path``; returns the status code and the body."""
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, data=body, timeout=TIMEOUT) as response:
                return response.status, response.read().decode()
        except HTTPError as answer:
            with answer:
                return answer.code, answer.read().decode()

    def sign_in(self, email: str) -> None:
        """Switch the pages to English, then sign in."""
        assert self.request("/language", {"lang": "en", "next": "/"})[0] == 302
        assert self.request("/login", {"email": email, "password": PASSWORD})[0] == 302, f"login failed: {email}"

    def flashes(self, mission_id: int) -> list[str]:
        """The messages the checklist page shows (and so consumes)."""
        status, page = self.request(f"/missions/{mission_id}/checklist")
        assert status == 200
        return [html.unescape(m).strip() for m in FLASH.findall(page)]


def browser_for(served: Served, email: str) -> Browser:
    """A browser signed in as ``email``."""
    browser = Browser(served)
    browser.sign_in(email)
    return browser


def at_once(*posts) -> list[tuple[int, str]]:
    """Run each ``(browser, path, data)`` POST in a thread of its own, released together; their status codes and
    bodies."""
    barrier = threading.Barrier(len(posts))
    statuses: list[tuple[int, str] | None] = [None] * len(posts)
    failures: list[str] = []

    def press(i: int, browser: Browser, path: str, data: dict) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            statuses[i] = browser.request(path, data)
        except BaseException:  # reported to the test below
            failures.append(traceback.format_exc())

    threads = [threading.Thread(target=press, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a browser never got an answer"
    assert not failures, "\n".join(failures)
    return statuses


# ---- the data of a round ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    mission_id: int
    advisor: str
    approver_a: str
    approver_b: str
    #: User id per e-mail address, to tell who won.
    ids: dict[str, int]


@pytest.fixture
def awaiting_sign_off(app, make_user, make_mission, make_item):
    """Build a mission submitted for sign-off and a second approver (optionally the advisor signed), committed."""
    rounds = iter(range(1, 10_000))  # aliases are unique: one per round

    def build(*, advisor_signed: bool = False) -> Round:
        with app.app_context():
            s = ready_mission(make_user, make_mission, make_item, "outbound", alias=f"Reiger-{next(rounds):04d}")
            second = make_user(Role.APPROVER)
            submit_for_signoff(s.protocol, s.mission, TODAY)
            if advisor_signed:
                sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
            commit()
            assert s.mission.status == MissionStatus.READY.value
            people = (s.advisor, s.approver, second)
            return Round(s.mission.id, s.advisor.email, s.approver.email, second.email,
                         {p.email: p.id for p in people})

    return build


def sign_path(r: Round) -> str:
    return f"/missions/{r.mission_id}/sign-off"


def outcome(app, r: Round) -> tuple[Mission, dict[str, list[int]], int]:
    """Read afresh: the mission, the user ids of the standing sign-offs per role, and its finalise audit entries."""
    with app.app_context():
        db.session.expire_all()
        mission = db.session.get(Mission, r.mission_id)
        standing: dict[str, list[int]] = {role.value: [] for role in SignOffRole}
        for s in db.session.scalars(select(SignOff).where(SignOff.mission_id == r.mission_id,
                                                          SignOff.voided_at.is_(None))):
            standing[s.role].append(s.user_id)
        finalised = audit_count("mission.finalise", mission)
        db.session.expunge(mission)
        return mission, standing, finalised


def stuck_missions(app) -> list[int]:
    """Missions still awaiting sign-off although both sign-offs stand."""
    with app.app_context():
        both = (select(SignOff.mission_id).where(SignOff.voided_at.is_(None)).group_by(SignOff.mission_id)
                .having(func.count(func.distinct(SignOff.role)) == len(SignOffRole)))
        return list(db.session.scalars(select(Mission.id).where(Mission.status == MissionStatus.READY.value,
                                                                Mission.id.in_(both))))


def assert_finalised_once(app, r: Round) -> str:
    """The mission is finalised once, with one standing sign-off per role; returns the winning approver's e-mail."""
    mission, standing, finalised = outcome(app, r)
    assert mission.status == MissionStatus.FINALISED.value
    assert mission.finalised_at is not None
    assert finalised == 1
    assert standing[SignOffRole.ADVISOR.value] == [r.ids[r.advisor]]
    assert len(standing[SignOffRole.APPROVER.value]) == 1
    winner = standing[SignOffRole.APPROVER.value][0]
    assert winner in (r.ids[r.approver_a], r.ids[r.approver_b])
    return r.approver_a if winner == r.ids[r.approver_a] else r.approver_b


def told(flashes: list[str], prefix: str) -> bool:
    return any(m.startswith(prefix) for m in flashes)


def assert_told(browsers: dict[str, Browser], r: Round, winner: str, answers: dict[str, tuple[int, str]]) -> list[str]:
    """The winning approver is sent back to the checklist and reads that they signed off; the other stays on the
    confirmation page, which says that someone else signed first. Returns what the winner read."""
    loser = r.approver_b if winner == r.approver_a else r.approver_a
    assert answers[winner][0] == 302
    won = browsers[winner].flashes(r.mission_id)
    assert told(won, SIGNED_AS_APPROVER), won
    status, page = answers[loser]
    refusal = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    assert status == 200 and re.search(f"You cannot sign off now: {SIGNED_FIRST}: .* as Approver\\.", refusal), refusal
    assert not told(browsers[loser].flashes(r.mission_id), SIGNED_AS_APPROVER)
    return won


# ---- the races ----------------------------------------------------------------------------------------------


def test_two_approvers_and_the_advisor_signing_at_once_finalise_the_mission_exactly_once(
        app, served, awaiting_sign_off):
    for _ in range(ROUNDS):
        r = awaiting_sign_off()
        browsers = {email: browser_for(served, email) for email in (r.approver_a, r.approver_b, r.advisor)}

        answers = at_once(
            (browsers[r.approver_a], sign_path(r), {"role": SignOffRole.APPROVER.value}),
            (browsers[r.approver_b], sign_path(r), {"role": SignOffRole.APPROVER.value}),
            (browsers[r.advisor], sign_path(r), {"role": SignOffRole.ADVISOR.value}),
        )

        assert not served.errors, "\n".join(served.errors)
        assert answers[2][0] == 302  # the advisor's role was open: signed
        winner = assert_finalised_once(app, r)
        won = assert_told(browsers, r, winner, dict(zip((r.approver_a, r.approver_b), answers[:2], strict=True)))
        advised = browsers[r.advisor].flashes(r.mission_id)
        assert told(advised, SIGNED_AS_ADVISOR), advised
        # Whoever signed second, and only they, reads that the mission is now final.
        assert sum("The mission is now final" in m for m in won + advised) == 1, (won, advised)
        assert stuck_missions(app) == []


def test_when_the_advisor_has_signed_the_approver_who_wins_finalises_and_the_other_is_told(
        app, served, awaiting_sign_off):
    for _ in range(ROUNDS // 2):
        r = awaiting_sign_off(advisor_signed=True)
        browsers = {email: browser_for(served, email) for email in (r.approver_a, r.approver_b)}

        answers = at_once(
            (browsers[r.approver_a], sign_path(r), {"role": SignOffRole.APPROVER.value}),
            (browsers[r.approver_b], sign_path(r), {"role": SignOffRole.APPROVER.value}),
        )

        assert not served.errors, "\n".join(served.errors)
        winner = assert_finalised_once(app, r)
        assert_told(browsers, r, winner, dict(zip((r.approver_a, r.approver_b), answers, strict=True)))
        assert stuck_missions(app) == []
