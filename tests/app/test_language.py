"""English as a Dutch office reads it (issue 13, part 8, in part): British dates and 24-hour times, and plurals
that agree with their number in both languages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from flask_babel import force_locale

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.formatting import format_date, format_datetime


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_english_dates_put_the_day_first_and_times_run_to_24_hours(ctx):
    evening = datetime(2026, 11, 28, 20, 47, tzinfo=UTC)  # 21:47 in Amsterdam
    with force_locale("en"):
        # One style everywhere (issue 23): the day first, the month in letters, never 28/11/2026 nor 11/28/2026.
        assert format_date(date(2026, 11, 28), "short") == "28 Nov 2026"
        assert format_date(date(2026, 11, 28)) == "28 Nov 2026"
        short = format_datetime(evening, "Europe/Amsterdam", "short")
        assert short == "28 Nov 2026, 21:47" and "PM" not in short
    with force_locale("nl"):
        assert "21:47" in format_datetime(evening, "Europe/Amsterdam", "short")


@pytest.mark.parametrize("lang, one, many", [
    ("en", "1 public moment (speeches, press) and 2 meetings behind closed doors.",
     "0 public moments (speeches, press) and 0 meetings behind closed doors."),
    ("nl", "1 openbaar moment (toespraken, pers) en 2 gesprekken achter gesloten deuren.",
     "0 openbare momenten (toespraken, pers) en 0 gesprekken achter gesloten deuren."),
])
def test_counts_agree_with_their_number(client, ctx, login, make_mission, make_item, lang, one, many):
    login(Role.PROTOCOL)
    with client.session_transaction() as session:
        session["lang"] = lang
    empty = make_mission(title="Leeg")
    assert many in text_of(client.get(f"/missions/{empty.id}"))
    mission = make_mission()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="public_moment", title="Toespraak",
              visibility="public")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="ngo_visit", title="Gesprek 1")
    make_item(mission, "2027-04-13T13:00", "2027-04-13T14:00", kind="official_meeting", title="Gesprek 2",
              talking_points="Arbeidsrechten")
    page = text_of(client.get(f"/missions/{mission.id}"))
    assert one in page and "(s)" not in page


@pytest.mark.parametrize("lang, what, kind, audience", [
    ("en", "One mission – Delegation", "One mission", "Delegation"),
    ("nl", "Eén missie – Delegatie", "Eén missie", "Delegatie"),
])
def test_the_audit_log_names_a_feed_by_its_kind_and_audience_never_by_codes(
    client, ctx, login, make_user, make_mission, lang, what, kind, audience
):
    from visitplanner.calendar.operations import create_feed

    mission = make_mission()
    create_feed(make_user(Role.ADVISOR), kind="mission", audience="delegation", mission=mission)
    commit()
    login(Role.ADMIN)
    with client.session_transaction() as session:
        session["lang"] = lang
    page = text_of(client.get("/admin/audit"))
    assert what in page and kind in page and audience in page
    assert "mission/delegation" not in page


@pytest.mark.parametrize("lang, setting, topic", [
    ("en", "Talking points block finalisation", "Human-rights situation in China"),
    ("nl", "Gesprekspunten verplicht om definitief te maken", "Mensenrechtensituatie in China"),
])
def test_the_audit_log_names_a_setting_and_a_dossier_topic_by_their_labels_in_the_readers_language(
    client, ctx, login, make_user, make_partnership, lang, setting, topic
):
    from visitplanner.partnerships.operations import add_dossier_entry
    from visitplanner.readiness.operations import set_talking_points_block

    advisor = make_user(Role.ADVISOR)
    add_dossier_entry(advisor, make_partnership(), topic="china", summary="Rapport", sources="https://example.org",
                      entry_date=date(2026, 11, 1))
    set_talking_points_block(make_user(Role.ADMIN), True)
    commit()
    login(Role.ADMIN)
    with client.session_transaction() as session:
        session["lang"] = lang
    page = text_of(client.get("/admin/audit"))
    assert setting in page and topic in page
    assert "talking_points_block" not in page
