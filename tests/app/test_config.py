"""Configuration an operator relies on: the secret key, the database, and how SQLite is opened."""

from __future__ import annotations

import re
import stat
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from itsdangerous import BadSignature
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from visitplanner.commit import commit
import visitplanner
from visitplanner import create_app
from visitplanner.crypto import new_key
from visitplanner.extensions import db
from visitplanner.missions.models import Mission


@pytest.fixture(autouse=True)
def operator_environment(monkeypatch):
    """Each test starts from an environment that sets nothing; tests set what they need."""
    for name in ("SECRET_KEY", "DATABASE_URL", "DATA_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@contextmanager
def running(instance: Path, **config):
    """An app as an operator starts it: from the environment and its instance folder only."""
    app = create_app(config or None, instance_path=str(instance))
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


# ---- the secret key ----------------------------------------------------------------------------------------


def test_the_secret_key_comes_from_the_environment_when_set(tmp_path, operator_environment):
    operator_environment.setenv("SECRET_KEY", "set-by-the-operator-0123456789")

    with running(tmp_path / "instance") as app:
        assert app.config["SECRET_KEY"] == "set-by-the-operator-0123456789"

    assert not (tmp_path / "instance" / "secret_key").exists(), "no key file when the environment gives one"


def test_without_one_a_secret_key_is_generated_into_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"

    with running(instance) as app:
        key = app.config["SECRET_KEY"]

    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == key
    assert len(key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "only the service account may read the key"


def test_the_generated_key_survives_a_restart_so_sessions_do_too(tmp_path):
    instance = tmp_path / "instance"
    with running(instance) as first:
        cookie = first.session_interface.get_signing_serializer(first).dumps({"_user_id": "7"})
        key = first.config["SECRET_KEY"]

    with running(instance) as restarted:
        assert restarted.config["SECRET_KEY"] == key
        assert restarted.session_interface.get_signing_serializer(restarted).loads(cookie) == {"_user_id": "7"}


def test_each_instance_folder_gets_its_own_key(tmp_path):
    with running(tmp_path / "one") as one, running(tmp_path / "two") as two:
        assert one.config["SECRET_KEY"] != two.config["SECRET_KEY"]
        cookie = one.session_interface.get_signing_serializer(one).dumps({"_user_id": "7"})
        with pytest.raises(BadSignature):
            two.session_interface.get_signing_serializer(two).loads(cookie)


SECRET_CONSTANTS = [
    re.compile(r"""(SECRET_KEY|secret_key)["'\]]*\s*[:=]\s*[rbuRBU]?["'][^"']+["']"""),  # SECRET_KEY = "dev"
    re.compile(r"""SECRET_KEY["']\s*,\s*[rbuRBU]?["']"""),  # os.environ.get("SECRET_KEY", "dev")
]


def test_no_secret_key_is_written_in_the_code():
    package = Path(visitplanner.__file__).parent
    sources = list(package.rglob("*.py"))
    assert len(sources) > 10
    constants = [
        f"{path.relative_to(package)}: {match.group(0)}"
        for path in sources
        for pattern in SECRET_CONSTANTS
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not constants, f"secret keys written into the code: {constants}"


# ---- the database ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given, used", [
    ("postgres://vp:pw@db.example:5432/visits", "postgresql+psycopg://vp:pw@db.example:5432/visits"),
    ("postgresql://vp:pw@db.example/visits", "postgresql+psycopg://vp:pw@db.example/visits"),
    ("postgresql+psycopg://vp:pw@db.example/visits", "postgresql+psycopg://vp:pw@db.example/visits"),
    ("sqlite:////srv/visitplanner/visits.sqlite", "sqlite:////srv/visitplanner/visits.sqlite"),
])
def test_database_url_selects_the_database(tmp_path, operator_environment, given, used):
    operator_environment.setenv("DATABASE_URL", given)
    operator_environment.setenv("DATA_KEY", new_key())  # the database is out of reach: a key must be given

    with running(tmp_path / "instance") as app:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == used
        with app.app_context():
            assert db.engine.url.render_as_string(hide_password=False) == used


def test_database_url_for_postgres_uses_the_installed_psycopg_driver(tmp_path, operator_environment):
    operator_environment.setenv("DATABASE_URL", "postgres://vp:pw@db.example/visits")
    operator_environment.setenv("DATA_KEY", new_key())

    with running(tmp_path / "instance") as app, app.app_context():
        assert db.engine.dialect.driver == "psycopg"


def test_by_default_the_database_is_an_sqlite_file_in_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"

    with running(instance) as app:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'visitplanner.sqlite'}"
        with app.app_context():
            upgrade()

    assert (instance / "visitplanner.sqlite").is_file()


@pytest.fixture
def usual_umask():
    """The umask most systems give a service (022: new files readable by everyone), so that the test shows what the
    application does, not what the machine running the tests does."""
    import os

    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_default_sqlite_files_are_readable_by_the_owner_only(tmp_path, usual_umask):
    instance = tmp_path / "instance"

    with running(instance) as app:
        with app.app_context():
            upgrade()
            db.session.execute(text("INSERT INTO settings (key, value) VALUES ('written', 'yes')"))
            commit()
            files = [instance / f"visitplanner.sqlite{end}" for end in ("", "-wal", "-shm")]
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files if path.exists()}

    assert "visitplanner.sqlite" in modes and "visitplanner.sqlite-wal" in modes, modes
    assert modes == dict.fromkeys(modes, 0o600), {name: oct(mode) for name, mode in modes.items()}


# ---- how SQLite is opened ----------------------------------------------------------------------------------
# Always a separate SQLite app, so these run whatever database TEST_DATABASE_URL points the other tests at.


@pytest.fixture
def sqlite_app(tmp_path):
    with running(tmp_path / "instance", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pragmas.sqlite'}",
                 SECRET_KEY="test-secret-key") as app:
        with app.app_context():
            upgrade()
        yield app


def pragma(name: str):
    return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_sqlite_enforces_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        assert pragma("foreign_keys") == 1
        db.session.add(Mission(partnership_id=999, direction="outbound", title="Nergens bij", purpose="",
                               start_date=date(2027, 4, 12), end_date=date(2027, 4, 15), timezone="Asia/Shanghai"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_sqlite_uses_the_write_ahead_log(sqlite_app):
    with sqlite_app.app_context():
        assert pragma("journal_mode") == "wal"


def test_sqlite_waits_five_seconds_for_a_lock_instead_of_failing(sqlite_app):
    with sqlite_app.app_context():
        assert pragma("busy_timeout") == 5000


def test_every_new_sqlite_connection_gets_the_same_settings(sqlite_app):
    with sqlite_app.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:
            for conn in (first, second):
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
