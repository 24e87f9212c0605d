"""Fixtures: an app on SQLite (or on TEST_DATABASE_URL), its schema built by the real migrations."""

from __future__ import annotations

import contextvars
import os
from datetime import date, datetime, timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import select, text

from visitplanner import create_app
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import DelegationMember, Mission
from visitplanner.partnerships.models import Partnership
from visitplanner.timeutil import to_utc

PASSWORD = "correct horse battery staple"


#: The pytest-xdist worker running this process ("gw0", "gw1", …), or "" when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0


def ratelimit_storage_uri() -> str:
    """The Redis database this process counts rate limits in: one per worker below the one the run was given
    (``TEST_RATELIMIT_STORAGE_URI``), since forgetting every count between tests empties a whole database."""
    base = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    server, _, number = base.rpartition("/")
    return f"{server}/{int(number) - WORKER_INDEX}" if number.isdigit() else base


def _worker_database(url: str) -> str:
    """With several workers on PostgreSQL, each gets a database of its own next to the one it was given."""
    from sqlalchemy.engine import make_url

    import psycopg

    given = make_url(url)
    name = f"{given.database}_{WORKER}"
    admin = given.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return given.set(database=name).render_as_string(hide_password=False)


def _drop_worker_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    import psycopg

    given = make_url(url)
    admin = given.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{given.database}" WITH (FORCE)')


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return _worker_database(url) if WORKER else url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, a request made while a test holds an app context (the ``ctx`` fixture) would
    share that context's ``g`` (the signed-in user, the language) and database session.
    The test's own session is committed before and after each request, so that each side sees
    what the other wrote.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        if outer:
            commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if outer:
            commit()
        return response


def make_app(url: str, instance_path: str, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        # A cheap argon2 profile: the production one costs about half a second per password on this machine
        # (test_auth.py checks that the application uses the real one by default).
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
        # Rate limits are counted in Redis, as in production (each test starts with none: _clean_tables).
        "RATELIMIT_STORAGE_URI": ratelimit_storage_uri(),
        "RATELIMIT_KEY_PREFIX": f"visitplanner-test-{os.getpid()}",
        # Nobody needs a second factor here; tests/test_second_factor.py switches on the production policy.
        "SECOND_FACTOR_ROLES": (),
    }
    config.update(extra)
    app = create_app(config, instance_path=instance_path)
    app.test_client_class = IsolatedClient
    return app


