"""Settings from the environment, with safe defaults for a single-office install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one generated once into the instance folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # Create with owner-only permissions before writing the key into it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def database_url(instance_path: str) -> str:
    """DATABASE_URL when set (PostgreSQL above all), else an SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return "sqlite:///" + str(Path(instance_path) / "visitplanner.sqlite")


def create_sqlite_file_privately(url: str, instance_path: str) -> None:
    """Create the SQLite database file of ``url`` readable by its owner only (0600), before SQLite first opens it
    and would create it readable by everyone the umask allows; SQLite gives the -wal and -shm files beside it the
    same mode. A file that exists is left as it is; other databases need nothing."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") or parsed.query.get("uri"):
        return
    path = Path(instance_path) / parsed.database  # a relative path is in the instance folder (Flask-SQLAlchemy)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _positive(name: str, default: int) -> int:
    """A whole number above zero from the environment, else ``default``."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


_minutes = _positive


def build_config(instance_path: str) -> dict:
    """The configuration of a running instance."""
    idle, lifetime = _minutes("SESSION_IDLE_MINUTES", 30), _minutes("SESSION_LIFETIME_MINUTES", 12 * 60)
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        #: The keys personal data is encrypted under at rest (``crypto``); else the key file in the instance folder.
        "DATA_KEY": os.environ.get("DATA_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        #: The time zone of the organisation itself: "home time" beside outbound programmes.
        "HOME_TIMEZONE": os.environ.get("HOME_TIMEZONE", "Europe/Amsterdam"),
        #: The organisation's house style (``theme.py``): its name in every page's header, its logo (a file in the
        #: instance folder, or an address on this site), its two colours, and a stylesheet of its own tokens.
        "ORGANISATION_NAME": os.environ.get("ORGANISATION_NAME", "Gemeente Voorbeeldstad"),
        "ORGANISATION_LOGO": os.environ.get("ORGANISATION_LOGO", ""),
        "ORGANISATION_PRIMARY_COLOUR": os.environ.get("ORGANISATION_PRIMARY_COLOUR", ""),
        "ORGANISATION_LINK_COLOUR": os.environ.get("ORGANISATION_LINK_COLOUR", ""),
        "ORGANISATION_STYLESHEET": os.environ.get("ORGANISATION_STYLESHEET", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        #: A session ends after this long without a request, and this long after signing in, whatever happens.
        "SESSION_IDLE_MINUTES": idle,
        "SESSION_LIFETIME_MINUTES": lifetime,
        #: The signed cookie itself is refused after the lifetime too.
        "PERMANENT_SESSION_LIFETIME": lifetime * 60,
        "WTF_CSRF_TIME_LIMIT": None,
        #: The roles that must sign in with a second factor (TOTP): those that see civil-society participants' names.
        "SECOND_FACTOR_ROLES": tuple(r.strip() for r in os.environ.get(
            "SECOND_FACTOR_ROLES", "administrator,hr_advisor,approver").split(",") if r.strip()),
        #: Where rate-limit counts are kept, shared by every worker: redis://… in production.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        #: Where built feed bodies are kept, shared by every instance: redis://… when several instances serve; else
        #: a folder under instance/ (``cache.py``).
        "CACHE_URL": os.environ.get("CACHE_URL", ""),
        #: The whole partnership is reviewed against its action plan this many months after its last review (or
        #: after its creation, when never reviewed): B.b "evalueer je actieplan regelmatig".
        "PARTNERSHIP_REVIEW_MONTHS": _positive("PARTNERSHIP_REVIEW_MONTHS", 12),
        #: How many months a company's human-rights briefing counts for (rule 3): a company whose latest briefing
        #: held before departure is older than this on the day of departure is not briefed within the period.
        "COMPANY_BRIEFING_VALID_MONTHS": _minutes("COMPANY_BRIEFING_VALID_MONTHS", 12),
        #: E-mail notices (``notices/``): the mail server, ``smtp://user:password@host:587`` (STARTTLS, required),
        #: ``smtps://…:465`` (TLS from the start) or ``smtp+plain://localhost:25`` (a relay on this machine, no
        #: TLS). Empty: notices are only shown in the application. ``flask notify`` sends them (cron).
        "MAIL_URL": os.environ.get("MAIL_URL", ""),
        #: The sender of notices.
        "MAIL_FROM": os.environ.get("MAIL_FROM", "visitplanner@localhost"),
        #: Where people reach the application: the links in notices start with it (e-mail is sent from cron,
        #: outside any request).
        "BASE_URL": os.environ.get("BASE_URL", "http://localhost:5000"),
        #: The largest request accepted (a larger one gets a page saying so): a calendar file to import is at most
        #: 1 MB (``itinerary/importing.py``), and its preview's confirmation carries the events read from it.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        #: Set PROXY_FIX=1 behind a reverse proxy, so that fetch records hold the client's address.
        "PROXY_FIX": os.environ.get("PROXY_FIX", "") == "1",
    }
