"""The record of processing (GDPR Art. 30): derived from the models and the settings, the same on the page, in the
Markdown file and from the command line, and only for the administrator."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale
from support.sql import Statements
from werkzeug.http import parse_options_header

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.crypto import encrypted_columns
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.participants.retention import set_retention_days
from visitplanner.privacy.classification import name_of, tables, unclassified
from visitplanner.privacy.commands import privacy
from visitplanner.privacy.markdown import escape, render_markdown
from visitplanner.privacy.providers import CalendarProvider, provider_of
from visitplanner.privacy.record import AUDIENCE_MEANING, SECTIONS, build_record, layout

GOOGLE = "Google-Calendar-Importer"
APPLE = "iOS/17.4 (21E219) dataaccessd/1.0"


@pytest.fixture
def admin(signed_in):
    """A browser signed in as an administrator, the interface in English."""
    return signed_in(Role.ADMIN)


def page(client) -> str:
    response = client.get("/admin/processing")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def text_of(markup: str) -> str:
    """The page's words, without tags and with single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


# ---- every column is classified --------------------------------------------------------------------------------


def test_every_column_of_every_table_is_classified(app):
    with app.app_context():
        missing = unclassified()
    assert not missing, ("say on these columns what personal data they hold and whose, or why none "
                         f"(info=facts(privacy=...), visitplanner/facts.py): {missing}")


def test_the_tables_classified_are_those_of_every_model_and_the_association_tables(app):
    with app.app_context():
        names = {table.name for table in tables()}
        mapped = {mapper.local_table.name for mapper in db.Model.registry.mappers}
    assert mapped <= names
    assert {"item_participants", "item_attendees"} <= names


def test_every_audience_has_a_meaning_and_every_section_is_laid_out(ctx):
    assert AUDIENCE_MEANING.keys() == set(Audience)
    assert [section.key for section in layout(build_record())] == list(SECTIONS)


# ---- derived, not written by hand ------------------------------------------------------------------------------


def test_the_encrypted_columns_listed_are_exactly_those_of_the_models(ctx, admin):
    expected = sorted(name_of(column) for column in encrypted_columns())
    assert expected, "the models encrypt civil-society data at rest"
    assert list(build_record().encrypted_columns) == expected
    shown = page(admin)
    for name in expected:
        assert f"<code>{name}</code>" in shown


def test_a_category_is_encrypted_only_as_far_as_its_columns_are(ctx):
    by_category = {entry.category.value: entry for entry in build_record().categories}
    assert "participants.real_name" in by_category["identity"].encrypted
    assert "participants.alias" not in by_category["identity"].encrypted
    assert by_category["device"].encrypted == ()


def test_the_page_shows_the_retention_period_set_now(ctx, admin, make_user):
    assert "Retention period set now: 365 days." in text_of(page(admin))

    set_retention_days(make_user(Role.ADMIN), 90)
    commit()

    words = text_of(page(admin))
    assert "Retention period set now: 90 days." in words
    assert "365 days" not in words


def test_calendar_providers_appear_once_a_feed_is_fetched_by_them(ctx, admin, reader, make_user):
    assert "No feed was fetched in that time." in text_of(page(admin))
    owner = make_user(Role.PROTOCOL)
    _feed, delegation_token = create_feed(owner, kind="person", audience="delegation")
    _feed, internal_token = create_feed(owner, kind="organisation", audience="internal")
    commit()

    assert reader.get(f"/feeds/{delegation_token}.ics", headers={"User-Agent": GOOGLE}).status_code == 200
    assert reader.get(f"/feeds/{internal_token}.ics", headers={"User-Agent": GOOGLE}).status_code == 200
    assert reader.get(f"/feeds/{delegation_token}.ics", headers={"User-Agent": APPLE}).status_code == 200

    reached = {p.provider: p for p in build_record().providers}
    assert set(reached) == {CalendarProvider.GOOGLE, CalendarProvider.APPLE}
    assert (reached[CalendarProvider.GOOGLE].feeds, reached[CalendarProvider.APPLE].feeds) == (2, 1)
    assert reached[CalendarProvider.GOOGLE].audiences == (Audience.INTERNAL, Audience.DELEGATION)
    words = text_of(page(admin))
    assert "Google Calendar" in words and "Apple Calendar" in words
    assert "Microsoft Outlook" not in words and "No feed was fetched" not in words


