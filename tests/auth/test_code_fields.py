"""Code fields a phone fills well (issue 23, part 10): the authenticator code with ``autocomplete="one-time-code"`` and
a keyboard of digits, at sign-in and when setting up the second factor; a recovery code, which has letters, on a
page of its own with the ordinary keyboard, posted to the same step."""

from __future__ import annotations

import re

import pyotp
import pytest

from support.accounts import PASSWORD

from visitplanner.auth.models import Role


@pytest.fixture(autouse=True)
def production_policy(app):
    before = app.config["SECOND_FACTOR_ROLES"]
    app.config["SECOND_FACTOR_ROLES"] = ("administrator", "hr_advisor", "approver")
    yield
    app.config["SECOND_FACTOR_ROLES"] = before


def code_input(html: str) -> str:
    return re.search(r'<input[^>]*id="code"[^>]*>', html).group(0)


def test_the_authenticator_code_asks_for_digits_and_the_code_the_phone_offers(another_client, account):
    email = account(Role.APPROVER, totp_secret=pyotp.random_base32())
    client = another_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    field = code_input(client.get("/login/code").get_data(as_text=True))
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field


def test_setting_up_the_second_factor_asks_for_digits_too(another_client, account):
    email = account(Role.ADVISOR)
    client = another_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    field = code_input(client.get("/login/enrol").get_data(as_text=True))
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field


def test_a_recovery_code_has_a_page_with_the_ordinary_keyboard_and_opens_the_account(another_client, account):
    email = account(Role.ADMIN, totp_secret=pyotp.random_base32())
    client = another_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    asked = client.get("/login/code").get_data(as_text=True)
    assert 'href="/login/code?recovery=1"' in asked, "a way to a recovery code without script"
    page = client.get("/login/code?recovery=1").get_data(as_text=True)
    field = code_input(page)
    assert 'inputmode="text"' in field and 'autocomplete="off"' in field
    assert "one-time-code" not in field and "numeric" not in field
    assert re.search(r'<label class="utrecht-form-label" for="code">Recovery code', page)
    refused = client.post("/login/code?recovery=1", data={"code": "abcd-efgh-jkmn-pqrs"})
    assert refused.status_code == 200
    assert 'inputmode="text"' in code_input(refused.get_data(as_text=True)), "the same page again after an error"
