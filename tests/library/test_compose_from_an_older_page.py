"""Composing an item's talking points from the library on a page opened before someone else changed the item
(issue 23): nothing anyone wrote is lost.

Composing adds the library's text after the talking points. When only other fields of the item changed meanwhile,
the entries are added on top of the item as it is now; when its talking points changed, nothing is added until the
person has seen them side by side (as they were, as saved meanwhile, with the entries added) and saves again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.pages import form_values, opened
from support.readiness import freeze_today, ready_mission

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.library.models import ComposedFrom
from visitplanner.library.operations import add_entry

POINTS = "Arbeidsrechten; privacy bij slimme steden."
ANSWER = "Ja, ook Nederland kende de toeslagenaffaire. Wij zijn daar open over."
SOURCES = "Ongekend onrecht — https://www.tweedekamer.nl — 2020-12-17"
THEIRS = "Arbeidsrechten; privacy bij slimme steden; persvrijheid."
NOT_ADDED = ("Someone else changed the talking points of this item while you were choosing. Nothing is added yet: "
             "compare them below, then save again to add your entries after the talking points as they are now.")
ON_TOP = ("Someone else changed this item while you were choosing, not its talking points: your entries are added to "
          "them as they are now.")


@pytest.fixture
def s(ctx, monkeypatch, make_user, make_mission, make_item):
    freeze_today(monkeypatch)
    return ready_mission(make_user, make_mission, make_item)


@pytest.fixture
def entry(s):
    entry = add_entry(s.advisor, s.meeting.focal_themes[0], kind="whataboutism", title="En de toeslagenaffaire dan?",
                      text=ANSWER, sources=SOURCES)
    commit()
    return entry


@pytest.fixture
def planners(signed_in):
    return signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)



def stored(item_id: int) -> ProgrammeItem:
    db.session.expire_all()
    return db.session.get(ProgrammeItem, item_id)


def item_history(item_id: int) -> list[dict]:
    db.session.expire_all()
    return [e.changes for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "item.update", AuditEntry.object_id == item_id).order_by(AuditEntry.id))]


def edited(browser, item: ProgrammeItem, **changes) -> None:
    """Someone changes the item on its own form."""
    url = f"/items/{item.id}/edit"
    assert browser.post(url, data={**opened(browser, url), **changes}).status_code == 302


def test_entries_are_added_on_top_of_an_item_whose_other_fields_changed_meanwhile(s, entry, planners):
    anna, bram = planners
    url = f"/items/{s.meeting.id}/talking-points"
    brams = opened(bram, url)
    edited(anna, s.meeting, title="Ontvangst door de burgemeester")

    saved = bram.post(url, data={**brams, "versions": [str(entry.current.id)]}, follow_redirects=True)

    assert ON_TOP in saved.get_data(as_text=True)
    item = stored(s.meeting.id)
    assert item.title == "Ontvangst door de burgemeester", "Anna's title is kept"
    assert item.talking_points == f"{POINTS}\n\n{ANSWER}"
    annas, brams_saved = item_history(s.meeting.id)
    assert annas["title"][1] == "Ontvangst door de burgemeester"
    assert "title" not in brams_saved and brams_saved["talking_points"] == [POINTS, f"{POINTS}\n\n{ANSWER}"]


def test_talking_points_changed_meanwhile_are_shown_side_by_side_and_nothing_added_until_saved_again(
        s, entry, planners):
    anna, bram = planners
    url = f"/items/{s.meeting.id}/talking-points"
    brams = opened(bram, url)
    edited(anna, s.meeting, talking_points=THEIRS)

    shown = bram.post(url, data={**brams, "versions": [str(entry.current.id)]})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert NOT_ADDED in html
    table = html[html.index('id="changed-title"'):html.index("</table>")]
    assert table.index(POINTS) < table.index(THEIRS) < table.index(f"{THEIRS}\n\n{ANSWER}")
    assert stored(s.meeting.id).talking_points == THEIRS
    assert db.session.scalars(select(ComposedFrom)).all() == []

    again = form_values(html)
    assert again["versions"] == str(entry.current.id), "the choice stays ticked"
    assert bram.post(url, data=again).status_code == 302
    assert stored(s.meeting.id).talking_points == f"{THEIRS}\n\n{ANSWER}", "Anna's words and the entry"
    annas, brams_saved = item_history(s.meeting.id)
    assert annas["talking_points"] == [POINTS, THEIRS]
    assert brams_saved["talking_points"] == [THEIRS, f"{THEIRS}\n\n{ANSWER}"], "nothing of Anna's taken away"


def test_a_form_that_does_not_say_what_it_showed_is_not_applied_blindly(s, entry, planners):
    _anna, bram = planners
    url = f"/items/{s.meeting.id}/talking-points"
    version = stored(s.meeting.id).version
    stored(s.meeting.id).talking_points = THEIRS
    commit()

    shown = bram.post(url, data={"version": str(version), "versions": [str(entry.current.id)],
                                 "csrf_token": opened(bram, url).get("csrf_token", "")})

    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and NOT_ADDED in html and "(not known)" in html
    assert stored(s.meeting.id).talking_points == THEIRS
