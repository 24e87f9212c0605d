"""Benchmark: what a calendar feed, a page and a revalidation cost, against a floor, in one run (``make bench``).

A benchmark, not a test: it asserts nothing and times nothing in the test suite. It seeds a PostgreSQL database
(``BENCH_DATABASE_URL``, by default a database ``visitplanner_bench`` on 127.0.0.1 that it creates) through the
application's own operations, as an office would fill it, and prints side by side:

- a full (uncached) organisation feed at 1,000 and 10,000 items, divided by the floor: the icalendar library
  alone building and serialising the same events from plain values;
- a cached full fetch of the same feed, divided by the floor;
- a 304 answer, divided by a full one;
- the queries of every page and export at 10 and at 300 items;
- peak memory growth (tracemalloc) while building the feed of 10,000 items;
- a bounded load run against gunicorn with 2 workers (two instances when ``--instances 2``), rate limits and
  bodies in Redis as in production: feed revalidations per second beside ``/robots.txt`` per second. Every
  revalidation is answered by the database (nothing kept elsewhere decides a 304).

Ratios are taken within one run, so that they hold on a busy machine too; the absolute figures do not.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from visitplanner import create_app  # noqa: E402
from visitplanner.commit import commit  # noqa: E402
from visitplanner.extensions import db  # noqa: E402

PASSWORD = "bench-password-not-secret"
ITEMS_PER_MISSION = 100
TARGETS = {
    "uncached": 1.3,
    "cached": 0.1,
    "revalidation": 0.3,
    "memory_mib": 50,
}


# ---- the database --------------------------------------------------------------------------------------------


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/visitplanner_bench")


def fresh_database(url: str) -> str:
    """An empty PostgreSQL database at ``url`` (dropped and made again); the SQLAlchemy URL to reach it."""
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def make_app(url: str, instance: Path, **extra):
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Bench accounts, not real ones: a cheap password hash keeps the seeding about the data.
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
        "SECOND_FACTOR_ROLES": (),
        "WTF_CSRF_ENABLED": False,
    }
    config.update(extra)
    return create_app(config, instance_path=str(instance))


# ---- seeding through the operations ----------------------------------------------------------------------------


def seed(n_items: int, *, prefix: str):
    """A partnership with missions of 100 items (two attendees and one consenting participant each), made with
    the operations the views call, committed per mission as the office would. Returns (owner, partnership)."""
    from visitplanner.auth.models import Role
    from visitplanner.auth.operations import create_user
    from visitplanner.itinerary.operations import create_item
    from visitplanner.missions.operations import add_member, create_mission
    from visitplanner.participants.models import Scope
    from visitplanner.participants.operations import create_participant, record_consent
    from visitplanner.partnerships.operations import create_partnership

    officer = create_user(None, email=f"{prefix}-protocol@example.org", name="Protocol", password=PASSWORD,
                          roles=[Role.PROTOCOL])
    advisor = create_user(None, email=f"{prefix}-advisor@example.org", name="Advisor", password=PASSWORD,
                          roles=[Role.ADVISOR])
    partnership = create_partnership(officer, own_organisation="Gemeente Teststad", partner_region=f"Wuxi {prefix}",
                                     region_type="city", kind="sister_city", cooperation_themes="water")
    commit()
    made, m = 0, 0
    while made < n_items:
        count = min(ITEMS_PER_MISSION, n_items - made)
        start = date(2027, 4, 5) + timedelta(days=7 * m)
        mission = create_mission(officer, partnership_id=partnership.id, direction="outbound",
                                 title=f"Werkbezoek {prefix} {m}", purpose="", start_date=start,
                                 end_date=start + timedelta(days=4), timezone="Asia/Shanghai")
        members = [add_member(officer, mission, name=f"Lid {i}") for i in range(2)]
        for i in range(count):
            person = create_participant(advisor, real_name=f"Naam {prefix}-{m}-{i}", alias=f"Alias {prefix}-{m}-{i}",
                                        kind="resident", at_risk=False)
            record_consent(advisor, person, mission, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL],
                           method="in_person", information_version="v1", reconfirm_by=date(2099, 1, 1),
                           today=date(2027, 1, 1))
            local = datetime.combine(start + timedelta(days=i % 4), datetime.min.time()) + timedelta(
                hours=8, minutes=(i // 4) * 2)
            create_item(officer, mission, kind="citizen_meeting", title=f"Gesprek {i}", timezone="Asia/Shanghai",
                        visibility="delegation", starts_at=local, ends_at=local + timedelta(minutes=1),
                        attendees=[x.id for x in members], participants=[person.id], location="Wuxi",
                        description="Gesprek met bewoners over de wijk.", talking_points="Arbeidsrechten.")
        commit()
        made += count
        m += 1
    return officer, partnership


# ---- measuring ------------------------------------------------------------------------------------------------


@contextmanager
def counting_queries():
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def best_of(fn, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return min(timings)


def floor_body(views, name: str) -> bytes:
    """The floor: icalendar alone building and serialising the same events, from plain values prepared
    beforehand (no database, no disclosure, no translation)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//bench//floor//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for v in views:
        ev = Event()
        ev.add("uid", v["uid"])
        ev.add("dtstamp", v["stamp"])
        ev.add("last-modified", v["stamp"])
        ev.add("sequence", v["sequence"])
        ev.add("dtstart", v["start"])
        ev.add("dtend", v["end"])
        ev.add("summary", v["title"])
        ev.add("class", v["class"])
        ev.add("transp", "OPAQUE")
        ev.add("status", "CONFIRMED")
        ev.add("location", v["location"])
        ev.add("description", v["description"])
        cal.add_component(ev)
    return cal.to_ical()


