"""Signing in and out, passwords at rest, CSRF and the security headers every page carries."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from support.accounts import PASSWORD
from support.app import make_app

from visitplanner import create_app
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db

WRONG_CREDENTIALS = ("E-mail address or password is not correct, or the account is disabled, or there were too many "
                     "attempts from here: wait a minute and try again.")


# Data is made in an app context of its own (the ``account`` fixture), closed before the first request: requests
# made inside a shared app context share ``g``, and Flask-Login keeps the signed-in user there.


def set_active(app, email: str, active: bool) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).active = active
        commit()


def location_path(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def is_signed_in(client) -> bool:
    """Whether the home page opens (it sends signed-out visitors to the login page)."""
    return client.get("/").status_code == 200


def password_error(response) -> str:
    """The message shown at the password field of the login form."""
    match = re.search(r'id="password-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert match, "no message at the password field"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# ---- signing in --------------------------------------------------------------------------------------------


def test_signing_in_with_the_right_password_opens_the_home_page(client, en, account):
    email = account(Role.PROTOCOL, name="Petra Protocol")

    response = client.post("/login", data={"email": email, "password": PASSWORD})

    assert response.status_code == 302 and location_path(response) == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Petra Protocol" in home.get_data(as_text=True)


def test_the_e_mail_address_is_not_case_sensitive(client, account):
    account(Role.PROTOCOL, email="petra@example.org")

    client.post("/login", data={"email": "  Petra@Example.ORG ", "password": PASSWORD})

    assert is_signed_in(client)


def test_a_wrong_password_is_refused(client, en, account):
    email = account(Role.PROTOCOL)

    response = client.post("/login", data={"email": email, "password": "not the password at all"})

    assert response.status_code == 200
    assert password_error(response) == WRONG_CREDENTIALS
    assert not is_signed_in(client)


def test_an_unknown_e_mail_address_gets_the_same_message_as_a_wrong_password(client, en, account):
    email = account(Role.PROTOCOL)
    wrong_password = client.post("/login", data={"email": email, "password": "not the password at all"})

    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})

    assert unknown.status_code == wrong_password.status_code == 200
    assert password_error(unknown) == password_error(wrong_password) == WRONG_CREDENTIALS
    assert not is_signed_in(client)


def test_a_disabled_account_cannot_sign_in(client, en, account):
    email = account(Role.PROTOCOL, active=False)

    response = client.post("/login", data={"email": email, "password": PASSWORD})

    assert response.status_code == 200
    assert password_error(response) == WRONG_CREDENTIALS
    assert not is_signed_in(client)


def test_disabling_an_account_signs_it_out_at_its_next_request(app, client, account):
    email = account(Role.PROTOCOL)
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert is_signed_in(client)

    set_active(app, email, False)

    response = client.get("/partnerships/")
    assert response.status_code == 302 and location_path(response) == "/login"
    set_active(app, email, True)
    assert not is_signed_in(client), "enabling the account again does not revive the old session"


# ---- too many failures from one place slow that place down; no account is ever locked ----------------------


def audit_actions(app, email: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.label == email)
                                       .where(AuditEntry.action.like("user.%"), AuditEntry.action != "user.create")
                                       .order_by(AuditEntry.id)))


def try_password(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def test_five_failures_from_one_address_for_one_account_refuse_that_pair_with_the_same_message(
    app, client, en, account
):
    email = account(Role.ADVISOR)
    for _ in range(5):
        response = try_password(client, email, "guess guess guess")
        assert response.status_code == 200 and password_error(response) == WRONG_CREDENTIALS

    refused = try_password(client, email, PASSWORD)

    assert refused.status_code == 429
    assert password_error(refused) == WRONG_CREDENTIALS, "a refusal looks like any other"
    assert not is_signed_in(client)
    assert audit_actions(app, email) == ["user.sign_in_failed"] * 5 + ["user.sign_in_refused"]


def test_nobody_elsewhere_can_keep_the_owner_out(another_client, client, en, account):
    """The account is not locked: the person at their own desk signs in while someone guesses from elsewhere."""
    email = account(Role.APPROVER)
    attacker = another_client(address="203.0.113.66")
    for _ in range(8):
        try_password(attacker, email, "guess guess guess")
    assert try_password(attacker, email, PASSWORD).status_code == 429

    owner = another_client(address="198.51.100.10")
    assert try_password(owner, email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed_too(another_client, account):
    guesser = another_client(address="203.0.113.77")
    emails = [account(Role.PROTOCOL) for _ in range(5)]
    refused = [try_password(guesser, emails[n % 5], "guess guess guess").status_code for n in range(21)]
    assert refused[:20] == [200] * 20 and refused[20] == 429
    assert try_password(guesser, emails[0], PASSWORD).status_code == 429


def test_unknown_addresses_are_counted_but_leave_no_trace_in_the_audit_log(app, client, en, account):
    for _ in range(5):
        assert password_error(try_password(client, "nobody@example.org", PASSWORD)) == WRONG_CREDENTIALS
    assert try_password(client, "nobody@example.org", PASSWORD).status_code == 429
    email = account(Role.ADVISOR)
    assert try_password(client, email, PASSWORD).status_code == 302, "another account from here is not held up"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action.like("user.sign_in%"))) == 0


def test_the_delays_grow_a_minute_then_an_hour_then_a_day(tmp_path, monkeypatch):
    """Counted in memory here, with the clock moved; the windows are the same on Redis."""
    import time

    from support.app import reset_schema

    app = make_app("sqlite:///" + str(tmp_path / "limits.sqlite"), str(tmp_path / "instance"),
                   RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        reset_schema()
        user = User(email="ada@example.org", name="Ada")
        user.set_password(PASSWORD)
        user.set_roles([Role.ADVISOR])
        db.session.add(user)
        commit()
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    browser = app.test_client()

    def fail(times: int) -> None:
        for _ in range(times):
            assert try_password(browser, "ada@example.org", "guess guess guess").status_code == 200

    def refused() -> bool:
        return try_password(browser, "ada@example.org", "guess guess guess").status_code == 429

    fail(5)
    assert refused()
    now[0] += 61  # a minute
    fail(5)  # ten in the hour
    assert refused()
    now[0] += 61
    assert refused(), "the hour's limit holds after a minute"
    now[0] += 3600
    fail(5)
    now[0] += 61
    fail(5)  # twenty in the day
    now[0] += 3600
    assert refused(), "the day's limit holds after an hour"
    now[0] += 24 * 3600
    assert try_password(browser, "ada@example.org", PASSWORD).status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_a_new_password_from_an_administrator_opens_the_account(app, client, account):
    from visitplanner.auth.operations import update_user

    email = account(Role.ADVISOR)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        update_user(None, user, expected_version=None, email=email, name=user.name, roles=[Role.ADVISOR],
                    active=True, password="a brand new passphrase")
        commit()

    assert try_password(client, email, "a brand new passphrase").status_code == 302
    assert audit_actions(app, email)[-1] == "user.update"


# ---- signing out -------------------------------------------------------------------------------------------


def test_signing_out_takes_a_post(client, en, account):
    email = account(Role.PROTOCOL)
    client.post("/login", data={"email": email, "password": PASSWORD})

    assert client.get("/logout").status_code == 405
    assert is_signed_in(client), "a link (GET) must not sign anyone out"

    response = client.post("/logout", follow_redirects=True)
    assert response.request.path == "/login"
    assert "You are signed out, on every device." in response.get_data(as_text=True)
    assert not is_signed_in(client)


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
        commit()
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


def test_hsts_is_sent_exactly_when_the_cookie_is_secure(tmp_path):
    plain = make_app("sqlite://", str(tmp_path / "plain"))
    assert "Strict-Transport-Security" not in plain.test_client().get("/login").headers
    secure = make_app("sqlite://", str(tmp_path / "secure"), SESSION_COOKIE_SECURE=True)
    for path in ("/login", "/robots.txt", "/static/app.css", "/no-such-page"):
        response = secure.test_client().get(path, base_url="https://localhost")
        response.close()
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path


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
