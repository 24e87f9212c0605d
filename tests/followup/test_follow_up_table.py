"""The follow-up table on the after-the-visit page: one form, one Save, no lost edits, and overdue actions in words.

Each row carries the status it was loaded with: a row the person left alone never undoes what someone else saved
meanwhile, and a row both changed keeps theirs and says so. Every changed row is audited on its own.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select
from support.pages import form_values

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.followup.operations import add_follow_up

pytestmark = pytest.mark.usefixtures("ctx")

LONG_AGO, FAR_AHEAD = date(2000, 1, 1), date(2999, 1, 1)


@pytest.fixture
def table(make_user, make_mission):
    """A completed visit with three follow-up actions; returns (mission id, {what: id}, the after page's URL)."""
    protocol = make_user(Role.PROTOCOL)
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    # Completed, with the columns that say how it got there.
    now = datetime.now(UTC)
    mission.status, mission.submitted_by_id = "completed", protocol.id
    mission.submitted_at = mission.finalised_at = mission.completed_at = now
    commit()
    ids = {what: add_follow_up(None, mission, what=what, with_whom="", owner=None, due_date=due).id
           for what, due in (("Verslag sturen", LONG_AGO), ("Brief aan de partner", FAR_AHEAD),
                             ("Evaluatie plannen", LONG_AGO))}
    commit()
    return mission.id, ids, f"/missions/{mission.id}/after"


def statuses() -> dict[str, str]:
    db.session.expire_all()
    return {f.what: f.status for f in db.session.scalars(select(FollowUp))}


def audited() -> list[tuple[int, dict]]:
    return [(e.object_id, e.changes) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "followup.update").order_by(AuditEntry.id))]


def text(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def table_form(browser, url: str) -> dict:
    """What the follow-up table's form sends as the page shows it."""
    html = browser.get(url).get_data(as_text=True)
    return form_values(html, re.search(r'action="([^"]*/follow-ups/status)"', html).group(1))


def test_the_table_has_one_save_that_saves_every_changed_row_each_audited(table, signed_in):
    mission_id, ids, url = table
    officer = signed_in(Role.PROTOCOL)
    page = officer.get(url).get_data(as_text=True)
    follow_ups = page[page.index('id="follow-ups"'):]
    assert follow_ups.count("<form") == 1 and follow_ups.count('type="submit"') == 1
    sent = table_form(officer, url)

    saved = officer.post(f"/missions/{mission_id}/follow-ups/status", follow_redirects=True, data={
        **sent, f"status-{ids['Verslag sturen']}": "done", f"status-{ids['Brief aan de partner']}": "in_progress"})

    assert "Statuses saved: 2 follow-up actions changed." in text(saved)
    assert statuses() == {"Verslag sturen": "done", "Brief aan de partner": "in_progress",
                          "Evaluatie plannen": "open"}
    assert audited() == [(ids["Verslag sturen"], {"status": ["open", "done"]}),
                         (ids["Brief aan de partner"], {"status": ["open", "in_progress"]})]


def test_a_row_left_alone_keeps_what_someone_else_saved_meanwhile(table, signed_in):
    mission_id, ids, url = table
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.ADVISOR)
    annas, brams = table_form(anna, url), table_form(bram, url)

    anna.post(f"/missions/{mission_id}/follow-ups/status", data={**annas, f"status-{ids['Verslag sturen']}": "done"})
    # Bram's page still shows "open" for that row; he changes another one.
    saved = bram.post(f"/missions/{mission_id}/follow-ups/status", follow_redirects=True,
                      data={**brams, f"status-{ids['Evaluatie plannen']}": "in_progress"})

    assert "Status saved: 1 follow-up action changed." in text(saved)
    assert statuses() == {"Verslag sturen": "done", "Brief aan de partner": "open", "Evaluatie plannen": "in_progress"}


def test_a_row_both_changed_keeps_theirs_and_says_so(table, signed_in):
    mission_id, ids, url = table
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.ADVISOR)
    annas, brams = table_form(anna, url), table_form(bram, url)
    anna.post(f"/missions/{mission_id}/follow-ups/status", data={**annas, f"status-{ids['Verslag sturen']}": "done"})

    told = bram.post(f"/missions/{mission_id}/follow-ups/status", follow_redirects=True,
                     data={**brams, f"status-{ids['Verslag sturen']}": "in_progress"})

    assert ("“Verslag sturen” was set to “Done” by someone else meanwhile; your choice for it is not saved. Choose "
            "again if it should change.") in text(told)
    assert statuses()["Verslag sturen"] == "done"
    assert len(audited()) == 1


def test_an_unknown_status_saves_nothing(table, signed_in):
    mission_id, ids, url = table
    officer = signed_in(Role.PROTOCOL)
    sent = table_form(officer, url)

    refused = officer.post(f"/missions/{mission_id}/follow-ups/status", follow_redirects=True, data={
        **sent, f"status-{ids['Verslag sturen']}": "done", f"status-{ids['Evaluatie plannen']}": "forgotten"})

    assert "Choose a status." in text(refused)
    assert set(statuses().values()) == {"open"} and audited() == []


def test_overdue_actions_are_marked_in_words_and_done_ones_are_not(table, signed_in):
    mission_id, ids, url = table
    officer = signed_in(Role.PROTOCOL)
    officer.post(f"/missions/{mission_id}/follow-ups/status",
                 data={**table_form(officer, url), f"status-{ids['Evaluatie plannen']}": "done"})

    for reader in (officer, signed_in(Role.APPROVER)):  # the approver reads the table without a form
        page = reader.get(url).get_data(as_text=True)
        rows = {what: re.search(rf'<tr[^>]*id="follow-up-{i}">(.*?)</tr>', page, re.S).group(1)
                for what, i in ids.items()}
        assert [what for what, row in rows.items() if "Overdue" in row] == ["Verslag sturen"]