def reset_schema() -> None:
    """Drop everything, then build the schema with the migrations, as a fresh install does."""
    from flask_migrate import upgrade

    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = make_app(database_url(tmp_path_factory), str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()
    if WORKER and os.environ.get("TEST_DATABASE_URL"):
        _drop_worker_database(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture(scope="session")
def _redis_app(app):
    app_with_redis = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path,
                              CACHE_URL=ratelimit_storage_uri())
    yield app_with_redis
    with app_with_redis.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_app(app, _redis_app):
    """The test application again, on the same database and keys, as production runs it behind a proxy: feed
    bodies in Redis (``CACHE_URL``). What it keeps there goes after each test."""
    yield _redis_app
    forget_kept_in_redis()


def forget_kept_in_redis() -> None:
    """Delete what the application kept in this process's Redis database under the cache's prefix (feed bodies, the
    dashboard's checks); the rate-limit counts have a prefix of their own."""
    import redis

    store = redis.Redis.from_url(ratelimit_storage_uri())
    for key in store.scan_iter("visitplanner:*"):
        store.delete(key)


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Every test starts with empty tables."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        from visitplanner import limits
        from visitplanner import cache as feed_cache

        limits.reset()
        feed_cache.clear()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name == "focal_themes":  # keep the catalogue the migration seeded
                    conn.execute(table.delete().where(table.c.key.is_(None)))
                elif table.name == "revision_clock":  # its one row stays, as the migration made it on no data
                    conn.execute(table.update().values(last_ms=0))
                else:
                    conn.execute(table.delete())


@pytest.fixture
def ctx(app):
    """An application context for tests that call operations directly."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


# ---- factories ------------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(*roles: Role | str, email: str | None = None, name: str | None = None, active: bool = True) -> User:
        n = next(counter)
        user = User(email=email or f"user{n}@example.org", name=name or f"User {n}", active=active)
        user.set_password(PASSWORD)
        user.set_roles(roles or [Role.PROTOCOL])
        db.session.add(user)
        commit()
        return user

    return make


@pytest.fixture
def make_partnership(app):
    def make(**overrides) -> Partnership:
        values = dict(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                      kind="sister_city", cooperation_themes="water")
        values.update(overrides)
        partnership = Partnership(**values)
        db.session.add(partnership)
        commit()
        return partnership

    return make


@pytest.fixture
def make_mission(app, make_partnership):
    def make(direction: str = "outbound", *, start=date(2027, 4, 12), end=date(2027, 4, 15),
             timezone: str = "Asia/Shanghai", partnership=None, title: str = "Werkbezoek") -> Mission:
        mission = Mission(partnership=partnership or make_partnership(), direction=direction, title=title,
                          purpose="", start_date=start, end_date=end, timezone=timezone)
        db.session.add(mission)
        commit()
        return mission

    return make


@pytest.fixture
def make_member(app):
    def make(mission: Mission, user: User | None = None, name: str | None = None) -> DelegationMember:
        member = DelegationMember(mission=mission, user=user, name=None if user else (name or "Extern Lid"))
        db.session.add(member)
        commit()
        return member

    return make


@pytest.fixture
def make_item(app):
    def make(mission: Mission, start: str = "2027-04-13T14:00", end: str = "2027-04-13T15:00", *,
             zone: str | None = None, kind: str = "official_meeting", title: str = "Ontvangst",
             visibility: str = "delegation", attendees=(), parallel: bool = False, **extra) -> ProgrammeItem:
        zone = zone or mission.timezone
        item = ProgrammeItem(
            mission=mission, kind=kind, title=title, timezone=zone, visibility=visibility, parallel=parallel,
            starts_at=to_utc(datetime.fromisoformat(start), zone), ends_at=to_utc(datetime.fromisoformat(end), zone),
            attendees=list(attendees), **extra,
        )
        db.session.add(item)
        commit()
        return item

    return make


def sign_in_to_demo(client, email: str):
    """Sign in to a demo account as a person does: the password, then (for the roles that need one) the code
    the documented demo key gives now. Returns the last answer."""
    import pyotp

    from visitplanner.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code == 302 and response.headers["Location"] == "/login/code":
        response = client.post("/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    return response


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login(client, make_user):
    """Sign in as a new user with the given roles; returns the user."""

    def do(*roles: Role | str, **kwargs) -> User:
        user = make_user(*roles, **kwargs)
        response = Auth(client).login(user)
        assert response.status_code == 302, "login failed"
        return user

    return do


@pytest.fixture
def en(ctx, client):
    """The test client, with pages in English (the default is Dutch); ``ctx`` for the database in between."""
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def replace_clock(patch: pytest.MonkeyPatch, now) -> None:
    """Set the application's one clock (``timeutil.clock``) to ``now`` (a moment or a callable), so that today,
    lapses, expiry, sessions and second-factor steps all follow it (undone with ``patch``)."""
    from visitplanner.timeutil import clock

    patch.setattr(clock, "_source", None)  # what ``patch`` puts back
    clock.set(now)


def time_passes(seconds: int = 5) -> None:
    """As if everything written so far had been written ``seconds`` earlier (revisions, feeds).

    A feed answers If-Modified-Since with 304 only once its latest change is a whole second in the past, so that
    a change in the same second as a fetch can never hide behind it; tests that look at that answer let time pass.
    """
    from visitplanner.calendar.models import CalendarFeed

    for table in ("missions", "partnerships", "users"):
        db.session.execute(text(f"UPDATE {table} SET revised_ms = revised_ms - :ms"), {"ms": seconds * 1000})
    for feed in db.session.scalars(select(CalendarFeed)):
        feed.created_at -= timedelta(seconds=seconds)
    commit()


class Statements:
    """The SQL statements the application sends while the block runs (``with Statements() as sql: ...``)."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self):
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(db.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.seen)

    @property
    def writes(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith(self.WRITES)]


@pytest.fixture
def reader(app):
    """A calendar service fetching feeds: no account, no session, only the URL."""
    return app.test_client()
