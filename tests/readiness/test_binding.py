"""A sign-off binds to what it vouches for: any change to that content voids it, in the same transaction, and says
what changed; a change to a description or a title does not. No operation voids by hand."""

from __future__ import annotations

import json

import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select, text
from support.accounts import Auth
from support.readiness import (
    ALIAS,
    REAL_NAME,
    TODAY,
    add_company,
    brief,
    assess,
    audit_count,
    finalise,
    freeze_today,
    give_consent,
    post_and_void,
    ready_mission,
)

from visitplanner.commit import commit
from visitplanner.messages import shown
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.extensions import db
from visitplanner.itinerary.operations import update_item
from visitplanner.missions.models import Mission
from visitplanner.companies.operations import record_briefing, update_briefing
from visitplanner.missions.operations import add_member, update_mission
from visitplanner.participants.models import Decision, Scope
from visitplanner.participants.operations import withdraw_consent
from visitplanner.readiness.operations import set_talking_points_block, settle, submit_for_signoff
from visitplanner.timeutil import local_naive


@pytest.fixture(autouse=True)
def _english(english, monkeypatch):
    """English messages, and the scenarios' own day: what sign-offs vouch for is judged on the same day."""
    freeze_today(monkeypatch)


@pytest.fixture
def finalised(make_user, make_mission, make_item):
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    finalise(s)
    return s


def item_data(item, **changes) -> dict:
    data = dict(
        kind=item.kind, title=item.title, starts_at=local_naive(item.starts_at, item.timezone),
        ends_at=local_naive(item.ends_at, item.timezone), timezone=item.timezone, location=item.location,
        description=item.description, talking_points=item.talking_points,
        no_talking_points_reason=item.no_talking_points_reason, visibility=item.visibility, parallel=item.parallel,
        attendees=item.attendee_ids, participants=[p.id for p in item.participants],
    )
    data.update(changes)
    return data


def edit(s, item, **changes):
    update_item(s.protocol, item, expected_version=item.version, **item_data(item, **changes))


def mission_data(mission, **changes) -> dict:
    data = {k: getattr(mission, k) for k in ("partnership_id", "direction", "title", "purpose", "start_date",
                                             "end_date", "timezone")}
    data.update(changes)
    return data


def standing(mission) -> list:
    return [x for x in mission.sign_offs if x.voided_at is None]


#: Each kind of content a sign-off vouches for, changed as the office would; and a fragment of what the
#: voided sign-off then says changed.
VOIDING = {
    "talking points cleared": (lambda s: edit(s, s.meeting, talking_points=""), "talking points removed"),
    "talking points reworded": (lambda s: edit(s, s.meeting, talking_points="Alleen privacy."),
                                "talking points changed"),
    "reason for no talking points given": (lambda s: edit(s, s.meeting, no_talking_points_reason="Protocol."),
                                           "reason for having no talking points added"),
    "kind changed": (lambda s: edit(s, s.meeting, kind="meal"), "kind Official meeting with partner authorities"),
    "moved": (lambda s: edit(s, s.meeting, starts_at=datetime(2027, 4, 13, 15), ends_at=datetime(2027, 4, 13, 16)),
              "start 13 Apr 2027, 14:00 → 13 Apr 2027, 15:00"),
    "other zone, same wall-clock time": (lambda s: edit(s, s.meeting, timezone="Asia/Hong_Kong"),
                                         "time zone Asia/Shanghai → Asia/Hong_Kong"),
    "place changed": (lambda s: edit(s, s.meeting, location="Hotel"), "location — → Hotel"),
    "shown to the partner no more": (lambda s: edit(s, s.meeting, visibility="internal"), "visibility"),
    "made parallel": (lambda s: edit(s, s.meeting, parallel=True), "parallel no → yes"),
    "participant taken out": (lambda s: edit(s, s.hr_item, participants=[]),
                              f"civil-society participants removed: {ALIAS}"),
    "consent withdrawn": (lambda s: withdraw_consent(s.advisor, s.participant, s.mission, method="phone"),
                          f"{ALIAS}: consent take part, be named in internal documents → withdrawn"),
    "consent narrowed": (lambda s: give_consent(s.advisor, s.participant, s.mission, [Scope.TAKE_PART]),
                         f"{ALIAS}: consent take part, be named in internal documents → take part"),
    "safety decision changed": (lambda s: assess(s.advisor, s.participant, s.hr_item, decision=Decision.PROCEED.value),
                                f"{ALIAS} at “Gesprek over arbeidsrechten”: safety Proceed with mitigations"),
    "consent renewed to end before the meeting": (
        lambda s: give_consent(s.advisor, s.participant, s.mission, reconfirm_by=date(2027, 4, 10)),
        f"{ALIAS}: consent take part, be named in internal documents → ends before the meeting"),
    "assessment renewed to end before the meeting": (
        lambda s: assess(s.advisor, s.participant, s.hr_item, valid_until=date(2027, 4, 13)),
        f"{ALIAS} at “Gesprek over arbeidsrechten”: safety Proceed with mitigations → Proceed with mitigations, "
        "expired or ends before the meeting"),
    "last day moved": (lambda s: update_mission(s.protocol, s.mission, expected_version=s.mission.version,
                                                **mission_data(s.mission, end_date=date(2027, 4, 16))),
                       "Mission: last day 15 Apr 2027 → 16 Apr 2027"),
    "delegation grew": (lambda s: add_member(s.protocol, s.mission, name="Jan Jansen"), "Delegation: joined Jan Jansen"),
    "a company joined": (lambda s: add_company(s.mission, "Mulder Waterbouw B.V."),
                         "Company added: Mulder Waterbouw B.V."),
}


