"""Signing in and out, passwords at rest, CSRF and the security headers every page carries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from conftest import PASSWORD, make_app
from sqlalchemy import func, select

from visitplanner import create_app
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.extensions import db

WRONG_CREDENTIALS = ("E-mail address or password is not correct, or the account is disabled, or it is locked for "
                     "15 minutes after five wrong passwords in a row.")


# Data is made in an app context of its own, closed before the first request: requests made inside a
# shared app context share ``g``, and Flask-Login keeps the signed-in user there.


@pytest.fixture
def english(client):
    """Show the interface in English, so that messages can be read back as written."""
    client.post("/language", data={"lang": "en"})
    return client


@pytest.fixture
def account(app, make_user):
    """Make an account (in its own app context); returns its e-mail address."""

    def make(*roles, **kwargs) -> str:
        with app.app_context():
            return make_user(*roles, **kwargs).email

    return make


def set_active(app, email: str, active: bool) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).active = active
        db.session.commit()


def location_path(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def signed_in(client) -> bool:
    """Whether the home page opens (it sends signed-out visitors to the login page)."""
    return client.get("/").status_code == 200


def password_error(response) -> str:
    """The message shown at the password field of the login form."""
    match = re.search(r'id="password-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert match, "no message at the password field"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# ---- signing in --------------------------------------------------------------------------------------------


def test_signing_in_with_the_right_password_opens_the_home_page(client, english, account):
    email = account(Role.PROTOCOL, name="Petra Protocol")

    response = client.post("/login", data={"email": email, "password": PASSWORD})

    assert response.status_code == 302 and location_path(response) == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Petra Protocol" in home.get_data(as_text=True)


def test_the_e_mail_address_is_not_case_sensitive(client, account):
    account(Role.PROTOCOL, email="petra@example.org")

    client.post("/login", data={"email": "  Petra@Example.ORG ", "password": PASSWORD})

    assert signed_in(client)


def test_a_wrong_password_is_refused(client, english, account):
    email = account(Role.PROTOCOL)

    response = client.post("/login", data={"email": email, "password": "not the password at all"})

    assert response.status_code == 200
    assert password_error(response) == WRONG_CREDENTIALS
    assert not signed_in(client)


def test_an_unknown_e_mail_address_gets_the_same_message_as_a_wrong_password(client, english, account):
    email = account(Role.PROTOCOL)
    wrong_password = client.post("/login", data={"email": email, "password": "not the password at all"})

    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})

    assert unknown.status_code == wrong_password.status_code == 200
    assert password_error(unknown) == password_error(wrong_password) == WRONG_CREDENTIALS
    assert not signed_in(client)


def test_a_disabled_account_cannot_sign_in(client, english, account):
    email = account(Role.PROTOCOL, active=False)

    response = client.post("/login", data={"email": email, "password": PASSWORD})

    assert response.status_code == 200
    assert password_error(response) == WRONG_CREDENTIALS
    assert not signed_in(client)


def test_disabling_an_account_signs_it_out_at_its_next_request(app, client, account):
    email = account(Role.PROTOCOL)
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert signed_in(client)

    set_active(app, email, False)

    response = client.get("/partnerships/")
    assert response.status_code == 302 and location_path(response) == "/login"
    set_active(app, email, True)
    assert not signed_in(client), "enabling the account again does not revive the old session"


# ---- wrong passwords in a row lock the account for a while ------------------------------------------------


class Clock:
    """The time the login page reads; moved by the test."""

    def __init__(self, monkeypatch, start: datetime):
        from visitplanner.auth import views

        self.now = start
        monkeypatch.setattr(views, "now_utc", lambda: self.now)


def audit_actions(app, email: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.label == email)
                                       .where(AuditEntry.action.like("user.%"), AuditEntry.action != "user.create")
                                       .order_by(AuditEntry.id)))


def try_password(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def test_five_wrong_passwords_in_a_row_lock_the_account_for_15_minutes(app, client, english, account, monkeypatch):
    email = account(Role.ADVISOR)
    clock = Clock(monkeypatch, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    for _ in range(5):
        assert password_error(try_password(client, email, "guess guess guess")) == WRONG_CREDENTIALS

    clock.now += timedelta(minutes=14)
    refused = try_password(client, email, PASSWORD)

    assert password_error(refused) == WRONG_CREDENTIALS, "a lock looks like any other refusal"
    assert not signed_in(client)
    assert audit_actions(app, email) == ["user.sign_in_failed"] * 4 + ["user.lock", "user.sign_in_refused"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.locked_until == datetime(2027, 3, 1, 9, 15, tzinfo=UTC)

    clock.now += timedelta(minutes=1)
    assert try_password(client, email, PASSWORD).status_code == 302
    assert signed_in(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.failed_sign_ins, user.locked_until) == (0, None)


def test_a_right_password_before_the_fifth_starts_the_count_again(app, client, account, monkeypatch):
    email = account(Role.ADVISOR)
    Clock(monkeypatch, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    for _ in range(4):
        try_password(client, email, "guess guess guess")
    assert try_password(client, email, PASSWORD).status_code == 302
    client.post("/logout")

    for _ in range(4):
        try_password(client, email, "guess guess guess")

    assert try_password(client, email, PASSWORD).status_code == 302, "four more wrong passwords do not lock it"
    assert "user.lock" not in audit_actions(app, email)


def test_unknown_addresses_lock_nothing_and_leave_no_trace(app, client, english, account):
    email = account(Role.ADVISOR)
    for _ in range(6):
        assert password_error(try_password(client, "nobody@example.org", PASSWORD)) == WRONG_CREDENTIALS

    assert try_password(client, email, PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action.like("user.sign_in%"))) == 0


def test_a_new_password_from_an_administrator_ends_a_lock(app, client, account, monkeypatch):
    from visitplanner.auth.operations import update_user

    email = account(Role.ADVISOR)
    Clock(monkeypatch, datetime.now(UTC))
    for _ in range(5):
        try_password(client, email, "guess guess guess")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.locked_until is not None
        update_user(None, user, expected_version=None, email=email, name=user.name, roles=[Role.ADVISOR],
                    active=True, password="a brand new passphrase")
        db.session.commit()

    assert try_password(client, email, "a brand new passphrase").status_code == 302
    assert audit_actions(app, email)[-1] == "user.update"


def test_administrators_see_which_accounts_are_locked(app, client, english, account, make_user, monkeypatch):
    email = account(Role.ADVISOR, name="Locked Advisor")
    Clock(monkeypatch, datetime.now(UTC))
    for _ in range(5):
        try_password(client, email, "guess guess guess")
    with app.app_context():
        admin = make_user(Role.ADMIN).email
    try_password(client, admin, PASSWORD)

    page = client.get("/admin/users").get_data(as_text=True)

    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Locked Advisor.*?</tr>", page, re.S).group(0)
    assert "locked until" in row
    admin_row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(admin)}.*?</tr>", page, re.S).group(0)
    assert "locked until" not in admin_row


# ---- signing out -------------------------------------------------------------------------------------------


def test_signing_out_takes_a_post(client, english, account):
    email = account(Role.PROTOCOL)
    client.post("/login", data={"email": email, "password": PASSWORD})

    assert client.get("/logout").status_code == 405
    assert signed_in(client), "a link (GET) must not sign anyone out"

    response = client.post("/logout", follow_redirects=True)
    assert response.request.path == "/login"
    assert "You are signed out, on every device." in response.get_data(as_text=True)
    assert not signed_in(client)


# ---- where the login sends you -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example/",
    "http:/evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
])
def test_the_login_never_sends_you_to_another_site(client, account, target):
    email = account(Role.PROTOCOL)

    response = client.post("/login", query_string={"next": target},
                           data={"email": email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target, lands_on", [
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example/", "/"),
    ("/partnerships/?page=2", "/partnerships/?page=2"),
])
def test_the_language_switch_returns_to_a_page_on_this_site_only(client, target, lands_on):
    response = client.post("/language", data={"lang": "en", "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_the_login_honours_a_page_on_this_site(app, client, account, make_partnership):
    email = account(Role.PROTOCOL)
    with app.app_context():
        page = f"/partnerships/{make_partnership().id}"

    response = client.post("/login", query_string={"next": page}, data={"email": email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == page
    assert client.get(response.headers["Location"]).status_code == 200


# ---- passwords at rest -------------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2_hashes_only(app, client, account):
    client.post("/login", data={"email": account(Role.ADMIN), "password": PASSWORD})
    plain = "a-long-enough-password-42"
    client.post("/admin/users/new", data={
        "email": "hash@example.org", "name": "Hash Check", "roles": ["approver"], "active": "y",
        "password": plain,
    })

    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.email == "hash@example.org"))
    assert stored is not None
    assert stored.startswith("$argon2")
    assert plain not in stored
    assert PasswordHasher().verify(stored, plain)
    client.post("/logout")
    assert client.post("/login", data={"email": "hash@example.org", "password": plain}).status_code == 302


def test_outside_the_tests_passwords_are_hashed_with_argon2s_full_default_profile(tmp_path):
    """The suite hashes cheaply (conftest); an application configured as in production uses argon2id's default."""
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                            instance_path=str(tmp_path))
    with production.app_context():
        user = User(email="real@example.org", name="Real")
        user.set_password("a-long-enough-password-42")
        assert user.check_password("a-long-enough-password-42") and not user.check_password("wrong")
    default = PasswordHasher()
    assert user.password_hash.startswith(
        f"$argon2id$v=19$m={default.memory_cost},t={default.time_cost},p={default.parallelism}$")


