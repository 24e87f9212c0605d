"""Dutch (default) and English are both complete, and the compiled catalogues match their sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "visitplanner" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def source_messages() -> set[str]:
    found = set()
    # Templates: the pages (.html) and the wording of e-mail notices (.txt), as babel.cfg extracts them.
    for folder, method_map in ((ROOT / "visitplanner", [("**.py", "python")]),
                               (ROOT / "templates", [("**.html", "jinja2"), ("**.txt", "jinja2")])):
        for _, _, message, _, _ in extract_from_dir(
            str(folder), method_map=method_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def forms(value) -> tuple[str, ...]:
    """A message's text as a tuple: one form, or the singular and plural forms of an ngettext message."""
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def messages() -> set[str]:
    found = source_messages()
    assert len(found) > 100
    return found


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_user_facing_string_is_translated(messages, locale):
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = sorted(m for m in messages if m not in catalog or not all(forms(catalog[m].string)))
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert missing == [], f"untranslated in {locale} (run `make translations`): {missing[:10]}"
    assert fuzzy == []


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_compiled_catalogue_matches_its_source(locale):
    folder = CATALOGUES / locale / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        po = {forms(m.id): forms(m.string) for m in read_po(handle) if m.id}
    with (folder / "messages.mo").open("rb") as handle:
        mo = {forms(m.id): forms(m.string) for m in read_mo(handle) if m.id}
    assert mo == po, "messages.mo is stale: run `make translations`"


def test_placeholders_survive_translation():
    with (CATALOGUES / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    def used(value) -> list[str]:
        return sorted(set().union(*(placeholder.findall(form) for form in forms(value))))

    broken = [m.id for m in catalog if m.id and used(m.id) != used(m.string)]
    assert broken == []


def test_dutch_is_the_default_and_english_a_switch_away(client):
    assert "Inloggen" in client.get("/login").get_data(as_text=True)
    assert '<html lang="nl"' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and '<html lang="en"' in page
    client.post("/language", data={"lang": "xx", "next": "/login"})
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)


def test_dates_are_formatted_per_language(app):
    from datetime import date

    from flask import session

    from visitplanner.formatting import format_day

    with app.test_request_context():
        session["lang"] = "nl"
        assert format_day(date(2027, 4, 12)) == "maandag 12 april 2027"
    with app.test_request_context():
        session["lang"] = "en"
        assert format_day(date(2027, 4, 12)) == "Monday, 12 April 2027"