@pytest.mark.parametrize("change", list(VOIDING))
def test_a_change_to_what_was_vouched_for_voids_the_sign_offs_and_says_what_changed(finalised, change):
    s = finalised
    make_change, fragment = VOIDING[change]

    make_change(s)
    commit()  # the void is taken at the change's own commit, in its transaction

    assert s.mission.status == "draft" and s.mission.finalised_at is None and s.mission.vouched_fingerprint is None
    assert standing(s.mission) == [] and len(s.mission.sign_offs) == 2
    assert shown(s.mission.attention_reason).startswith("Changed since it was submitted for sign-off: ")
    assert fragment in shown(s.mission.attention_reason), s.mission.attention_reason
    assert REAL_NAME not in shown(s.mission.attention_reason)
    assert all(x.void_reason == s.mission.attention_reason for x in s.mission.sign_offs)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.void_sign_off"))
    assert entry.changes["status"] == ["finalised", "draft"]
    assert any(fragment in shown(line) for line in entry.changes["changed"][1])


def remove_talking_points_on_the_page(client, s, officer) -> None:
    """The protocol officer, working in ``client``'s language, clears the meeting's talking points on its edit page."""
    assert Auth(client).login(officer).status_code == 302
    form = {k: v for k, v in item_data(s.meeting, talking_points="").items() if k not in ("participants",)}
    form.update(starts_at=form["starts_at"].strftime("%Y-%m-%dT%H:%M"), ends_at=form["ends_at"].strftime("%Y-%m-%dT%H:%M"),
                attendees=[str(i) for i in form["attendees"]], version=str(s.meeting.version), parallel="")
    assert post_and_void(client, f"/items/{s.meeting.id}/edit", form).status_code == 302
    db.session.expire_all()


