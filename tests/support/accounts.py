"""Accounts in the tests: the one password every test account has, and signing in as a person does."""

from __future__ import annotations

from visitplanner.auth.models import User

#: The password of every account the ``make_user`` fixture makes.
PASSWORD = "correct horse battery staple"


class Auth:
    """Sign a test client in and out (the Flask tutorial's ``AuthActions``)."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


def sign_in_to_demo(client, email: str):
    """Sign in to a demo account as a person does: the password, then (for the roles that need one) the code
    the documented demo key gives now. Returns the last answer."""
    import pyotp

    from visitplanner.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code == 302 and response.headers["Location"] == "/login/code":
        response = client.post("/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    return response
