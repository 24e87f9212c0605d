"""One source of truth for a feed (issue 21, part 5): the database alone decides a 304.

- A Redis restored from an older snapshot (or a lagging replica) cannot make a revalidation staler than the
  database: nothing kept in Redis answers one.
- With Redis gone, work goes on: signing in, editing, fetching a feed (rate limits counted in this process's memory,
  bodies built instead of kept).
- Last-Modified never goes backwards in commit order: two overlapping transactions on PostgreSQL, the later one to
  commit having flushed first; a client that revalidates with If-Modified-Since alone gets the new body.
- A name that leaves the data (erasure, withdrawal, pseudonymisation) leaves every kept body with it (part 4).

The Redis cases run against a Redis server the test starts itself on a free port; the commit-order case against a
PostgreSQL database of its own (PostgreSQL is the only database here with concurrent writers), whichever database
the rest of the suite runs on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from support.accounts import PASSWORD
from support.app import WORKER, make_app, reset_schema
from support.clock import replace_clock

from visitplanner import timeutil
from visitplanner.auth.models import Role, User
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.participants.models import Scope
from visitplanner.participants.operations import create_participant, record_consent, withdraw_consent

REAL_NAME = "Li Wei"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, on a free port, keeping its snapshot (``SAVE``) in a folder of its own."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start, loading the snapshot in the folder if there is one."""
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder), "--dbfilename", "snapshot.rdb"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        for _ in range(300):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def snapshot(self) -> None:
        redis.Redis(port=self.port).save()

    def stop(self) -> None:
        """Gone at once, as a crash is: nothing saved on the way out."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_own_redis(app, own_redis):
    """The test application again, on the same database and keys, with its cache and rate limits in the Redis the
    test started (as production runs it)."""
    with_redis = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, CACHE_URL=own_redis.url,
                          RATELIMIT_STORAGE_URI=own_redis.url)
    yield with_redis
    with with_redis.app_context():
        db.engine.dispose()


def a_named_meeting(make_user, make_mission, make_item):
    """An advisor's internal feed of a mission whose meeting names a participant (not at risk) by consent."""
    advisor = make_user(Role.ADVISOR, Role.PROTOCOL)
    mission = make_mission()
    item = make_item(mission, title="Gesprek met de vakbond", kind="ngo_visit", visibility="internal")
    person = create_participant(advisor, real_name=REAL_NAME, alias="Zwaluw-4471", kind="ngo", at_risk=False)
    item.participants.append(person)
    record_consent(advisor, person, mission, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL], method="in_person",
                   information_version="v1", reconfirm_by=mission.end_date, today=timeutil.today_utc())
    token = create_feed(advisor, kind="mission", audience="internal", mission=mission)[1]
    commit()
    return advisor, mission, item, person, token


# ---- Redis restored from an older snapshot --------------------------------------------------------------------


def test_a_redis_restored_from_an_older_snapshot_cannot_answer_a_revalidation(
        on_own_redis, own_redis, make_user, make_mission, make_item):
    """The snapshot was taken while the name was in the feed; consent was withdrawn after it; Redis came back from
    the snapshot. Six revalidations of the copy with the name all get the new body, without it."""
    with on_own_redis.test_request_context():
        advisor, mission, item, person, token = a_named_meeting(make_user, make_mission, make_item)
        reader = on_own_redis.test_client()
        first = reader.get(f"/feeds/{token}.ics")
        assert first.status_code == 200 and REAL_NAME.encode() in first.data
        etag = first.headers["ETag"]
        assert reader.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag}).status_code == 304
        own_redis.snapshot()

        withdraw_consent(advisor, person, mission, method="phone")
        commit()
        own_redis.stop()
        own_redis.start()  # from the snapshot: what it held before the withdrawal is back

        for _ in range(6):
            again = reader.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
            assert again.status_code == 200 and REAL_NAME.encode() not in again.data
            assert again.headers["ETag"] != etag


# ---- Redis gone ---------------------------------------------------------------------------------------------------


