"""Fixtures every folder shares: the app on SQLite (or on TEST_DATABASE_URL), its schema built by the real
migrations; the factories (``make_user``, ``make_mission``, ...); clients per language and signed in per role; the
command line (``runner``). Helpers that are not fixtures live in ``tests/support/``."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from flask import session
from flask_babel import refresh as refresh_babel
from support.accounts import PASSWORD, Auth
from support.app import (
    WORKER,
    database_url,
    drop_worker_database,
    forget_kept_in_redis,
    make_app,
    ratelimit_storage_uri,
    reset_schema,
)
from support.dataset import Dataset, build_dataset

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import DelegationMember, Mission
from visitplanner.partnerships.models import Partnership
from visitplanner.timeutil import to_utc


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = make_app(database_url(tmp_path_factory), str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()
    if WORKER and os.environ.get("TEST_DATABASE_URL"):
        drop_worker_database(app.config["SQLALCHEMY_DATABASE_URI"])


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


# ---- factories ------------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(*roles: Role | str, email: str | None = None, name: str | None = None, active: bool = True,
             totp_secret: str | None = None) -> User:
        n = next(counter)
        user = User(email=email or f"user{n}@example.org", name=name or f"User {n}", active=active)
        if totp_secret:  # a second factor already set up
            user.totp_secret = totp_secret
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


@pytest.fixture
def dataset(app, make_user, make_partnership, make_mission, make_member, make_item) -> Dataset:
    """One of everything a URL can point at (``support/dataset.py``), for tests that walk every route."""
    return build_dataset(app, make_user, make_partnership, make_mission, make_member, make_item)


# ---- clients: one per language, signed in per role ------------------------------------------------------------


def speak(client, lang: str) -> None:
    """Set the language ``client``'s pages are in, as the language switch does (kept through signing in)."""
    with client.session_transaction() as session:
        session["lang"] = lang


@pytest.fixture
def client(app):
    """A browser (cookies of its own), not signed in; pages in Dutch, the default."""
    return app.test_client()


@pytest.fixture
def en(client):
    """``client`` with its pages in English."""
    speak(client, "en")
    return client


@pytest.fixture
def english(ctx):
    """The test's own request context (``ctx``) in English, for what operations called directly say (``en`` is the
    test client in English)."""
    session["lang"] = "en"
    refresh_babel()


@pytest.fixture
def another_client(app):
    """Another browser, cookies of its own: ``another_client()`` in English, ``another_client(lang="nl")`` in Dutch;
    ``address=`` the IP address its requests come from."""

    def make(*, lang: str = "en", address: str | None = None):
        other = app.test_client()
        if address:
            other.environ_base["REMOTE_ADDR"] = address
        speak(other, lang)
        return other

    return make


@pytest.fixture
def auth(client):
    """Sign ``client`` in (``auth.login(user_or_email)``) and out, as the login form does."""
    return Auth(client)


@pytest.fixture
def account(app, make_user):
    """An account made in an app context of its own, closed before any request; returns its e-mail address:
    ``account(Role.ADVISOR)``, with ``make_user``'s keywords."""

    def make(*roles: Role | str, **kwargs) -> str:
        with app.app_context():
            return make_user(*roles, **kwargs).email

    return make


@pytest.fixture
def login(client, make_user):
    """Sign ``client`` in as a new account with these roles (``login(Role.ADVISOR)``); returns the user. Needs the
    test's app context (``ctx``) for the account."""

    def do(*roles: Role | str, **kwargs) -> User:
        user = make_user(*roles, **kwargs)
        response = Auth(client).login(user)
        assert response.status_code == 302, "login failed"
        return user

    return do


@pytest.fixture
def signed_in(another_client, account):
    """Another browser, signed in with the password: as a new account with these roles (``signed_in(Role.ADMIN)``),
    or as an account given by its user or e-mail address (``signed_in(user)``). Pages in English unless
    ``lang="nl"``; ``address=`` as for ``another_client``."""

    def sign_in(*who: Role | str | User, lang: str = "en", address: str | None = None):
        if len(who) == 1 and isinstance(who[0], User):
            email = who[0].email
        elif len(who) == 1 and isinstance(who[0], str) and "@" in who[0]:
            email = who[0]
        else:
            email = account(*who)
        browser = another_client(lang=lang, address=address)
        assert Auth(browser).login(email).status_code == 302, f"{email} could not sign in"
        return browser

    return sign_in


@pytest.fixture
def reader(app):
    """A calendar service fetching feeds: no account, no session, only the URL."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The command line (``flask --app visitplanner ...``) of the test application: ``runner.invoke(args=[...])``."""
    return app.test_cli_runner()
