"""Sessions that really end: a copied cookie is worth nothing after sign-out, a new password, other roles, a disabled
account or an administrator's "sign out everywhere"; sessions idle out and age out; sign-in starts a fresh one."""

from __future__ import annotations

from html import unescape

import re
from datetime import datetime, timedelta, timezone

import pytest
from support.accounts import PASSWORD
from support.app import make_app
from support.clock import replace_clock

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db


@pytest.fixture
def people(account):
    """An advisor (the one whose cookie is copied) and an administrator; returns their e-mail addresses."""
    return account(Role.ADVISOR, name="Ada Advisor"), account(Role.ADMIN, name="Adam Admin")


@pytest.fixture
def signed_in(signed_in):
    """As everywhere (``tests/conftest.py``): another browser signed in, in English; here it has also opened the
    participants' page, so the session is known to hold."""

    def sign_in(email: str):
        browser = signed_in(email)
        assert browser.get("/participants/").status_code == 200
        return browser

    return sign_in


def copy_of(app, browser):
    """Another browser holding a copy of ``browser``'s session cookie (as someone who stole it would)."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.query(User.id).filter(User.email == email).scalar()


def admin_edit(app, admin, email: str, **changes):
    with app.app_context():
        user = db.session.query(User).filter(User.email == email).one()
        data = {"email": user.email, "name": user.name, "roles": sorted(r.value for r in user.role_names),
                "active": "y" if user.active else "", "password": "", "version": str(user.version)}
    data.update(changes)
    assert admin.post(f"/admin/users/{user_id(app, email)}/edit", data=data).status_code == 302


EVENTS = {
    "signing out": lambda app, me, admin, email: me.post("/logout"),
    "a new password": lambda app, me, admin, email: admin_edit(app, admin, email, password="a-new-password-2027"),
    "other roles": lambda app, me, admin, email: admin_edit(app, admin, email, roles=["hr_advisor", "approver"]),
    "the account disabled": lambda app, me, admin, email: admin_edit(app, admin, email, active=""),
    "an administrator signing them out everywhere": lambda app, me, admin, email: admin.post(
        f"/admin/users/{user_id(app, email)}/sign-out"),
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_a_copied_cookie_is_worthless_after(app, signed_in, people, event):
    email, admin_email = people
    mine, other_device = signed_in(email), signed_in(email)
    stolen = copy_of(app, mine)
    assert stolen.get("/participants/").status_code == 200  # the copy works, as long as the session holds
    admin = signed_in(admin_email)

    EVENTS[event](app, mine, admin, email)

    for browser in (stolen, other_device):
        response = browser.get("/participants/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert admin.get("/participants/").status_code == 200, "nobody else was signed out"


def test_signing_out_is_audited_and_says_it_was_everywhere(app, signed_in, people):
    email, _ = people
    browser = signed_in(email)
    page = browser.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "You are signed out, on every device." in page
    with app.app_context():
        entry = db.session.query(AuditEntry).filter(AuditEntry.action == "user.sessions_ended").one()
        assert entry.actor_id == entry.object_id == user_id(app, email)


def test_the_audit_log_says_the_sessions_ended_in_the_readers_language(app, signed_in, people):
    email, admin_email = people
    admin = signed_in(admin_email)
    admin.post(f"/admin/users/{user_id(app, email)}/sign-out")
    assert "(ended)" in admin.get("/admin/audit").get_data(as_text=True)
    admin.post("/language", data={"lang": "nl", "next": "/"})
    dutch = unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "(beëindigd)" in dutch and "(ended)" not in dutch


def test_the_administrator_is_asked_first_and_the_person_is_told_why_at_their_next_request(
    app, signed_in, people
):
    email, admin_email = people
    theirs, admin = signed_in(email), signed_in(admin_email)
    target = f"/admin/users/{user_id(app, email)}/sign-out"
    assert "Sign Ada Advisor out everywhere?" in admin.get(target).get_data(as_text=True)
    assert theirs.get("/participants/").status_code == 200, "asking changes nothing"
    admin.post(target)
    page = theirs.get("/participants/", follow_redirects=True).get_data(as_text=True)
    assert "You were signed out: the account was signed out everywhere" in page


class Clock:
    """Move the application's clock (``timeutil.clock``), which sessions read."""

    def __init__(self, monkeypatch):
        self.now = datetime.now(timezone.utc)
        replace_clock(monkeypatch, lambda: self.now)

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def test_a_session_ends_after_30_minutes_without_a_request_and_each_request_keeps_it_alive(
    signed_in, people, monkeypatch
):
    clock = Clock(monkeypatch)
    email, _ = people
    browser = signed_in(email)
    for _step in range(4):  # two hours of work, a request every 25 minutes
        clock.advance(25)
        assert browser.get("/participants/").status_code == 200
    clock.advance(31)
    response = browser.get("/participants/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "You were signed out after 30 minutes without activity." in response.get_data(as_text=True)


def test_a_session_ends_12_hours_after_signing_in_however_busy(signed_in, people, monkeypatch):
    clock = Clock(monkeypatch)
    email, _ = people
    browser = signed_in(email)
    for _step in range(12 * 4 - 1):
        clock.advance(15)
        assert browser.get("/participants/").status_code == 200
    clock.advance(16)
    response = browser.get("/participants/", follow_redirects=True)
    assert "You were signed out: a session lasts at most 12 hours." in response.get_data(as_text=True)


def test_the_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "10")
    monkeypatch.setenv("SESSION_LIFETIME_MINUTES", "240")
    configured = make_app("sqlite://", str(tmp_path))
    assert configured.config["SESSION_IDLE_MINUTES"] == 10
    assert configured.config["SESSION_LIFETIME_MINUTES"] == 240
    assert configured.permanent_session_lifetime.total_seconds() == 240 * 60


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) or match.group(2)


def test_signing_in_renews_the_session_and_its_csrf_secret(tmp_path, make_user):
    app = make_app("sqlite:///" + str(tmp_path / "s.sqlite"), str(tmp_path / "instance"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        from support.app import reset_schema

        reset_schema()
        user = User(email="ada@example.org", name="Ada")
        user.set_password(PASSWORD)
        user.set_roles([Role.ADVISOR])
        db.session.add(user)
        commit()
    browser = app.test_client()
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    before = browser.get_cookie("session").value
    with browser.session_transaction() as state:
        secret_before = state["csrf_token"]
        state["planted"] = "by whoever handed out this cookie"
    assert browser.post("/login", data={"email": "ada@example.org", "password": PASSWORD,
                                        "csrf_token": token}).status_code == 302
    with browser.session_transaction() as state:
        assert "planted" not in state, "nothing of the session before sign-in carries over"
        assert state.get("csrf_token") in (None, "") or state["csrf_token"] != secret_before
    assert browser.get_cookie("session").value != before
    # A token handed out before signing in (to whoever planted the session) no longer opens any form.
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 400
    page = browser.get("/participants/").get_data(as_text=True)
    assert browser.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        db.engine.dispose()