def test_with_redis_gone_the_office_signs_in_edits_and_calendars_fetch(
        on_own_redis, own_redis, make_user, make_mission, make_item):
    """Redis stops (the test's own server, killed). Signing in, the dashboard, an edit and a feed all still work:
    rate limits are counted in this process's memory meanwhile, and feed bodies are built instead of kept."""
    from support.itinerary import edit_form

    with on_own_redis.test_request_context():
        advisor, mission, item, person, token = a_named_meeting(make_user, make_mission, make_item)
        email, item_id = advisor.email, item.id
    own_redis.stop()

    office = on_own_redis.test_client()
    assert office.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert office.get("/").status_code == 200
    with on_own_redis.test_request_context():
        form = edit_form(db.session.get(ProgrammeItem, item_id), title="Gesprek met de vakbond (verplaatst)",
                         participants=[str(person.id)])
    assert office.post(f"/items/{item_id}/edit", data=form).status_code == 302
    with on_own_redis.app_context():
        assert db.session.get(ProgrammeItem, item_id).title == "Gesprek met de vakbond (verplaatst)"

    calendar = on_own_redis.test_client()
    fetched = calendar.get(f"/feeds/{token}.ics")
    assert fetched.status_code == 200 and b"(verplaatst)" in fetched.data
    assert calendar.get(f"/feeds/{token}.ics", headers={"If-None-Match": fetched.headers["ETag"]}).status_code == 304
    # Counted in memory meanwhile: a guesser is still stopped.
    guesser = on_own_redis.test_client()
    wrong = [guesser.post("/login", data={"email": email, "password": "wrong"}).status_code for _ in range(6)]
    assert wrong[-1] == 429


# ---- Last-Modified in commit order (PostgreSQL) ---------------------------------------------------------------


@pytest.fixture
def postgres_app(tmp_path):
    """The application on a PostgreSQL database of its own, built by the migrations."""
    import psycopg

    admin = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"visitplanner_commit_order_{WORKER or 'main'}_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = "postgresql+psycopg://" + admin.removeprefix("postgresql://").rsplit("/", 1)[0] + f"/{name}"
    app = make_app(url, str(tmp_path / "instance"))
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_last_modified_never_goes_backwards_in_commit_order(postgres_app, monkeypatch):
    """Two offices edit two missions of one partnership at once. The first flushes its change, the second flushes
    and commits, a calendar fetches the partnership's feed, then the first commits. Revalidating with
    If-Modified-Since alone, the calendar must get the first office's change: its revision is stamped when it
    commits, after everything the calendar saw."""
    app = postgres_app
    with app.app_context():
        owner = User(email="protocol@example.org", name="Protocol")
        owner.set_password(PASSWORD)
        owner.set_roles([Role.PROTOCOL])
        db.session.add(owner)
        from visitplanner.partnerships.models import Partnership
        from visitplanner.timeutil import to_utc

        partnership = Partnership(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                                  kind="sister_city", cooperation_themes="water")
        ids = []
        for title in ("Werkbezoek Wuxi", "Handelsmissie Suzhou"):
            mission = Mission(partnership=partnership, direction="outbound", title=title, purpose="",
                              start_date=timeutil.today_utc() + timedelta(days=30),
                              end_date=timeutil.today_utc() + timedelta(days=33), timezone="Asia/Shanghai")
            start = to_utc(timeutil.local_naive(timeutil.now_utc(), "Asia/Shanghai").replace(
                hour=10, minute=0, second=0, microsecond=0) + timedelta(days=31), "Asia/Shanghai")
            item = ProgrammeItem(mission=mission, kind="official_meeting", title=f"Ontvangst {title}",
                                 timezone="Asia/Shanghai", visibility="internal", starts_at=start,
                                 ends_at=start + timedelta(hours=1))
            db.session.add(item)
            db.session.flush()
            ids.append(item.id)
        token = create_feed(owner, kind="partnership", audience="internal", partnership=partnership)[1]
        commit()

    # Each office in a session of its own, on a connection of its own.
    with app.app_context():
        first_office = db.session.session_factory()
        first_office.get(ProgrammeItem, ids[0]).title = "Ontvangst verplaatst naar het stadhuis"
        first_office.flush()  # its revision rises now, and its mission's row stays locked until it commits
        second_office = db.session.session_factory()
        second_office.get(ProgrammeItem, ids[1]).title = "Ontvangst bij de kamer van koophandel"
        commit(session=second_office)
        second_office.close()

    # The calendar fetches a while later (its clock, the application's, moved on): Last-Modified is the second after
    # the latest change it can see.
    later = timeutil.now_utc() + timedelta(minutes=10)
    replace_clock(monkeypatch, lambda: later)
    reader = app.test_client()
    seen = reader.get(f"/feeds/{token}.ics")
    assert seen.status_code == 200 and b"kamer van koophandel" in seen.data and b"stadhuis" not in seen.data

    with app.app_context():
        commit(session=first_office)  # the first office commits last
        first_office.close()

    again = reader.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": seen.headers["Last-Modified"]})
    assert again.status_code == 200, "a 304 would keep the copy without the first office's change"
    assert b"stadhuis" in again.data
    assert again.headers["Last-Modified"] != seen.headers["Last-Modified"]
    with app.app_context():
        stamps = dict(db.session.execute(select(Mission.id, Mission.revised_ms)).all())
    first_mission, second_mission = sorted(stamps)
    assert stamps[first_mission] > stamps[second_mission], "stamped in the order they committed"