@pytest.mark.parametrize("user_agent, provider", [
    ("Google-Calendar-Importer", CalendarProvider.GOOGLE),
    ("Mozilla/5.0 (compatible; Google-Calendar-Importer)", CalendarProvider.GOOGLE),
    ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", CalendarProvider.MICROSOFT),
    ("Microsoft.Exchange/15.20 (Outlook on the web)", CalendarProvider.MICROSOFT),
    ("iOS/17.4 (21E219) dataaccessd/1.0", CalendarProvider.APPLE),
    ("macOS/14.4 (23E214) CalendarAgent/988", CalendarProvider.APPLE),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.9.0", CalendarProvider.THUNDERBIRD),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
     CalendarProvider.OTHER),
    ("", CalendarProvider.OTHER),
])
def test_a_user_agent_names_its_calendar_provider(user_agent, provider):
    assert provider_of(user_agent) == provider


def measure(title: str):
    """A measure of the record as it is now, in English."""
    with force_locale("en"):
        return next(m for m in build_record().measures if m.title == title)


def test_the_second_factor_roles_come_from_the_configuration(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SECOND_FACTOR_ROLES", ("hr_advisor", "approver"))
    assert build_record().second_factor_roles == (Role.ADVISOR, Role.APPROVER)
    assert measure("Second factor").text.endswith("for the roles: Human-rights advisor, Approver.")

    monkeypatch.setitem(app.config, "SECOND_FACTOR_ROLES", ())
    assert build_record().second_factor_roles == ()
    assert "No role is required" in measure("Second factor").text


def test_the_session_times_come_from_the_configuration(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 15)
    monkeypatch.setitem(app.config, "SESSION_LIFETIME_MINUTES", 240)
    sessions = measure("Sessions")
    assert "after 15 minutes without a request and 240 minutes after signing in" in sessions.text


# ---- who gets it -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.ADVISOR, Role.APPROVER, Role.DELEGATE])
def test_only_the_administrator_gets_the_record(ctx, client, login, role):
    login(role)
    assert client.get("/admin/processing").status_code == 403
    assert client.get("/admin/processing.md").status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    for path in ("/admin/processing", "/admin/processing.md"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_administrators_menu_links_to_the_record(admin):
    assert 'href="/admin/processing"' in admin.get("/admin/users").get_data(as_text=True)


# ---- one record, two renderings --------------------------------------------------------------------------------


def test_the_page_and_the_markdown_file_carry_the_same_headings(admin):
    shown = page(admin)
    response = admin.get("/admin/processing.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and list(options) == ["filename"]
    assert re.fullmatch(r"processing-record-\d{4}-\d{2}-\d{2}\.md", options["filename"])
    markdown = response.get_data(as_text=True)

    page_headings = [text_of(h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", shown, re.S)]
    file_headings = [line.lstrip("#").strip().replace("\\", "") for line in markdown.splitlines()
                     if re.match(r"#{1,2} ", line)]
    assert page_headings == file_headings
    assert page_headings[1:] == [str(title) for title in SECTIONS.values()]


def test_the_page_has_accessible_tables(admin):
    shown = page(admin)
    assert "<script" not in shown
    tables_ = re.findall(r"<table.*?</table>", shown, re.S)
    assert tables_
    for table in tables_:
        assert 'aria-labelledby="section-' in table and 'scope="col"' in table and 'scope="row"' in table


def test_reading_the_record_writes_nothing(ctx, admin):
    with Statements() as sql:
        page(admin)
        assert admin.get("/admin/processing.md").status_code == 200
    assert sql.writes == []


def test_the_record_is_in_dutch_by_default(ctx, client, login):
    login(Role.ADMIN)
    response = client.get("/admin/processing")
    assert response.status_code == 200
    assert '<html lang="nl"' in response.get_data(as_text=True)


def test_markdown_keeps_an_organisation_name_as_text(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISATION_NAME", "Provincie *Test* | Noord")
    with force_locale("en"):
        assert "Controller: Provincie \\*Test\\* \\| Noord." in render_markdown(build_record())
    assert escape("a\nb | c") == "a b \\| c"


# ---- the command line ------------------------------------------------------------------------------------------


def test_the_command_writes_the_record_to_a_file(app, runner, ctx, tmp_path, make_user):
    if "privacy" not in app.cli.commands:
        app.cli.add_command(privacy)
    set_retention_days(make_user(Role.ADMIN), 200)
    commit()
    target = tmp_path / "record.md"

    result = runner.invoke(args=["privacy", "record", "--output", str(target), "--language", "en"])

    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# Record of processing activities (GDPR Art. 30)\n")
    assert "Retention period set now: 200 days." in written
    with force_locale("en"):
        for title in SECTIONS.values():
            assert f"\n## {title}\n" in written


def test_the_command_writes_to_standard_output_in_the_organisations_language(app, runner, ctx):
    if "privacy" not in app.cli.commands:
        app.cli.add_command(privacy)
    result = runner.invoke(args=["privacy", "record"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# ")
    assert "`participants.real_name`" in result.output
