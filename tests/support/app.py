"""The test application: on SQLite (or on TEST_DATABASE_URL), its schema built by the real migrations, with one
Redis database per test process for rate limits and kept bodies."""

from __future__ import annotations

import contextvars
import os

from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from visitplanner import create_app
from visitplanner.commit import commit
from visitplanner.extensions import db

#: The pytest-xdist worker running this process ("gw0", "gw1", …), or "" when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0


def ratelimit_storage_uri() -> str:
    """The Redis database this process counts rate limits in: one per worker below the one the run was given
    (``TEST_RATELIMIT_STORAGE_URI``), since forgetting every count between tests empties a whole database."""
    base = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    server, _, number = base.rpartition("/")
    return f"{server}/{int(number) - WORKER_INDEX}" if number.isdigit() else base


def worker_database(url: str) -> str:
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


def drop_worker_database(url: str) -> None:
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
        return worker_database(url) if WORKER else url
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
        # (tests/auth/test_auth.py checks that the application uses the real one by default).
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
        # Rate limits are counted in Redis, as in production (each test starts with none: _clean_tables).
        "RATELIMIT_STORAGE_URI": ratelimit_storage_uri(),
        "RATELIMIT_KEY_PREFIX": f"visitplanner-test-{os.getpid()}",
        # Nobody needs a second factor here; tests/auth/test_second_factor.py switches on the production policy.
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


def forget_kept_in_redis() -> None:
    """Delete what the application kept in this process's Redis database under the cache's prefix (feed bodies, the
    dashboard's checks); the rate-limit counts have a prefix of their own."""
    import redis

    store = redis.Redis.from_url(ratelimit_storage_uri())
    for key in store.scan_iter("visitplanner:*"):
        store.delete(key)