def plain_views(body: bytes) -> list[dict]:
    """The events of a built feed as plain values, for the floor to build again."""
    from icalendar import Calendar

    views = []
    for ev in Calendar.from_ical(body).walk("VEVENT"):
        views.append({
            "uid": str(ev["uid"]), "stamp": ev.decoded("dtstamp"), "sequence": int(ev.get("sequence", 0)),
            "start": ev.decoded("dtstart"), "end": ev.decoded("dtend"), "title": str(ev["summary"]),
            "class": str(ev.get("class", "PUBLIC")), "location": str(ev.get("location", "")),
            "description": str(ev.get("description", "")),
        })
    return views


def feed_figures(app, client, token: str, rounds: int) -> dict:
    """Uncached full, cached full, 304 and the floor for one feed; memory growth of an uncached build."""
    from visitplanner import limits
    from visitplanner import cache as feed_cache

    url = f"/feeds/{token}.ics"

    def full(cached: bool):
        with app.app_context():
            limits.reset()  # the bench fetches one feed more often than a calendar service may
        if not cached:
            with app.app_context():
                feed_cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    body = full(False).get_data()
    views = plain_views(body)
    etag = client.get(url).headers["ETag"]
    figures = {
        "events": len(views),
        "bytes": len(body),
        "floor": best_of(lambda: floor_body(views, "Bench"), rounds),
        "uncached": best_of(lambda: full(False), rounds),
        "cached": best_of(lambda: full(True), rounds),
        "not_modified": best_of(lambda: client.get(url, headers={"If-None-Match": etag}), rounds),
    }
    with app.app_context():
        feed_cache.clear()
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    full(False)
    figures["peak_mib"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    return figures


# ---- queries per page ----------------------------------------------------------------------------------------


def page_figures() -> list[tuple[str, int, int]]:
    """The statements of every page and export at 10 and at 300 items, on two sites built as the query-count test
    builds them (``tests/app/test_query_counts.py``), here on PostgreSQL."""
    os.environ.setdefault("TEST_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/8")
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "app")]
    import pytest
    import test_query_counts as counts
    from support.app import make_app as make_test_app
    from support.app import reset_schema
    from support.readiness import TODAY, freeze_today

    frozen = pytest.MonkeyPatch()
    freeze_today(frozen, TODAY)
    sites = {}
    try:
        for size in counts.SIZES:
            url = fresh_database(f"{bench_url()}_pages{size}")
            app = make_test_app(url, str(ROOT / "instance" / f"bench-pages{size}"))
            with app.app_context():
                reset_schema()
                mission, regular, users = counts.build(size)
                sites[size] = counts.Site(app, size, mission.id, mission.partnership_id, regular.id,
                                          {role: user.email for role, user in users.items()})
        rows = []
        for page in counts.PAGES:
            found = [counts.fetch(sites[size], page)[0] for size in counts.SIZES]
            rows.append((page.id, *found))
        return rows
    finally:
        frozen.undo()
        for site in sites.values():
            with site.app.app_context():
                db.engine.dispose()


# ---- load against gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, instance: Path, port: int, cache_url: str = "redis://127.0.0.1:6379/9"
                   ) -> subprocess.Popen:
    """One instance as production runs it: gunicorn, 2 sync workers, rate limits and (with ``cache_url``) feed
    bodies in Redis."""
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
           "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/8",
           "CACHE_URL": cache_url, "SECOND_FACTOR_ROLES": ""}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", f"visitplanner:create_app(instance_path={str(instance)!r})"],
        env=env, cwd=ROOT)
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def load(ports: list[int], paths: list[tuple[str, dict]], seconds: float, threads: int = 8) -> tuple[float, dict]:
    """Requests per second over ``seconds``, ``threads`` clients cycling through ``paths`` (each with its request
    headers) and spreading over the instances at ``ports``; with the answers' status codes counted."""
    import http.client
    import itertools
    import threading
    from collections import Counter

    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        seen: Counter = Counter()
        for i in itertools.count(n):
            if time.perf_counter() > deadline:
                break
            path, headers = paths[i % len(paths)]
            conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            seen[response.status] += 1
        with lock:
            statuses.update(seen)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(statuses.values()) / (time.perf_counter() - started), dict(statuses)