# ---- CSRF --------------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on, as in production, on its own SQLite file."""
    from flask_migrate import upgrade

    app = make_app("sqlite:///" + str(tmp_path / "csrf.sqlite"), str(tmp_path / "instance"),
                   WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
        admin = User(email="admin@example.org", name="Admin")
        admin.set_password(PASSWORD)
        admin.set_roles([Role.ADMIN])
        db.session.add(admin)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(response) -> str:
    match = CSRF_TOKEN.search(response.get_data(as_text=True))
    assert match, "the form carries no CSRF token"
    return match.group(1) or match.group(2)


def account_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 400
    token = csrf_token(client.get("/login"))
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    before = account_count(csrf_app)

    response = client.post("/admin/users/new", data={
        "email": "forged@example.org", "name": "Forged", "roles": ["administrator"], "active": "y",
        "password": "a-long-enough-password-42",
    })

    assert response.status_code == 400
    assert account_count(csrf_app) == before


def test_a_form_sent_with_the_token_from_its_page_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login"))
    client.post("/login", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})
    token = csrf_token(client.get("/admin/users/new"))

    response = client.post("/admin/users/new", data={
        "email": "new@example.org", "name": "New", "roles": ["approver"], "active": "y",
        "password": "a-long-enough-password-42", "csrf_token": token,
    })

    assert response.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None


def test_signing_out_without_the_token_keeps_you_signed_in(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login"))
    client.post("/login", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})

    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


# ---- security headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/", "/no-such-page"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "no-store" in response.headers["Cache-Control"]


def test_signed_in_pages_are_not_stored_by_the_browser(client, account):
    client.post("/login", data={"email": account(Role.ADMIN), "password": PASSWORD})

    response = client.get("/admin/users")

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_may_be_cached(client):
    response = client.get("/static/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
