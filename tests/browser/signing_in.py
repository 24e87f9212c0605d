"""Signing in to the demo in a browser, in English: the one way every browser test does it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

#: The demo's people, as (e-mail address, name): the name is what the welcome heading greets.
PROTOCOL = ("protocol@example.org", "Sanne de Vries")
ADVISOR = ("advisor@example.org", "Yusuf Demir")
APPROVER = ("approver@example.org", "Joost Bakker")
DELEGATE = ("delegate@example.org", "Marieke Jansen")


def sign_in(page: Page, password: str, person: tuple[str, str], authenticator_code=None) -> None:
    """Sign ``person`` in with ``password``, switching the pages to English first; when the account asks for a code
    from the authenticator app, ``authenticator_code(email)`` gives it. Returns on the signed-in welcome page."""
    email, name = person
    page.goto("/login")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    welcome = page.get_by_role("heading", name=f"Welcome, {name}", level=1)
    asked = page.get_by_role("heading", name="Sign in: code", level=1)
    expect(welcome.or_(asked)).to_be_visible()
    if asked.is_visible():
        assert authenticator_code is not None, f"{email} is asked for a code"
        page.get_by_label("Code").fill(authenticator_code(email))
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(welcome).to_be_visible()
