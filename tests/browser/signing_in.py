"""Signing in to the demo in a browser, in English unless a test reads the pages in the default language (Dutch):
the one way every browser test does it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

#: The demo's people, as (e-mail address, name): the name is what the welcome heading greets.
PROTOCOL = ("protocol@example.org", "Sanne de Vries")
ADVISOR = ("advisor@example.org", "Yusuf Demir")
APPROVER = ("approver@example.org", "Joost Bakker")
DELEGATE = ("delegate@example.org", "Marieke Jansen")

#: What the sign-in pages say, in each language a test signs in with.
WORDING = {
    "en": {"email": "E-mail address", "password": "Password", "sign_in": "Sign in", "welcome": "Welcome, {name}",
           "asked": "Sign in: code", "code": "Code"},
    "nl": {"email": "E-mailadres", "password": "Wachtwoord", "sign_in": "Inloggen", "welcome": "Welkom, {name}",
           "asked": "Aanmelden: code", "code": "Code"},
}


def sign_in(page: Page, password: str, person: tuple[str, str], authenticator_code=None, *,
            language: str = "en") -> None:
    """Sign ``person`` in with ``password``, switching the pages to English first (``language="nl"``: staying in the
    default language); when the account asks for a code from the authenticator app, ``authenticator_code(email)``
    gives it. Returns on the signed-in welcome page."""
    email, name = person
    words = WORDING[language]
    page.goto("/login")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill(password)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()
    welcome = page.get_by_role("heading", name=words["welcome"].format(name=name), level=1)
    asked = page.get_by_role("heading", name=words["asked"], level=1)
    expect(welcome.or_(asked)).to_be_visible()
    if asked.is_visible():
        assert authenticator_code is not None, f"{email} is asked for a code"
        page.get_by_label(words["code"]).fill(authenticator_code(email))
        page.get_by_role("button", name=words["sign_in"], exact=True).click()
    expect(welcome).to_be_visible()
