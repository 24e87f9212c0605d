"""High-risk mode (issue 14, part 3): a participant at critical risk, or a mission the advisor puts in the mode, keeps
every item with them out of every feed, for every audience and owner, not even as a private appointment; feeds that
had them get them cancelled with nothing but the time they knew; downloads and prints that show them need the user
to prove again who they are, and are logged; the mission page says the mode is on and why."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select
from support.ical import feed
from support.ical import PRIVATE, assert_well_formed, events
from support.pdf import response_text
from support.readiness import assess

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.missions.operations import set_high_risk
from visitplanner.participants.operations import create_participant

AUDIENCES = ("internal", "delegation", "partner", "public")
SECRET_WORDS = ("Werkplaats", "Zwaluw-4471", "Li Wei", "Gesprek met arbeidsrechtenactivist")


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


@pytest.fixture
def meeting(ctx, make_user, make_mission, make_item):
    """A public meeting with a defender (so every audience has it), and a dinner without civil society."""
    advisor = make_user(Role.ADVISOR, email="advisor@example.org")
    mission = make_mission()
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title="Gesprek met arbeidsrechtenactivist",
                     kind="ngo_visit", visibility="public", location="Werkplaats")
    dinner = make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", title="Diner", kind="meal",
                       visibility="public", location="Hotel")
    person = create_participant(advisor, real_name="Li Wei", alias="Zwaluw-4471", kind="defender", at_risk=True)
    item.participants.append(person)
    commit()
    return advisor, mission, item, dinner, person


def test_a_critical_assessment_cancels_the_item_in_every_feed_with_nothing_but_its_time(meeting):
    advisor, mission, item, dinner, person = meeting
    before = {audience: feed(mission, audience)[item.uid] for audience in AUDIENCES}

    assess(advisor, person, item, risk_level="critical")
    commit()

    for audience in AUDIENCES:
        body_events = feed(mission, audience)
        cancelled = body_events[item.uid]
        assert str(cancelled["status"]) == "CANCELLED"
        assert cancelled.decoded("sequence") > before[audience].decoded("sequence")
        # The cancellation takes the title off the devices that synced it; only the time they had stays.
        assert str(cancelled["summary"]) in PRIVATE and str(cancelled["class"]) == "CONFIDENTIAL"
        assert cancelled.decoded("dtstart") == before[audience].decoded("dtstart")
        assert "location" not in cancelled and "description" not in cancelled
        assert str(body_events[dinner.uid]["status"]) == "CONFIRMED"  # what has no civil society stays


def test_no_feed_of_any_audience_or_owner_carries_anything_of_the_person(meeting, reader, make_user):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    owners = [advisor, make_user(Role.PROTOCOL), make_user(Role.APPROVER)]
    tokens = [create_feed(owner, kind="mission", audience=audience, mission=mission)[1]
              for owner in owners for audience in AUDIENCES]
    commit()
    for token in tokens:
        response = reader.get(f"/feeds/{token}.ics")
        assert response.status_code == 200
        assert_well_formed(response.data)
        for word in SECRET_WORDS:
            assert word.encode() not in response.data, (token, word)
        parsed = events(response.data)
        assert str(parsed[item.uid]["status"]) == "CANCELLED" and dinner.uid in parsed


def test_an_item_made_after_the_assessment_never_reaches_a_feed(meeting, make_item):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    later = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", title="Tweede gesprek", kind="ngo_visit",
                      visibility="public", participants=[person])
    for audience in AUDIENCES:
        assert later.uid not in feed(mission, audience)


def out_of_every_feed(mission, item) -> None:
    """The item is in no feed of any audience as planned: at most cancelled, with nothing but its time."""
    for audience in AUDIENCES:
        got = feed(mission, audience).get(item.uid)
        assert got is None or str(got["status"]) == "CANCELLED", (audience, got)
        if got is not None:
            assert str(got["summary"]) in PRIVATE and "location" not in got, audience


def exported(runner, mission, audience: str = "internal") -> bytes:
    result = runner.invoke(args=["export-ics", str(mission.id), "--audience", audience])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_a_lower_risk_on_reassessment_keeps_the_item_out_until_the_advisor_releases_it(meeting, client, login):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    cancelled = feed(mission, "partner")[item.uid].decoded("sequence")
    assess(advisor, person, item, risk_level="high")
    commit()
    out_of_every_feed(mission, item)

    login(Role.ADVISOR)
    assert client.post(f"/items/{item.id}/release", data={"reason": "Dreiging geweken, met haar besproken."}
                       ).status_code == 302
    back = feed(mission, "partner")[item.uid]
    assert str(back["status"]) == "CONFIRMED" and back.decoded("sequence") > cancelled
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "item.release")).one()
    assert entry.changes["reason"][1] == "Dreiging geweken, met haar besproken." and entry.object_id == item.id


def test_protection_holds_through_unlinking_erasure_edits_and_assessments_elsewhere(
    runner, meeting, client, login, make_item
):
    """Issue 21: high-risk mode ended without the advisor. Each step someone else can take leaves the item out of
    every feed and out of ``export-ics``; only the advisor's audited release brings it back."""
    from support.itinerary import edit_form

    advisor, mission, item, dinner, person = meeting
    elsewhere = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", title="Lunch", kind="meal",
                          visibility="public", participants=[person])
    assess(advisor, person, elsewhere, risk_level="high")
    assess(advisor, person, item, risk_level="critical")
    commit()

    def still_out() -> None:
        out_of_every_feed(mission, item)
        body = exported(runner, mission)
        assert item.uid.encode() not in body and b"Werkplaats" not in body and dinner.uid.encode() in body

    still_out()
    assess(advisor, person, elsewhere, risk_level="low")  # an assessment elsewhere never lowers it
    commit()
    still_out()

    login(Role.PROTOCOL)
    page = client.get(f"/items/{item.id}/edit")
    assert "Kept out of calendars" in text_of(page) and "only the human-rights advisor releases it" in text_of(page)
    edited = client.post(f"/items/{item.id}/edit", data=edit_form(
        db.session.get(type(item), item.id), title="Gesprek (verplaatst)", participants=[str(person.id)]))
    assert edited.status_code == 302
    still_out()
    unticked = client.post(f"/items/{item.id}/edit", data=edit_form(db.session.get(type(item), item.id)))
    assert unticked.status_code == 302 and person not in db.session.get(type(item), item.id).participants
    still_out()

    client.post("/logout")
    login(Role.ADVISOR)
    assert client.post(f"/participants/{person.id}/erase", data={"alias": person.alias}).status_code == 302
    from visitplanner.participants.models import Participant

    assert db.session.get(Participant, person.id).erased_at is not None
    still_out()

    assert client.post(f"/items/{item.id}/release", data={"reason": "Het gesprek gaat zonder haar door."}
                       ).status_code == 302
    assert str(feed(mission, "internal")[item.uid]["status"]) == "CONFIRMED"
    assert item.uid.encode() in exported(runner, mission)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "ProgrammeItem",
                                                                 AuditEntry.object_id == item.id)
                                 .order_by(AuditEntry.id)).all()
    assert "item.protect" in actions and actions[-1] == "item.release"


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.APPROVER])
def test_only_the_advisor_releases_an_item(client, login, meeting, role):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    login(role)
    assert client.post(f"/items/{item.id}/release", data={"reason": "Zomaar"}).status_code in (403, 404)
    assert db.session.get(type(item), item.id).protected_at is not None


