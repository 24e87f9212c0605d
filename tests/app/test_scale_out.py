"""Scale-out: two instances (two gunicorn processes on two ports) on one database and one Redis serve the same feeds
from a shared cache of built bodies (``visitplanner/cache.py``). Nothing a feed needs lives in one
process's memory: the database, the cache and the rate-limit counts are shared."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text
from support.app import forget_kept_in_redis, ratelimit_storage_uri

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db

ROOT = Path(__file__).resolve().parents[2]
#: What the proxy in front of both instances passes on: the same host, so that both look for the same body.
HOST = "plan.example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST, **headers})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


@pytest.fixture
def two_instances(app, tmp_path):
    """Two gunicorn processes on the test database, the test instance's keys, and one Redis for limits and cache."""
    started = []
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "RATELIMIT_STORAGE_URI": ratelimit_storage_uri(), "CACHE_URL": ratelimit_storage_uri(),
           "SECOND_FACTOR_ROLES": "", "PYTHONPATH": str(ROOT)}
    env.pop("DATA_KEY", None)
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level",
             "warning", f"visitplanner:create_app(instance_path={app.instance_path!r})"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append((process, port))
    for process, port in started:
        for _ in range(150):
            try:
                if get(port, "/robots.txt")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
            pytest.fail(f"gunicorn on {port} did not start: {process.stderr.read().decode()[-2000:]}")
    yield [port for _, port in started]
    for process, _ in started:
        process.terminate()
        process.wait(10)
        process.stderr.close()
    forget_kept_in_redis()


def test_a_body_built_by_one_instance_is_served_from_the_shared_cache_by_the_other(
        ctx, two_instances, make_user, make_mission, make_member, make_item):
    first, second = two_instances
    delegate = make_user(Role.DELEGATE)
    mission = make_mission(title="Werkbezoek Wuxi")
    make_item(mission, title="Ontvangst op het stadhuis", attendees=[make_member(mission, user=delegate)])
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()

    status, headers, built = get(first, f"/feeds/{token}.ics")
    assert status == 200 and b"Ontvangst op het stadhuis" in built
    # Behind both instances' backs (no revision rises, so the ETag stays): a body the second instance built itself
    # would show this title; the one it serves can only come from the cache the first one filled.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE programme_items SET title = 'Alleen in de database'"))
    status, again, served = get(second, f"/feeds/{token}.ics")
    assert status == 200
    assert again["ETag"] == headers["ETag"]
    assert served == built

    # A real change raises the revision: both instances build the new body, and keep it for each other.
    item = mission.items[0]
    db.session.refresh(item)
    item.title = "Ontvangst verplaatst"
    commit()
    status, moved, body = get(second, f"/feeds/{token}.ics")
    assert moved["ETag"] != headers["ETag"]
    assert b"Ontvangst verplaatst" in body
    assert get(first, f"/feeds/{token}.ics")[2] == body
    assert get(first, f"/feeds/{token}.ics", **{"If-None-Match": moved["ETag"]})[0] == 304


def test_the_instances_share_the_rate_limit_of_a_feed(ctx, two_instances, make_user, make_mission, make_member):
    first, second = two_instances
    delegate = make_user(Role.DELEGATE)
    mission = make_mission()
    make_member(mission, user=delegate)
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    answers = [get((first, second)[i % 2], f"/feeds/{token}.ics")[0] for i in range(31)]
    assert answers[:30] == [200] * 30
    assert answers[30] == 429, "the 31st fetch in a minute is refused, whichever instance gets it"


def test_no_revalidation_that_starts_after_a_commit_is_answered_from_before_it(
        redis_app, two_instances, make_user, make_mission, make_member, make_item):
    """Calendars revalidate through both instances while the office renames an item (through the application with
    Redis, as the office's own requests are). Every revalidation answered before the commit began is a 304; every one
    that starts once the commit has returned gets the new programme. Only the database decides: nothing kept in Redis
    can answer for it."""
    import threading

    first, second = two_instances
    with redis_app.test_request_context():
        delegate = make_user(Role.DELEGATE)
        mission = make_mission(title="Werkbezoek Wuxi")
        item = make_item(mission, title="Ontvangst op het stadhuis", attendees=[make_member(mission, user=delegate)])
        # Many subscribers, so that no feed reaches its rate limit (30 fetches a minute) while this runs.
        tokens = [create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1] for _ in range(80)]
        commit()
        etags = {token: get(first, f"/feeds/{token}.ics")[1]["ETag"] for token in tokens}
        assert all(get(second, f"/feeds/{t}.ics", **{"If-None-Match": etags[t]})[0] == 304 for t in tokens)

        answers: list[tuple[float, float, int]] = []
        stop = threading.Event()

        def calendar(n: int) -> None:
            while not stop.is_set():
                token = tokens[n % len(tokens)]
                started = time.perf_counter()
                status = get((first, second)[n % 2], f"/feeds/{token}.ics", **{"If-None-Match": etags[token]})[0]
                answers.append((started, time.perf_counter(), status))
                n += 4

        def until(enough) -> None:  # counted in answers, not seconds: CI's machine may be busy
            deadline = time.perf_counter() + 60
            while not enough() and time.perf_counter() < deadline:
                time.sleep(0.01)

        clients = [threading.Thread(target=calendar, args=(n,)) for n in range(4)]
        for client in clients:
            client.start()
        until(lambda: len(answers) >= 40)
        db.session.refresh(item)
        item.title = "Ontvangst verplaatst"
        committing = time.perf_counter()
        commit()
        committed = time.perf_counter()
        until(lambda: sum(started > committed for started, _, _ in list(answers)) >= 40)
        stop.set()
        for client in clients:
            client.join(30)

    before = [status for _, finished, status in answers if finished < committing]
    after = [status for started, _, status in answers if started > committed]
    assert len(before) >= 40 and set(before) == {304}, before
    assert len(after) >= 40 and set(after) == {200}, after