# ---- kept bodies forgotten when a name leaves the data ---------------------------------------------------------

HOSTS = ("http://plan.example.org/", "http://agenda.example.org/")


def names(body: bytes) -> bool:
    """Whether the calendar text names the person (lines unfolded: a long line may break inside the name)."""
    return REAL_NAME.encode() in body.replace(b"\r\n ", b"")


def kept_bodies(app, candidates: set[str]) -> tuple[list[bytes], int]:
    """Every feed body the cache keeps, decrypted (with the key each was kept under as associated data), and how
    many kept entries could not be read as one: in Redis by the keys, in the folder by the cache keys of the ETags,
    hosts and languages fetched (a file's name does not give its key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from visitplanner.cache import cache
    from visitplanner.crypto import keyring

    ring, bodies, unknown = keyring(), [], 0

    def opened(sealed, key: str) -> bytes | None:
        if not isinstance(sealed, bytes) or not sealed:
            return None
        kid = sealed[1:1 + sealed[0]].decode("ascii", "replace")
        nonce, body = sealed[1 + sealed[0]:13 + sealed[0]], sealed[13 + sealed[0]:]
        try:
            return AESGCM(ring.keys[kid]).decrypt(nonce, body, key.encode())
        except (KeyError, InvalidTag):
            return None

    backend = cache.cache
    if app.config.get("CACHE_URL"):
        store = redis.Redis.from_url(app.config["CACHE_URL"])
        for raw in store.scan_iter("visitplanner:feed:*"):
            key = raw.decode().removeprefix("visitplanner:")
            body = opened(backend.get(key), key)
            bodies += [body] if body is not None else []
            unknown += body is None
        return bodies, unknown
    folder = Path(app.instance_path) / "cache" / "feeds"
    count_file = Path(backend._get_filename(backend._fs_count_file)).name  # the folder's own count of entries
    names = {p.name for p in folder.iterdir() if p.name != count_file}
    found = {}
    for key in candidates:
        body = opened(backend.get(key), key)
        if body is not None:
            found[Path(backend._get_filename(key)).name] = body
    return list(found.values()), len(names - found.keys())


@pytest.mark.parametrize("cache_in", ["folder", "redis"])
@pytest.mark.parametrize("change", ["erase", "withdraw", "pseudonymise"])
def test_a_name_that_leaves_the_data_leaves_every_kept_body(
        app, on_own_redis, make_user, make_mission, make_item, cache_in, change):
    """Issue 21, part 4: kept bodies vary by host and language. Feeds fetched in both languages on two hosts keep
    bodies with the name; once the person is erased, withdraws or is pseudonymised, no kept body that decrypts holds
    it, in Redis or in the folder, and none is left that cannot be read."""
    from flask_babel import force_locale

    from visitplanner import cache as feed_cache
    from visitplanner.participants.retention import erase, pseudonymise

    application = on_own_redis if cache_in == "redis" else app
    with application.test_request_context():
        advisor, mission, item, person, token = a_named_meeting(make_user, make_mission, make_item)
        organisation = create_feed(advisor, kind="organisation", audience="internal")[1]
        commit()
        candidates = set()
        for host in HOSTS:
            for language in ("nl", "en"):
                reader = application.test_client()
                reader.post("/language", data={"lang": language, "next": "/"}, base_url=host)
                for feed_token in (token, organisation):
                    response = reader.get(f"/feeds/{feed_token}.ics", base_url=host)
                    assert response.status_code == 200 and names(response.data)
                    with force_locale(language):
                        candidates.add(feed_cache.key(response.headers["ETag"].strip('"'), host))
        before, unread = kept_bodies(application, candidates)
        assert unread == 0 and len(before) == 8 and all(names(body) for body in before)

        if change == "erase":
            erase(advisor, person)
        elif change == "withdraw":
            withdraw_consent(advisor, person, mission, method="phone")
        else:
            pseudonymise(advisor, person)
        commit()

        after, unread = kept_bodies(application, candidates)
        assert unread == 0
        assert not any(names(body) for body in after)