def test_a_release_is_refused_while_the_person_is_still_at_critical_risk_there(client, login, meeting):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    login(Role.ADVISOR)
    page = client.post(f"/items/{item.id}/release", data={"reason": "Toch maar doen"})
    assert page.status_code == 200 and "still assessed at critical risk" in text_of(page)
    assert "Li Wei" not in text_of(page)
    empty = client.post(f"/items/{item.id}/release", data={"reason": "   "})
    assert empty.status_code == 200
    assert db.session.get(type(item), item.id).protected_at is not None
    out_of_every_feed(mission, item)


def test_the_mission_page_lists_the_protected_item_and_the_advisor_gets_the_release(client, login, meeting):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    login(Role.PROTOCOL)
    page = text_of(client.get(f"/missions/{mission.id}"))
    assert "“Gesprek met arbeidsrechtenactivist” is kept out of every calendar feed" in page
    assert "Release “Gesprek" not in page
    client.post("/logout")
    login(Role.ADVISOR)
    page = text_of(client.get(f"/missions/{mission.id}"))
    assert "Release “Gesprek met arbeidsrechtenactivist” into calendars" in page


def test_mission_mode_covers_a_residents_meeting_recorded_by_head_count_only(meeting, make_item, runner):
    """With the mode set on the mission, a meeting with residents counted off the record (no one linked) is a
    meeting with civil society all the same."""
    advisor, mission, item, dinner, person = meeting
    residents = make_item(mission, "2027-04-14T16:00", "2027-04-14T17:30", title="Bewonersbijeenkomst",
                          kind="citizen_meeting", visibility="public", location="Buurthuis")
    residents.headcount, residents.headcount_reason = 12, "Familie in Xinjiang."
    commit()
    assert str(feed(mission, "internal")[residents.uid]["status"]) == "CONFIRMED"
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    out_of_every_feed(mission, residents)
    assert residents.uid.encode() not in exported(runner, mission)
    assert str(feed(mission, "internal")[dinner.uid]["status"]) == "CONFIRMED"