def test_removing_talking_points_and_extending_the_dates_through_the_pages_void_it(app, finalised, en, make_user):
    s, client = finalised, en
    remove_talking_points_on_the_page(client, s, make_user(Role.PROTOCOL))
    assert db.session.get(Mission, s.mission.id).status == "draft"
    checklist = unescape(client.get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True))
    assert "This mission needs attention: its sign-off was voided." in checklist
    assert "“Ontvangst door het stadsbestuur”: human-rights talking points removed" in checklist

    # Submitted and signed again, then the last day is moved on the mission's page.
    db.session.expire_all()
    s.meeting = db.session.get(type(s.meeting), s.meeting.id)
    s.mission = db.session.get(Mission, s.mission.id)
    finalise(s)
    mission = s.mission
    saved = post_and_void(client, f"/missions/{mission.id}/edit", {
        "partnership_id": str(mission.partnership_id), "direction": mission.direction, "title": mission.title,
        "purpose": mission.purpose, "start_date": "2027-04-12", "end_date": "2027-04-17",
        "timezone": mission.timezone, "version": str(mission.version)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).status == "draft"
    page = unescape(client.get(f"/missions/{mission.id}").get_data(as_text=True))
    assert "Mission: last day 15 Apr 2027 → 17 Apr 2027" in page


def test_a_void_made_in_dutch_is_read_in_english_by_an_english_reader_and_stored_as_a_code(
    app, finalised, client, another_client, make_user
):
    """Issue 13, part 8: the reason is kept as a code with parameters and translated when shown, on the checklist
    and in the mission's history alike."""
    s = finalised
    remove_talking_points_on_the_page(client, s, make_user(Role.PROTOCOL))  # the pages in Dutch, the default
    mission = db.session.get(Mission, s.mission.id)
    assert mission.attention_reason["msg"] == "Changed since it was submitted for sign-off: %(changes)s."
    assert "Gewijzigd" not in json.dumps(mission.attention_reason, ensure_ascii=False)  # no text in a language

    dutch = unescape(client.get(f"/missions/{mission.id}/checklist").get_data(as_text=True))
    assert ("Gewijzigd sinds het ter aftekening is aangeboden: “Ontvangst door het stadsbestuur”: "
            "mensenrechtelijke gesprekspunten verwijderd") in dutch
    reader = another_client()  # in English
    assert Auth(reader).login(make_user(Role.PROTOCOL)).status_code == 302
    english_page = unescape(reader.get(f"/missions/{mission.id}/checklist").get_data(as_text=True))
    assert ("Changed since it was submitted for sign-off: “Ontvangst door het stadsbestuur”: "
            "human-rights talking points removed") in english_page
    assert "Gewijzigd" not in english_page and "verwijderd" not in english_page
    history = unescape(reader.get(f"/missions/{mission.id}/history").get_data(as_text=True))
    assert "“Ontvangst door het stadsbestuur”: human-rights talking points removed" in history
    assert "Gewijzigd" not in history


@pytest.mark.parametrize("change", ["description", "title", "description and title"])
def test_a_description_or_title_alone_voids_nothing(finalised, change):
    s = finalised
    changes = {"description": {"description": "Met tolk."}, "title": {"title": "Ontvangst (stadhuis)"},
               "description and title": {"description": "Met tolk.", "title": "Ontvangst (stadhuis)"}}[change]
    edit(s, s.meeting, **changes)
    update_mission(s.protocol, s.mission, expected_version=s.mission.version,
                   **mission_data(s.mission, purpose="Ook over water."))
    commit()
    assert s.mission.status == "finalised" and len(standing(s.mission)) == 2
    assert audit_count("mission.void_sign_off") == 0


def test_a_submitted_mission_not_yet_signed_returns_to_draft_on_a_change(make_user, make_mission, make_item):
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    submit_for_signoff(s.protocol, s.mission, TODAY)
    commit()
    edit(s, s.meeting, location="Elders")
    commit(s.protocol)
    assert s.mission.status == "draft" and "location — → Elders" in shown(s.mission.attention_reason)


def test_a_company_whose_briefing_is_undone_voids_the_missions_it_takes_part_in(make_user, make_mission, make_item):
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    make_item(s.mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="business_session", title="OESO-sessie")
    company = add_company(s.mission)
    brief(company, date(2027, 2, 1))
    commit()
    from support.readiness import confirm_all

    confirm_all(s.protocol, s.mission)
    finalise(s)
    briefing = company.briefings[0]
    update_briefing(s.protocol, briefing, expected_version=briefing.version, briefed_on=date(2027, 2, 1),
                    held=False, briefed_by=None, today=TODAY)
    commit(s.protocol)
    assert s.mission.status == "draft"
    assert ("Mulder Waterbouw B.V.: human-rights briefings 1 Feb 2027, held → 1 Feb 2027, planned"
            in shown(s.mission.attention_reason))


def test_a_new_briefing_recorded_for_a_company_of_a_signed_mission_voids_it_as_a_changed_date_did(
        make_user, make_mission, make_item):
    """Recording another briefing before departure moves what the signers vouched for, as changing the company's
    one briefing date did before the register kept a history; one recorded after departure cannot count, and voids
    nothing."""
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    make_item(s.mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="business_session", title="OESO-sessie")
    company = add_company(s.mission)
    brief(company, date(2027, 2, 1))
    commit()
    from support.readiness import confirm_all

    confirm_all(s.protocol, s.mission)
    finalise(s)
    record_briefing(s.protocol, company, briefed_on=date(2027, 4, 20), held=False, briefed_by=None, today=TODAY)
    commit(s.protocol)
    assert s.mission.status == "finalised", "a briefing after departure is not what the signers relied on"
    record_briefing(s.protocol, company, briefed_on=date(2027, 3, 1), held=True, briefed_by=None, today=TODAY)
    commit(s.protocol)
    assert s.mission.status == "draft"
    assert "human-rights briefings 1 Feb 2027, held → 1 Feb 2027, held, 1 Mar 2027, held" in shown(
        s.mission.attention_reason)


def test_a_setting_that_makes_a_check_fail_voids_what_no_longer_passes(make_user, make_mission, make_item):
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    s.meeting.talking_points = ""
    commit()
    finalise(s)  # missing talking points only warn
    assert s.mission.status == "finalised"
    set_talking_points_block(make_user(Role.ADMIN), True)
    commit()
    assert s.mission.status == "draft"
    assert "Check “Human-rights talking points”: warning → fail" in shown(s.mission.attention_reason)


def test_the_void_is_audited_right_after_the_change_and_as_the_actor_the_commit_was_given(finalised):
    s = finalised
    withdraw_consent(s.advisor, s.participant, s.mission, method="phone")
    commit(s.advisor)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.mission_id == s.mission.id)
                                 .order_by(AuditEntry.id.desc()).limit(2)).all()
    assert [e.action for e in reversed(entries)] == ["consent.withdraw", "mission.void_sign_off"]
    assert entries[0].actor_id == s.advisor.id


