"""A second factor for the roles that see civil-society participants' names: set up at the first sign-in (QR code
and key, confirmed with a code, ten recovery codes shown once), asked at every sign-in after, each code accepted
once, wrong codes counted with wrong passwords, and an administrator's reset for a lost phone."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from html import unescape

import pyotp
import pytest
from sqlalchemy import select
from support.accounts import PASSWORD
from support.clock import replace_clock

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.auth.second_factor import RecoveryCode
from visitplanner.commit import commit
from visitplanner.extensions import db


@pytest.fixture(autouse=True)
def production_policy(app):
    """Administrators, human-rights advisors and approvers must have a second factor, as in production."""
    before = app.config["SECOND_FACTOR_ROLES"]
    app.config["SECOND_FACTOR_ROLES"] = ("administrator", "hr_advisor", "approver")
    yield
    app.config["SECOND_FACTOR_ROLES"] = before


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def audit(app, email: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.label == email)
                                       .where(AuditEntry.action.like("user.%"), AuditEntry.action != "user.create")
                                       .order_by(AuditEntry.id)))


def code_for(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def test_the_first_sign_in_of_an_advisor_sets_up_the_second_factor(app, another_client, account):
    email = account(Role.ADVISOR)
    client = another_client()

    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login/enrol"
    assert not is_signed_in(client), "the password alone opens nothing"
    page = client.get("/login/enrol")
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'class="vp-qr"' in html, "the QR code is inline SVG"
    assert "<script" not in html
    secret = re.search(r'<code class="vp-secret">([A-Z2-7]+)</code>', html).group(1)
    assert client.get("/login/enrol").get_data(as_text=True).count(secret) == 1, "the key stays the same on reload"

    wrong = client.post("/login/enrol", data={"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert "This code does not match." in text(wrong) and not is_signed_in(client)
    done = client.post("/login/enrol", data={"code": code_for(secret)})

    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert "These codes are shown once." in text(done)
    assert is_signed_in(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.totp_secret == secret
        stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored), "recovery codes are kept as hashes only"
    assert audit(app, email) == ["user.second_factor_enrolled"]


def test_later_sign_ins_ask_for_a_code_and_a_wrong_one_is_refused_and_audited(app, another_client, account):
    secret = pyotp.random_base32()
    email = account(Role.APPROVER, totp_secret=secret)
    client = another_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).headers["Location"] == "/login/code"

    refused = client.post("/login/code", data={"code": code_for(secret, steps_ahead=5)})
    assert refused.status_code == 200 and "This code does not open the account" in text(refused)
    assert not is_signed_in(client)
    assert client.post("/login/code", data={"code": code_for(secret)}).status_code == 302
    assert is_signed_in(client)
    assert audit(app, email) == ["user.second_factor_failed"]


def test_a_code_opens_once(another_client, account):
    secret = pyotp.random_base32()
    email = account(Role.ADMIN, totp_secret=secret)
    first, second = another_client(), another_client()
    code = code_for(secret)
    for client in (first, second):
        client.post("/login", data={"email": email, "password": PASSWORD})
    assert first.post("/login/code", data={"code": code}).status_code == 302

    replayed = second.post("/login/code", data={"code": code})

    assert replayed.status_code == 200 and not is_signed_in(second), "someone who saw the code over a shoulder"
    assert second.post("/login/code", data={"code": code_for(secret, steps_ahead=1)}).status_code == 302


def test_a_recovery_code_opens_once_when_the_phone_is_lost(app, another_client, account):
    email = account(Role.ADVISOR)
    client = another_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    secret = re.search(r'<code class="vp-secret">([A-Z2-7]+)</code>', client.get("/login/enrol").get_data(
        as_text=True)).group(1)
    codes = re.findall(r"<code>([a-z2-9-]{19})</code>", client.post(
        "/login/enrol", data={"code": code_for(secret)}).get_data(as_text=True))
    client.post("/logout")

    phone_lost = another_client()
    phone_lost.post("/login", data={"email": email, "password": PASSWORD})
    assert phone_lost.post("/login/code", data={"code": codes[3].upper().replace("-", " ")}).status_code == 302
    phone_lost.post("/logout")
    again = another_client()
    again.post("/login", data={"email": email, "password": PASSWORD})
    assert again.post("/login/code", data={"code": codes[3]}).status_code == 200, "used up"
    assert "user.recovery_code_used" in audit(app, email)


def test_wrong_codes_count_towards_the_sign_in_limits(another_client, account):
    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    client = another_client(address="203.0.113.99")
    client.post("/login", data={"email": email, "password": PASSWORD})
    wrong = code_for(secret, steps_ahead=10)
    for _ in range(5):
        assert client.post("/login/code", data={"code": wrong}).status_code == 200
    limited = client.post("/login/code", data={"code": code_for(secret)})
    assert limited.status_code == 429 and not is_signed_in(client)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 429


def test_the_second_step_must_follow_the_first_within_five_minutes(another_client, account, monkeypatch):
    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    client = another_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    code = code_for(secret)
    replace_clock(monkeypatch, datetime.now(timezone.utc) + timedelta(seconds=301))
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_signed_in(client)


def test_an_administrator_removes_a_lost_second_factor_and_the_person_sets_up_a_new_one(
    app, another_client, account
):
    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    theirs = another_client()
    theirs.post("/login", data={"email": email, "password": PASSWORD})
    theirs.post("/login/code", data={"code": code_for(secret)})
    admin_secret = pyotp.random_base32()
    admin = another_client()
    admin.post("/login", data={"email": account(Role.ADMIN, totp_secret=admin_secret), "password": PASSWORD})
    admin.post("/login/code", data={"code": code_for(admin_secret)})
    with app.app_context():
        target = f"/admin/users/{db.session.scalar(select(User.id).where(User.email == email))}/reset-second-factor"

    assert "Do this only when you are sure who asks" in text(admin.get(target))
    assert admin.post(target).status_code == 302

    assert not is_signed_in(theirs), "their sessions ended"
    with app.app_context():
        assert db.session.scalar(select(User.totp_secret).where(User.email == email)) is None
    assert audit(app, email)[-1] == "user.second_factor_reset"
    fresh = another_client()
    assert fresh.post("/login", data={"email": email, "password": PASSWORD}).headers["Location"] == "/login/enrol"


@pytest.mark.parametrize("roles, asked", [
    ((Role.ADMIN,), True), ((Role.ADVISOR,), True), ((Role.APPROVER,), True),
    ((Role.PROTOCOL,), False), ((Role.DELEGATE,), False),
])
def test_which_roles_must_have_one(another_client, account, roles, asked):
    client = another_client()
    response = client.post("/login", data={"email": account(*roles), "password": PASSWORD})
    assert (response.headers["Location"] == "/login/enrol") == asked
    assert is_signed_in(client) == (not asked)


def test_the_policy_is_configurable_for_the_other_roles(app, another_client, account):
    app.config["SECOND_FACTOR_ROLES"] = ("administrator", "hr_advisor", "approver", "protocol_officer")
    client = another_client()
    assert client.post("/login", data={"email": account(Role.PROTOCOL), "password": PASSWORD}).headers[
        "Location"] == "/login/enrol"


# ---- a cap per account on wrong codes, from every address (issue 21) ------------------------------------------


SIX_ADDRESSES = tuple(f"198.51.100.{n}" for n in range(1, 7))


@pytest.fixture
def past_the_password(another_client):
    """``past_the_password(email, address)``: a browser at ``address`` that gave the right password and is asked for
    the code."""

    def at(email: str, address: str):
        client = another_client(address=address)
        assert client.post("/login", data={"email": email, "password": PASSWORD}).headers["Location"] == "/login/code"
        return client

    return at


def test_wrong_codes_for_one_account_from_six_addresses_make_its_second_step_wait(app, past_the_password, account):
    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    guessers = [past_the_password(email, address) for address in SIX_ADDRESSES]
    wrong = code_for(secret, steps_ahead=10)

    answers = [guessers[n % 6].post("/login/code", data={"code": wrong}).status_code for n in range(12)]

    assert answers[:10] == [200] * 10, "ten wrong codes are told they are wrong"
    assert answers[10:] == [429, 429], "then every address waits, though none of them tried more than twice"
    owner = past_the_password(email, "192.0.2.200")
    refused = owner.post("/login/code", data={"code": code_for(secret)})
    assert refused.status_code == 429 and not is_signed_in(owner), "the right code waits too"
    assert "This code does not open the account" in text(refused), "with the message a wrong code gets"
    assert audit(app, email)[-1] == "user.sign_in_refused"


def test_wrong_codes_at_the_re_check_count_towards_the_same_cap(
    app, past_the_password, account, make_mission, make_item
):
    from visitplanner.missions.operations import set_high_risk
    from visitplanner.participants.operations import create_participant

    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    wrong = code_for(secret, steps_ahead=10)
    with app.app_context():
        advisor = db.session.scalar(select(User).where(User.email == email))
        mission = make_mission()
        defender = create_participant(advisor, real_name="Li Wei", alias="Zwaluw-4471", kind="defender")
        make_item(mission, kind="ngo_visit", participants=[defender])
        set_high_risk(advisor, mission, "Intimidatie")
        commit()
        url = f"/missions/{mission.id}/programme/print?audience=internal"
    signed = past_the_password(email, SIX_ADDRESSES[0])
    assert signed.post("/login/code", data={"code": code_for(secret)}).status_code == 302
    for _ in range(5):
        assert signed.post(url, data={"secret": wrong}).status_code == 403
    for address in SIX_ADDRESSES[1:]:
        assert past_the_password(email, address).post("/login/code", data={"code": wrong}).status_code == 200

    assert past_the_password(email, "192.0.2.201").post(
        "/login/code", data={"code": code_for(secret, steps_ahead=1)}).status_code == 429


def test_wrong_passwords_from_many_addresses_never_make_the_second_step_wait(
    another_client, past_the_password, account
):
    secret = pyotp.random_base32()
    email = account(Role.ADVISOR, totp_secret=secret)
    for n in range(12):
        stranger = another_client(address=f"203.0.113.{n + 1}")
        for _ in range(4):
            assert stranger.post("/login", data={"email": email, "password": "not the password"}).status_code == 200

    owner = past_the_password(email, "192.0.2.200")
    assert owner.post("/login/code", data={"code": code_for(secret)}).status_code == 302
    assert is_signed_in(owner)
