"""One date style per language everywhere (issue 23, part 9): "7 Dec 2026, 10:50" in English (as in Britain) and
"7 dec. 2026, 10:50" in Dutch, in pages, errors, stored messages and History; never "07/12/2026, 10:50" nor ISO."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import session
from flask_babel import refresh as refresh_babel

from support.pages import form_values
from support.readiness import TODAY, finalise, freeze_today, ready_mission
from visitplanner.auth.models import Role
from visitplanner.errors import RuleViolation
from visitplanner.formatting import format_date, format_datetime, shown_moment
from visitplanner.itinerary.rules import item_time_problems
from visitplanner.messages import shown, stored
from visitplanner.readiness.operations import complete

#: 7 December 2026, 10:50 in Amsterdam (UTC+1).
MOMENT = datetime(2026, 12, 7, 9, 50, tzinfo=UTC)


@pytest.fixture(params=["en", "nl"])
def language(request, ctx):
    session["lang"] = request.param
    refresh_babel()
    return request.param


STYLE = {
    "en": {"date": "7 Dec 2026", "moment": "7 Dec 2026, 10:50", "may": "11 May 2026", "sept": "21 Sept 2026"},
    "nl": {"date": "7 dec. 2026", "moment": "7 dec. 2026, 10:50", "may": "11 mei 2026", "sept": "21 sep. 2026"},
}


def test_a_date_and_a_moment_read_in_the_one_style_of_the_language(language):
    style = STYLE[language]
    assert format_date(date(2026, 12, 7)) == style["date"]
    assert format_date(date(2026, 5, 11)) == style["may"], "a month written whole takes no stop"
    assert format_date(date(2026, 9, 21)) == style["sept"]
    assert format_datetime(MOMENT, "Europe/Amsterdam") == style["moment"]


@pytest.mark.parametrize("babel_format", ["short", "medium", "long"])
def test_babels_short_medium_and_long_all_give_the_one_style(language, babel_format):
    assert format_date(date(2026, 12, 7), babel_format) == STYLE[language]["date"]
    assert format_datetime(MOMENT, "Europe/Amsterdam", babel_format) == STYLE[language]["moment"]
    assert "/" not in format_datetime(MOMENT, "Europe/Amsterdam", babel_format), "never 07/12/2026"


def test_a_compact_pattern_abbreviates_the_month_as_the_language_does(language):
    assert format_date(date(2026, 12, 7), "EEE d MMM") == {"en": "Mon 7 Dec", "nl": "ma 7 dec."}[language]


def test_a_moment_is_shown_as_the_clock_reads_where_it_happens(language):
    assert format_datetime(MOMENT, "Asia/Shanghai").endswith("17:50")


@pytest.mark.parametrize(("kept", "zone", "en", "nl"), [
    ("2026-12-07", None, "7 Dec 2026", "7 dec. 2026"),
    ("2026-12-07T10:50", None, "7 Dec 2026, 10:50", "7 dec. 2026, 10:50"),
    ("2026-12-07T09:50:00+00:00", "Europe/Amsterdam", "7 Dec 2026, 10:50", "7 dec. 2026, 10:50"),
    ("Grote Markt", None, "Grote Markt", "Grote Markt"),
    ("2026-13-45", None, "2026-13-45", "2026-13-45"),
])
def test_a_date_kept_as_iso_text_is_shown_in_the_style(language, kept, zone, en, nl):
    assert shown_moment(kept, zone) == {"en": en, "nl": nl}[language]


def test_a_stored_message_shows_its_dates_in_the_style(language):
    message = stored("%(alias)s: consent expired on %(day)s", alias="Valk-1187", day="2026-12-07")
    assert shown(message).endswith(STYLE[language]["date"])


def test_an_error_names_the_missions_dates_in_the_style(language, make_mission):
    mission = make_mission(start=date(2026, 12, 7), end=date(2026, 12, 9), timezone="Europe/Amsterdam")
    refusals = item_time_problems(mission, datetime(2026, 12, 20, 9, tzinfo=UTC),
                                  datetime(2026, 12, 20, 10, tzinfo=UTC), "Europe/Amsterdam", kind="other")
    assert [r.field for r in refusals] == ["starts_at", "ends_at"]  # both, in one round
    for refused in refusals:
        assert isinstance(refused, RuleViolation)
        assert STYLE[language]["date"] in refused.message
        assert "2026-12-07" not in refused.message


def test_refusing_to_complete_too_early_names_the_last_day_in_the_style(language, monkeypatch, make_user,
                                                                        make_mission, make_item):
    freeze_today(monkeypatch)
    scenario = ready_mission(make_user, make_mission, make_item)
    finalise(scenario)
    last_day = scenario.mission.end_date
    with pytest.raises(RuleViolation) as refused:
        complete(scenario.protocol, scenario.mission, TODAY)
    assert format_date(last_day) in refused.value.message
    assert last_day.isoformat() not in refused.value.message


def test_a_conflict_shows_both_times_in_the_style(ctx, make_mission, make_item, signed_in):
    """Two people move the same item: the table they choose from reads each time as pages do, never as ISO text."""
    item = make_item(make_mission(), start="2027-04-13T14:00", end="2027-04-13T15:00")
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL, lang="nl"), signed_in(Role.PROTOCOL, lang="nl")
    annas, brams = (form_values(b.get(url).get_data(as_text=True)) for b in (anna, bram))
    assert anna.post(url, data={**annas, "starts_at": "2027-04-13T13:30"}).status_code == 302

    shown_page = bram.post(url, data={**brams, "starts_at": "2027-04-13T14:30"})

    assert shown_page.status_code == 200
    html = shown_page.get_data(as_text=True)
    row = html[html.index("keep-starts_at") - 2000:html.index("keep-starts_at")]
    row = row[row.rindex("<tr"):]
    for time_ in ("14:00", "13:30", "14:30"):
        assert f"13 apr. 2027, {time_}" in row
    assert "2027-04-13" not in row