def test_export_ics_leaves_out_what_feeds_leave_out_and_is_audited(meeting, runner):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    for audience in ("internal", "delegation", "travel", "partner", "public"):
        body = exported(runner, mission, audience)
        assert item.uid.encode() not in body
        for word in SECRET_WORDS:
            assert word.encode() not in body
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "programme.export_cli")
                                 .order_by(AuditEntry.id)).all()
    assert [e.changes["export"][1] for e in entries] == ["ics:internal", "ics:delegation", "ics:travel",
                                                         "ics:partner", "ics:public"]
    assert all(e.mission_id == mission.id and e.changes["left_out"][1] == 1 for e in entries)


def test_the_advisor_sets_the_mode_on_a_mission_with_a_reason_and_ends_it(client, login, meeting):
    _, mission, item, dinner, person = meeting
    login(Role.ADVISOR)
    page = client.get(f"/missions/{mission.id}")
    assert "Set high-risk mode on this mission" in text_of(page)

    refused = client.post(f"/missions/{mission.id}/high-risk", data={"reason": "  "})
    assert refused.status_code == 200 and mission.high_risk_reason is None
    done = client.post(f"/missions/{mission.id}/high-risk",
                       data={"reason": "Signalen van intimidatie van gesprekspartners."})
    assert done.status_code == 302
    page = text_of(client.get(f"/missions/{mission.id}"))
    assert "High-risk mode is on" in page and "Signalen van intimidatie van gesprekspartners." in page
    assert item.uid in feed(mission, "internal") and str(feed(mission, "internal")[item.uid]["status"]) == "CANCELLED"
    assert str(feed(mission, "internal")[dinner.uid]["status"]) == "CONFIRMED"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.mission_id == mission.id)).all()
    assert "mission.high_risk_on" in actions

    ended = client.post(f"/missions/{mission.id}/high-risk", data={"reason": "Dreiging voorbij."})
    assert ended.status_code == 302
    assert str(feed(mission, "internal")[item.uid]["status"]) == "CONFIRMED"
    assert "High-risk mode is on" not in text_of(client.get(f"/missions/{mission.id}"))


