"""One date style per language everywhere (issue 23, part 9): "7 Dec 2026, 10:50" in English (as in Britain) and
"7 dec. 2026, 10:50" in Dutch, in pages, errors, stored messages and History; never "07/12/2026, 10:50" nor ISO."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import session
from flask_babel import refresh as refresh_babel

from visitplanner.errors import RuleViolation
from visitplanner.formatting import format_date, format_datetime, shown_moment
from visitplanner.itinerary.rules import item_time_problems
from visitplanner.messages import shown, stored

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