def test_a_lapse_by_date_is_applied_by_settling_and_audited_as_the_systems(finalised, monkeypatch):
    s = finalised
    assert settle(s.mission, date(2027, 5, 15)) is False
    assert settle(s.mission, date(2027, 5, 16)) is True
    commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.void_sign_off"))
    assert entry.actor_id is None
    assert f"{ALIAS}: consent take part, be named in internal documents → expired" in shown(s.mission.attention_reason)


def test_the_checklist_shows_what_changed_since_submission_before_cron_applies_it(
    finalised, client, en, auth, make_user, monkeypatch
):
    s = finalised
    officer = make_user(Role.APPROVER)
    freeze_today(monkeypatch, date(2027, 5, 16))
    auth.login(officer)
    page = unescape(client.get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True))
    assert "The sign-off of this mission no longer holds" in page
    lines = re.findall(r'<li class="utrecht-unordered-list__item">([^<]*)</li>', page)
    assert f"{ALIAS}: consent take part, be named in internal documents → expired" in lines
    assert REAL_NAME not in page
    db.session.expire_all()
    assert db.session.get(Mission, s.mission.id).status == "finalised"


def test_a_mission_signed_before_binding_returns_to_draft_at_the_first_look_of_cron(finalised):
    s = finalised
    # As migration 0007 leaves a mission finalised before it (written past the ORM, as the migration does).
    db.session.execute(text("UPDATE missions SET vouched_fingerprint = NULL, vouched_content = NULL WHERE id = :id"),
                       {"id": s.mission.id})
    commit()
    db.session.expire_all()
    assert s.mission.status == "finalised"
    assert settle(s.mission, TODAY) is True
    assert "Submitted before sign-offs were bound" in shown(s.mission.attention_reason)


def test_the_vouched_content_names_participants_by_alias_and_keeps_no_free_text(finalised):
    s = finalised
    stored = repr(s.mission.vouched_content)
    assert ALIAS in stored and REAL_NAME not in stored
    assert "Arbeidsrechten; privacy" not in stored  # the talking points themselves stay out
    assert s.mission.vouched_content["facts"]["items"][s.meeting.uid]["talking_points"]


def test_a_day_passing_alone_changes_nothing_while_every_date_still_holds(finalised):
    s = finalised
    assert settle(s.mission, TODAY + timedelta(days=30)) is False
    assert s.mission.status == "finalised"