def test_a_critical_participant_is_named_by_alias_as_the_reason_on_the_mission_page(client, login, meeting):
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    login(Role.PROTOCOL)
    page = text_of(client.get(f"/missions/{mission.id}"))
    assert "High-risk mode is on" in page and "Zwaluw-4471 is assessed at critical risk." in page
    assert "Li Wei" not in page


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.APPROVER, Role.DELEGATE])
def test_only_the_advisor_sets_the_mode(client, login, meeting, role):
    _, mission, *_ = meeting
    login(role)
    assert client.post(f"/missions/{mission.id}/high-risk", data={"reason": "Zomaar"}).status_code in (403, 404)
    assert db.session.get(type(mission), mission.id).high_risk_reason is None


@pytest.mark.parametrize("path, export", [("/programme.ics?audience=delegation", "ics:delegation"),
                                          ("/programme/print?audience=delegation", "print:delegation"),
                                          ("/programme/book.pdf?audience=delegation", "book:delegation")])
def test_a_download_or_print_that_shows_such_an_item_asks_for_the_password_and_is_logged(
    client, login, meeting, path, export
):
    advisor, mission, item, dinner, person = meeting
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    user = login(Role.PROTOCOL)
    url = f"/missions/{mission.id}{path}"

    asked = client.get(url)
    assert asked.status_code == 200 and "Confirm it is you" in text_of(asked)
    assert b"BEGIN:VCALENDAR" not in asked.data and b"Gesprek met arbeidsrechtenactivist" not in asked.data
    wrong = client.post(url, data={"secret": "not my password"})
    assert wrong.status_code == 403 and b"Gesprek met arbeidsrechtenactivist" not in wrong.data

    right = client.post(url, data={"secret": "correct horse battery staple"})
    assert right.status_code == 200 and "Gesprek met arbeidsrechtenactivist" in response_text(right)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "programme.high_risk_export")).one()
    assert (entry.actor_id, entry.mission_id, entry.changes["export"][1]) == (user.id, mission.id, export)


@pytest.mark.parametrize("path, export", [("/programme.ics?audience=delegation", "ics:delegation"),
                                          ("/programme/print?audience=delegation", "print:delegation"),
                                          ("/programme/book.pdf?audience=delegation", "book:delegation")])
def test_the_items_own_protection_keeps_downloads_behind_the_re_check_once_the_person_is_unticked(
    client, login, meeting, path, export
):
    """The flag the critical assessment set, not who is linked now, decides: with the person taken off the item,
    the book, the print and the file still ask who you are, and the travel-safe copies still leave the item out."""
    advisor, mission, item, dinner, person = meeting
    assess(advisor, person, item, risk_level="critical")
    commit()
    item.participants.remove(person)
    commit()
    login(Role.PROTOCOL)

    asked = client.get(f"/missions/{mission.id}{path}")
    assert asked.status_code == 200 and "Confirm it is you" in text_of(asked)
    right = client.post(f"/missions/{mission.id}{path}", data={"secret": "correct horse battery staple"})
    assert right.status_code == 200 and "Gesprek met arbeidsrechtenactivist" in response_text(right)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "programme.high_risk_export")).one()
    assert entry.changes["export"][1] == export

    travel = client.get(f"/missions/{mission.id}{path.replace('delegation', 'travel')}")
    shown = response_text(travel)
    assert travel.status_code == 200 and "Confirm it is you" not in shown
    assert "Diner" in shown or "Hotel" in shown or path.endswith(".ics"), "the travel-safe copy is made at once"
    assert not any(word in shown for word in ("Werkplaats", "Gesprek met arbeidsrechtenactivist", "14:00")), path


def test_an_output_that_does_not_show_such_an_item_is_made_at_once(client, login, meeting):
    advisor, mission, item, dinner, person = meeting
    item.visibility = "internal"  # the public sees nothing of it
    commit()
    assess(advisor, person, item, risk_level="critical")
    commit()
    login(Role.PROTOCOL)
    response = client.get(f"/missions/{mission.id}/programme.ics?audience=public")
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.data
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.high_risk_export")) is None


