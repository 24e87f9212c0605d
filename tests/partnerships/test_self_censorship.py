"""Self-censorship is the failure mode the advice warns about (B.a): per partnership, per focal theme, the official
meetings where it was raised and the partner's responses; a theme not raised in the latest missions stands out on
the partnership page and on the dashboard."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import MeetingOutcome
from visitplanner.main.dashboard import build_dashboard
from visitplanner.partnerships.models import FocalTheme
from visitplanner.partnerships.queries import RECENT_MISSIONS, themes_raised
from visitplanner.timeutil import now_utc

TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Operations and queries run in the test's own application context."""


@pytest.fixture
def history(make_partnership, make_mission, make_item):
    """Four missions of one partnership, oldest first; themes A raised of late, B only long ago, C never."""
    partnership = make_partnership(partner_region="Wuxi")
    a, b, c = (FocalTheme(name=name, line="region") for name in ("Arbeidsrechten", "Buitenlandse journalisten",
                                                                   "Censuur"))
    partnership.focal_themes = [a, b, c]
    missions = [make_mission(partnership=partnership, title=f"Bezoek {n}", start=date(2025 + n // 2, 4 + n, 1),
                             end=date(2025 + n // 2, 4 + n, 3)) for n in range(4)]

    def meeting(mission, theme, talking_points="Mensenrechten aan de orde.", kind="official_meeting"):
        day = mission.start_date.isoformat()
        return make_item(mission, f"{day}T10:00", f"{day}T11:00", kind=kind, title=f"Overleg over {theme.name}",
                         talking_points=talking_points, focal_themes=[theme])

    meeting(missions[0], b)  # long ago: not in the latest three
    raised = meeting(missions[3], a)
    db.session.add(MeetingOutcome(item_id=raised.id, raised="Arbeidsrechten in de bouw.",
                                  partner_response="Men zegde toe het na te gaan."))
    meeting(missions[2], c, talking_points="")  # linked, but nothing was said: not raised
    removed = meeting(missions[1], c)
    removed.removed_at = now_utc()
    meeting(missions[2], c, kind="ngo_visit")  # not a meeting with the partner
    cancelled = make_mission(partnership=partnership, title="Afgelast bezoek", start=date(2027, 2, 1),
                             end=date(2027, 2, 2))
    cancelled.status, cancelled.cancelled_at, cancelled.cancel_reason = "cancelled", now_utc(), "Afgezegd."
    meeting(cancelled, c)
    commit()
    return partnership, (a, b, c)


def test_each_theme_shows_where_it_was_raised_and_which_went_silent(history):
    partnership, (a, b, c) = history
    records = {r.theme.id: r for r in themes_raised([partnership.id])[partnership.id]}
    assert [(m.mission_title, m.response) for m in records[a.id].meetings] == [
        ("Bezoek 3", "Men zegde toe het na te gaan.")]
    assert [m.mission_title for m in records[b.id].meetings] == ["Bezoek 0"]
    assert records[c.id].meetings == []
    assert (records[a.id].silent, records[b.id].silent, records[c.id].silent) == (False, True, True)
    assert RECENT_MISSIONS == 3


def test_the_partnership_page_shows_the_monitor_and_marks_the_silent_themes(history, client, en, login):
    partnership, (a, b, c) = history
    login(Role.PROTOCOL)
    page = unescape(client.get(f"/partnerships/{partnership.id}").get_data(as_text=True))
    row = lambda theme: re.search(rf'<tr class="utrecht-table__row[^"]*" id="theme-{theme.id}">(.*?)</tr>',  # noqa: E731
                                  page, re.S).group(1)
    assert "Bezoek 3" in row(a) and "Men zegde toe het na te gaan." in row(a)
    assert "Not raised in the last 3 missions and contacts" not in row(a)
    assert "Not raised in the last 3 missions and contacts" in row(b) and "Bezoek 0" in row(b)
    assert "Not raised in the last 3 missions and contacts" in row(c) and "Never raised" in row(c)


def test_the_dashboard_lists_the_silent_themes_one_click_from_the_partnership(english, history):
    partnership, (a, b, c) = history
    board = build_dashboard(TODAY)
    assert sorted(theme.name for _, theme in board.silent_themes) == ["Buitenlandse journalisten", "Censuur"]
    assert not board.empty


def test_a_partnership_without_missions_has_no_silent_theme(make_partnership):
    partnership = make_partnership()
    partnership.focal_themes = [FocalTheme(name="Vrije meningsuiting", line="residents")]
    commit()
    assert [r.silent for r in themes_raised([partnership.id])[partnership.id]] == [False]


def test_the_monitor_takes_five_queries_whatever_the_number_of_partnerships(make_partnership, make_mission,
                                                                             make_item):
    from support.sql import Statements

    counts = {}
    for n in (1, 4):
        for _ in range(n):
            partnership = make_partnership()
            partnership.focal_themes = [FocalTheme(name="Thema", line="region")]
            mission = make_mission(partnership=partnership)
            make_item(mission, kind="official_meeting", talking_points="Iets.",
                      focal_themes=partnership.focal_themes)
        commit()
        db.session.expire_all()
        with Statements() as sql:
            themes_raised()
        counts[n] = sql.count
    assert counts[1] == counts[4] == 5  # partnerships, their themes, missions and contacts, meetings, contacts


def test_an_official_meeting_of_more_than_one_day_counts_on_its_first_day(make_partnership, make_mission, make_item):
    partnership = make_partnership()
    theme = FocalTheme(name="Arbeid", line="region")
    partnership.focal_themes = [theme]
    mission = make_mission(partnership=partnership)
    make_item(mission, "2027-04-13T22:00", "2027-04-14T01:00", kind="official_meeting", talking_points="Arbeid.",
              focal_themes=[theme])
    commit()
    [record] = themes_raised([partnership.id])[partnership.id]
    assert record.meetings[0].day == date(2027, 4, 13) and not record.silent
    assert record.meetings[0].day - mission.start_date == timedelta(days=1)