def _fetch(port: int, token: str, etag: str | None = None) -> tuple[int, str | None]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}/feeds/{token}.ics",
                                     headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request) as response:
            response.read()
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers["ETag"]


def load_figures(app, url: str, instance: Path, instances: int, seconds: float) -> dict:
    """Feed revalidations (If-None-Match, answered 304 by the database) beside /robots.txt, against gunicorn."""
    from visitplanner.calendar.operations import create_feed
    from visitplanner.missions.models import Mission

    with app.test_request_context():
        from visitplanner.auth.models import User

        owner = db.session.scalars(db.select(User).where(User.email.like("%-protocol@%"))).first()
        mission = db.session.scalars(db.select(Mission).order_by(Mission.id)).first()
        # Many subscribers: one feed is allowed 30 fetches a minute, as a calendar service needs at most.
        tokens = [create_feed(owner, kind="mission", audience="delegation", mission=mission)[1] for _ in range(600)]
        commit()

    ports = [free_port() for _ in range(instances)]
    processes = [start_gunicorn(url, instance, port) for port in ports]
    try:
        etags = {token: _fetch(ports[0], token)[1] for token in tokens}
        assert all(_fetch(ports[0], token, etags[token])[0] == 304 for token in tokens)
        robots = load(ports, [("/robots.txt", {})], seconds)
        revalidations = load(ports, [(f"/feeds/{t}.ics", {"If-None-Match": etags[t]}) for t in tokens], seconds)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    return {"robots": robots, "revalidations": revalidations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="feed sizes in items (default 1000,10000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10, help="length of each load run")
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances for the load run (1 or 2)")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    import shutil

    url = fresh_database(bench_url())
    instance = ROOT / "instance" / "bench"  # its own key file, cache folder and secret: made afresh with the data
    shutil.rmtree(instance, ignore_errors=True)
    app = make_app(url, instance, CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/9"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    print(f"visitplanner benchmark, {date.today().isoformat()}, PostgreSQL at {bench_url().rsplit('@', 1)[-1]}")
    rows = []
    for n in sizes:
        started = time.perf_counter()
        with app.test_request_context():
            owner, _ = seed(n, prefix=f"b{n}")
            from visitplanner.calendar.operations import create_feed

            _, token = create_feed(owner, kind="partnership", audience="internal", partnership=_)
            commit()
        print(f"seeded {n} items through the operations in {time.perf_counter() - started:.0f} s", flush=True)
        rows.append((n, feed_figures(app, app.test_client(), token, args.rounds)))
    print()
    print(f"{'items':>7} {'events':>7} {'MiB':>5} {'floor s':>8} {'uncached':>9} {'cached':>8} {'304/full':>9} "
          f"{'peak MiB':>9}")
    for n, f in rows:
        print(f"{n:>7} {f['events']:>7} {f['bytes'] / 2**20:>5.1f} {f['floor']:>8.3f} "
              f"{f['uncached'] / f['floor']:>8.2f}× {f['cached'] / f['floor']:>7.3f}× "
              f"{f['not_modified'] / f['uncached']:>8.4f}× {f['peak_mib']:>9.1f}")
    print(f"targets: uncached ≤ {TARGETS['uncached']}× floor, cached ≤ {TARGETS['cached']}× floor, "
          f"peak ≤ {TARGETS['memory_mib']} MiB at 10,000 items")
    if not args.skip_pages:
        rows = page_figures()
        print()
        print(f"queries per page and export (10 → 300 items), {len(rows)} pages; "
              f"{sum(a == b for _, a, b in rows)} constant:")
        for name, at10, at300 in rows:
            print(f"  {name:<44} {at10:>3} → {at300:>3}{'' if at10 == at300 else '   GROWS'}")
    if not args.skip_load:
        figures = load_figures(app, url, instance, args.instances, args.seconds)
        (robots, robots_status), (feeds, feeds_status) = figures["robots"], figures["revalidations"]
        print()
        print(f"load, {args.seconds:.0f} s each, gunicorn × {args.instances} (2 workers each), 8 clients:")
        print(f"  /robots.txt                         {robots:8.0f} requests/s  {robots_status}")
        print(f"  feed revalidations, from database   {feeds:8.0f} requests/s  {feeds_status}")
        print(f"  ratio                               {feeds / robots:8.2f}×  (target ≥ {TARGETS['revalidation']}×)")

if __name__ == "__main__":
    main()