def test_whoever_has_a_second_factor_confirms_with_a_fresh_code(client, auth, meeting, make_user):
    import time

    import pyotp

    from visitplanner.auth.operations import enrol_second_factor

    advisor, mission, item, dinner, person = meeting
    set_high_risk(advisor, mission, "Intimidatie")
    approver = make_user(Role.APPROVER)
    secret = pyotp.random_base32()
    enrol_second_factor(approver, secret, pyotp.TOTP(secret).now())
    approver.totp_last_step = None
    commit()
    auth.login(approver)
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302

    url = f"/missions/{mission.id}/programme.ics?audience=internal"
    asked = client.get(url)
    assert "Code from your authenticator app" in text_of(asked)
    assert client.post(url, data={"secret": "correct horse battery staple"}).status_code == 403
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step, within the drift allowed
    assert client.post(url, data={"secret": next_code}).status_code == 200


def test_the_feed_for_the_owner_of_a_person_feed_also_carries_nothing(meeting, reader, make_user, make_member):
    advisor, mission, item, dinner, person = meeting
    delegate = make_user(Role.DELEGATE)
    member = make_member(mission, user=delegate)
    item.attendees.append(member)
    commit()
    token = create_feed(delegate, kind="person", audience=Audience.DELEGATION)[1]
    commit()
    assert item.uid in events(reader.get(f"/feeds/{token}.ics").data)
    assess(advisor, person, item, risk_level="critical")
    commit()
    body = reader.get(f"/feeds/{token}.ics").data
    assert str(events(body)[item.uid]["status"]) == "CANCELLED"
    for word in SECRET_WORDS:
        assert word.encode() not in body


# ---- a refused re-check is audited too, naming the mission and the export tried (issue 21) --------------------


def refusals(app) -> list[tuple]:
    """The audit entries of refused re-checks, as committed (read in a session of their own)."""
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("programme.high_risk_export_%"))
                                     .order_by(AuditEntry.id))
        return [(e.action, e.actor_id, e.mission_id, e.partnership_id, e.changes) for e in entries]


@pytest.mark.parametrize("path, export", [("/programme.ics?audience=delegation", "ics:delegation"),
                                          ("/programme/print?audience=delegation", "print:delegation"),
                                          ("/programme/book.pdf?audience=delegation", "book:delegation")])
def test_a_wrong_password_at_the_re_check_is_audited_with_the_mission_and_the_export(
    app, client, login, meeting, path, export
):
    advisor, mission, item, dinner, person = meeting
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    user = login(Role.PROTOCOL)

    wrong = client.post(f"/missions/{mission.id}{path}", data={"secret": "not my password"})

    assert wrong.status_code == 403
    assert refusals(app) == [("programme.high_risk_export_wrong", user.id, mission.id, mission.partnership_id,
                              {"export": [None, export]})]


def test_a_re_check_refused_for_too_many_attempts_is_audited_with_the_mission_and_the_export(
    app, client, login, meeting
):
    advisor, mission, item, dinner, person = meeting
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    user = login(Role.PROTOCOL)
    url = f"/missions/{mission.id}/programme.ics?audience=delegation"
    for _ in range(5):
        assert client.post(url, data={"secret": "not my password"}).status_code == 403

    refused = client.post(url, data={"secret": "correct horse battery staple"})

    assert refused.status_code == 403 and b"BEGIN:VCALENDAR" not in refused.data
    assert refusals(app)[-1] == ("programme.high_risk_export_limited", user.id, mission.id, mission.partnership_id,
                                 {"export": [None, "ics:delegation"]})
    assert [action for action, *_ in refusals(app)] == ["programme.high_risk_export_wrong"] * 5 + [
        "programme.high_risk_export_limited"]


def test_the_refusals_have_labels_in_both_languages(app):
    from visitplanner.audit.labels import ACTIONS

    assert {"programme.high_risk_export_wrong", "programme.high_risk_export_limited"} <= set(ACTIONS)
