"""The office's organisation feed: open follow-ups and evaluations due as all-day events, internal audience only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from support.clock import time_passes

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.partnerships.models import Objective


@pytest.fixture
def office(ctx, make_user, make_mission, make_item):
    """A completed visit with three follow-ups (open, in progress, done), an upcoming mission with one item,
    and two objectives of which one has an evaluation due."""
    owner = make_user(Role.ADVISOR, name="Yusuf Advisor")
    past = make_mission("inbound", start=date(2026, 9, 14), end=date(2026, 9, 16), timezone="Europe/Amsterdam",
                        title="Bezoek onderwijsdelegatie")
    now = datetime.now(UTC)
    past.status, past.submitted_by_id, past.submitted_at, past.finalised_at, past.completed_at = (
        "completed", owner.id, now, now, now)
    upcoming = make_mission("outbound", title="Werkbezoek Wuxi")
    make_item(upcoming, kind="official_meeting", title="Ontvangst door het stadsbestuur", visibility="delegation")
    follow_ups = {
        status: FollowUp(mission_id=past.id, what=f"Verslag ({status})", with_whom="Afdeling onderwijs",
                         owner_id=owner.id, due_date=due, status=status)
        for status, due in (("open", date(2026, 10, 15)), ("in_progress", date(2027, 1, 31)),
                            ("done", date(2026, 9, 30)))
    }
    db.session.add_all(follow_ups.values())
    due = Objective(partnership=past.partnership, what="Arbeidsrechten agenderen", benchmark="Reactie in elk verslag",
                    target_date=date(2027, 12, 31), evaluation_due=date(2027, 3, 31))
    not_planned = Objective(partnership=past.partnership, what="Geen slimme stad zonder toets",
                            target_date=date(2027, 9, 30))
    db.session.add_all([due, not_planned])
    commit()
    return {"follow_ups": follow_ups, "due": due, "not_planned": not_planned}


def subscribe(client, audience: str, kind: str = "organisation", **extra) -> str:
    """Create a feed through the page; returns the path of the URL it shows (once)."""
    response = client.post("/calendar/feeds/new", data={"kind": kind, "audience": audience, **extra})
    assert response.status_code == 200, response.status_code
    match = re.search(r'<input[^>]*id="feed-url"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the feed URL is shown in an input"
    url = unescape(match.group(1))
    assert url.startswith(("http://", "https://")) and url.endswith(".ics")
    return urlsplit(url).path


def fetch(reader, path: str, **headers):
    response = reader.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response, Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def reminders(calendar: Calendar) -> dict[str, object]:
    return {uid: e for uid, e in events(calendar).items() if uid.startswith(("followup-", "evaluation-"))}


def test_an_internal_organisation_feed_has_all_day_events_for_open_follow_ups_and_evaluations_due(
    ctx, en, login, reader, office
):
    login(Role.ADVISOR)
    path = subscribe(en, "internal")
    en.post("/logout")  # the feed needs nothing but its URL

    response, calendar = fetch(reader, path)

    follow_ups, objective = office["follow_ups"], office["due"]
    found = reminders(calendar)
    assert set(found) == {f"followup-{follow_ups['open'].id}@visitplanner",
                          f"followup-{follow_ups['in_progress'].id}@visitplanner",
                          f"evaluation-{objective.id}-2027-03-31@visitplanner"}
    days = {uid: (e.decoded("dtstart"), e.decoded("dtend")) for uid, e in found.items()}
    for start, end in days.values():
        assert type(start) is date and type(end) is date, "all-day: a date, not a date-time"
        assert (end - start).days == 1
    assert days[f"followup-{follow_ups['open'].id}@visitplanner"][0] == date(2026, 10, 15)
    assert days[f"followup-{follow_ups['in_progress'].id}@visitplanner"][0] == date(2027, 1, 31)
    assert days[f"evaluation-{objective.id}-2027-03-31@visitplanner"][0] == date(2027, 3, 31)
    body = response.get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20261015" in body
    assert "DTSTART;VALUE=DATE:20270331" in body
    follow_up = found[f"followup-{follow_ups['open'].id}@visitplanner"]
    # A calendar service fetches without a session: the feed speaks the office's language, Dutch.
    assert str(follow_up["summary"]) == "Opvolgactie op de agenda: Bezoek onderwijsdelegatie"
    assert f"/missions/{follow_ups['open'].mission_id}/after" in str(follow_up["description"])
    evaluation = found[f"evaluation-{objective.id}-2027-03-31@visitplanner"]
    partnership = objective.partnership
    assert str(evaluation["summary"]) == (
        f"Evaluatie op de agenda: {partnership.own_organisation} – {partnership.partner_region}")
    assert f"/partnerships/{objective.partnership_id}#plan" in str(evaluation["description"])
    # The free text stays in the application: a follow-up or objective may name a person.
    for text in ("Verslag (", "Afdeling onderwijs", "Arbeidsrechten agenderen", "Reactie in elk verslag",
                 "Geen slimme stad zonder toets"):
        assert text not in body
    assert any(str(e["summary"]) == "Ontvangst door het stadsbestuur" for e in events(calendar).values()), \
        "the programme is still in the feed"


@pytest.mark.parametrize("audience", ["delegation", "partner", "public"])
def test_an_organisation_feed_for_another_audience_has_none_of_them(ctx, en, login, reader, office, audience):
    login(Role.ADVISOR)
    path = subscribe(en, audience)

    response, calendar = fetch(reader, path)

    assert reminders(calendar) == {}
    body = response.get_data(as_text=True)
    assert "VALUE=DATE" not in body
    assert "Verslag (" not in body and "Arbeidsrechten agenderen" not in body


def test_other_kinds_of_internal_feed_have_none_of_them(ctx, en, login, reader, office):
    login(Role.ADVISOR)
    partnership_id = office["due"].partnership_id

    for path in (subscribe(en, "internal", kind="partnership", partnership_id=str(partnership_id)),
                 subscribe(en, "internal", kind="person")):
        _response, calendar = fetch(reader, path)
        assert reminders(calendar) == {}, path


def test_a_follow_up_marked_done_disappears_on_the_next_fetch(ctx, en, login, reader, office):
    login(Role.ADVISOR)
    path = subscribe(en, "internal")
    open_one = office["follow_ups"]["open"]
    uid = f"followup-{open_one.id}@visitplanner"
    first, calendar = fetch(reader, path)
    assert uid in reminders(calendar)

    assert en.post(f"/missions/{open_one.mission_id}/follow-ups/status",
                   data={f"status-{open_one.id}": "done", f"was-{open_one.id}": "open"}).status_code == 302

    # A calendar service that revalidates with the ETag it was given gets the new calendar, not a 304.
    _response, calendar = fetch(reader, path, **{"If-None-Match": first.headers["ETag"]})
    assert uid not in reminders(calendar)
    assert f"followup-{office['follow_ups']['in_progress'].id}@visitplanner" in reminders(calendar)


def test_a_new_evaluation_moves_the_due_date_in_the_feed(ctx, en, login, reader, office):
    login(Role.ADVISOR)
    path = subscribe(en, "internal")
    objective = office["due"]
    first, _calendar = fetch(reader, path)

    saved = en.post(f"/objectives/{objective.id}/evaluate", data={
        "evaluated_on": "2027-03-28", "progress": "some", "findings": "", "next_steps": "", "next_due": "2027-09-30"})
    assert saved.status_code == 302

    _response, calendar = fetch(reader, path, **{"If-None-Match": first.headers["ETag"]})
    found = reminders(calendar)
    assert f"evaluation-{objective.id}-2027-03-31@visitplanner" not in found
    assert found[f"evaluation-{objective.id}-2027-09-30@visitplanner"].decoded("dtstart") == date(2027, 9, 30)


def test_a_client_using_only_if_modified_since_sees_a_done_follow_up_disappear(ctx, en, login, reader, office):
    login(Role.ADVISOR)
    path = subscribe(en, "internal")
    open_one = office["follow_ups"]["open"]
    first, _calendar = fetch(reader, path)
    assert first.headers.get("Last-Modified")

    assert en.post(f"/missions/{open_one.mission_id}/follow-ups/status",
                   data={f"status-{open_one.id}": "done", f"was-{open_one.id}": "open"}).status_code == 302
    response = reader.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})

    assert response.status_code == 200
    assert f"followup-{open_one.id}@visitplanner" not in reminders(Calendar.from_ical(response.data))
    time_passes()
    response = reader.get(path)
    again = reader.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code == 304, "nothing changed since"
