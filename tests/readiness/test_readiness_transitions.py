"""Mission status: draft → ready for sign-off → finalised → completed, and cancelled; four-eyes sign-off; database
constraints; changes after finalisation voiding the sign-offs; ``flask checklist``."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from support.readiness import (
    ALIAS,
    REAL_NAME,
    TODAY,
    add_company,
    add_participant,
    assess,
    audit_count,
    finalise,
    freeze_today,
    give_consent,
    ready_mission,
)

from visitplanner.commit import commit, follow_changes
from visitplanner.messages import shown
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import create_item, remove_item, update_item
from visitplanner.missions.models import Mission, MissionStatus
from visitplanner.participants.models import (
    ConsentRecord,
    Decision,
    SafetyAssessment,
    Scope,
    item_participants,
)
from visitplanner.participants.operations import withdraw_consent
from visitplanner.readiness.checks import CHECKS
from visitplanner.readiness.fingerprint import fingerprint, vouched_content
from visitplanner.readiness.lifecycle import ENDPOINTS, TRANSITIONS, Action
from visitplanner.readiness.models import ManualCheck, SignOffRole
from visitplanner.readiness.operations import (
    cancel,
    complete,
    confirm_manual_check,
    context,
    required_manual_checks,
    return_to_draft,
    settle,
    sign_off,
    submit_for_signoff,
)
from visitplanner.timeutil import local_naive, now_utc

LAST_DAY = date(2027, 4, 15)  # of the missions the factories make
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(autouse=True)
def _english(english, monkeypatch):
    """English messages, and the scenarios' own day: what sign-offs vouch for is judged on the same day."""
    freeze_today(monkeypatch)


@pytest.fixture
def scenario(make_user, make_mission, make_item):
    def build(direction="outbound", **kwargs):
        return ready_mission(make_user, make_mission, make_item, direction, **kwargs)
    return build


def bring_to(s, status: str) -> None:
    """Take a ready scenario's mission to ``status`` through the operations (committed)."""
    if status in ("ready_for_signoff", "finalised", "completed"):
        submit_for_signoff(s.protocol, s.mission, TODAY)
    if status in ("finalised", "completed"):
        sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
        sign_off(s.approver, s.mission, SignOffRole.APPROVER, TODAY)
    if status == "completed":
        complete(s.protocol, s.mission, LAST_DAY)
    if status == "cancelled":
        cancel(s.protocol, s.mission, "Bezoek afgelast door de partner.")
    commit()
    assert s.mission.status == status


def active_sign_offs(mission):
    return [x for x in mission.sign_offs if x.voided_at is None]


# ---- the transition table ---------------------------------------------------------------------------------

#: The operation that takes each step by hand (the system's steps, finalising and voiding, follow below).
OPERATIONS = {
    Action.SUBMIT: lambda s: submit_for_signoff(s.protocol, s.mission, TODAY),
    Action.SIGN_OFF: lambda s: sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY),
    Action.COMPLETE: lambda s: complete(s.protocol, s.mission, LAST_DAY),
    Action.CANCEL: lambda s: cancel(s.protocol, s.mission, "Afgelast."),
    Action.RETURN: lambda s: return_to_draft(s.protocol, s.mission, "Programma nog niet rond."),
}
STATUSES = [s.value for s in MissionStatus]


def test_every_step_a_person_takes_has_an_operation_and_the_others_are_the_systems():
    by_hand = {action for (_, action) in TRANSITIONS if action in ENDPOINTS}
    assert by_hand == set(OPERATIONS)
    assert {action for (_, action) in TRANSITIONS if action not in ENDPOINTS} == {Action.FINALISE, Action.VOID}


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("before", STATUSES)
def test_the_transition_table(scenario, before, operation):
    """Each operation moves a mission as the lifecycle table says, and is refused where the table has no step."""
    s = scenario()
    bring_to(s, before)
    step = TRANSITIONS.get((MissionStatus(before), operation))
    if step is None:
        with pytest.raises(RuleViolation):
            OPERATIONS[operation](s)
        db.session.rollback()
        assert s.mission.status == before
    else:
        OPERATIONS[operation](s)
        commit()
        assert s.mission.status == step


@pytest.mark.parametrize("before", STATUSES)
def test_only_a_submitted_or_finalised_mission_is_voided_and_only_a_ready_one_finalised(scenario, before):
    s = scenario()
    bring_to(s, before)
    voidable = (MissionStatus(before), Action.VOID) in TRANSITIONS
    assert voidable == (before in ("ready_for_signoff", "finalised"))
    assert ((MissionStatus(before), Action.FINALISE) in TRANSITIONS) == (before == "ready_for_signoff")


def test_the_happy_path_records_who_and_when_and_audits_each_step(scenario):
    s = scenario()
    submit_for_signoff(s.protocol, s.mission, TODAY)
    assert s.mission.submitted_by_id == s.protocol.id and s.mission.submitted_at is not None
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    assert s.mission.status == "ready_for_signoff" and s.mission.finalised_at is None
    sign_off(s.approver, s.mission, SignOffRole.APPROVER, TODAY)
    assert s.mission.status == "finalised" and s.mission.finalised_at is not None
    complete(s.protocol, s.mission, LAST_DAY)
    commit()
    assert s.mission.status == "completed" and s.mission.completed_at is not None
    for action in ("mission.submit", "mission.sign_off", "mission.finalise", "mission.complete"):
        assert audit_count(action, s.mission) == (2 if action == "mission.sign_off" else 1), action


def test_submitting_is_refused_while_a_check_fails_and_says_which(scenario):
    s = scenario()
    s.mission.partnership.advised_against = True
    s.mission.partnership.advised_against_reason = "Geen ruimte voor dialoog."
    commit()
    with pytest.raises(RuleViolation, match="Partnership groundwork"):
        submit_for_signoff(s.protocol, s.mission, TODAY)


def test_submitting_is_refused_once_the_consent_has_expired_by_date(scenario):
    s = scenario()
    with pytest.raises(RuleViolation, match="Consent of civil-society participants"):
        submit_for_signoff(s.protocol, s.mission, date(2027, 5, 16))


def test_a_mission_can_be_completed_from_its_last_day_on(scenario):
    s = scenario()
    bring_to(s, "finalised")
    with pytest.raises(RuleViolation, match="15 Apr 2027"):
        complete(s.protocol, s.mission, date(2027, 4, 14))
    complete(s.protocol, s.mission, LAST_DAY)
    assert s.mission.status == "completed"


def test_cancelling_needs_a_reason_and_voids_the_sign_offs(scenario):
    s = scenario()
    bring_to(s, "finalised")
    with pytest.raises(RuleViolation, match="reason"):
        cancel(s.protocol, s.mission, "   ")
    cancel(s.protocol, s.mission, "De partner zegde af.")
    commit()
    assert s.mission.status == "cancelled" and s.mission.cancel_reason == "De partner zegde af."
    assert active_sign_offs(s.mission) == []
    assert all(x.void_reason for x in s.mission.sign_offs)


def test_resubmitting_clears_the_attention_reason(scenario):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    return_to_draft(s.protocol, s.mission, "Programma nog niet rond.")
    assert s.mission.needs_attention and s.mission.attention_reason == "Programma nog niet rond."
    submit_for_signoff(s.protocol, s.mission, TODAY)
    assert s.mission.attention_reason is None and not s.mission.needs_attention


# ---- four eyes -------------------------------------------------------------------------------------------


def test_the_submitter_cannot_sign_off(scenario, make_user):
    s = scenario()
    preparer = make_user(Role.PROTOCOL, Role.ADVISOR)
    submit_for_signoff(preparer, s.mission, TODAY)
    with pytest.raises(RuleViolation, match="four-eyes"):
        sign_off(preparer, s.mission, SignOffRole.ADVISOR, TODAY)
    assert s.mission.sign_offs == []


def test_one_person_cannot_sign_in_both_roles(scenario, make_user):
    s = scenario()
    both = make_user(Role.ADVISOR, Role.APPROVER)
    bring_to(s, "ready_for_signoff")
    sign_off(both, s.mission, SignOffRole.ADVISOR, TODAY)
    with pytest.raises(RuleViolation, match="one person cannot sign in two roles"):
        sign_off(both, s.mission, SignOffRole.APPROVER, TODAY)
    assert s.mission.status == "ready_for_signoff" and len(s.mission.sign_offs) == 1


@pytest.mark.parametrize("roles, role", [
    ((Role.PROTOCOL,), SignOffRole.ADVISOR),
    ((Role.ADVISOR,), SignOffRole.APPROVER),
    ((Role.APPROVER,), SignOffRole.ADVISOR),
    ((Role.ADMIN,), SignOffRole.APPROVER),
])
def test_a_user_without_the_role_cannot_sign_in_it(scenario, make_user, roles, role):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    with pytest.raises(RuleViolation, match="do not have the role"):
        sign_off(make_user(*roles), s.mission, role, TODAY)


def test_a_role_signs_once(scenario, make_user):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    with pytest.raises(RuleViolation, match="Someone else signed first: .* has already signed this mission off"):
        sign_off(make_user(Role.ADVISOR), s.mission, SignOffRole.ADVISOR, TODAY)


def test_the_second_sign_off_finalises_and_each_records_a_fingerprint(scenario):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    first = sign_off(s.approver, s.mission, SignOffRole.APPROVER, TODAY)  # either order
    assert s.mission.status == "ready_for_signoff"
    second = sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()
    assert s.mission.status == "finalised"
    assert HEX64.match(first.fingerprint) and HEX64.match(second.fingerprint)
    assert first.fingerprint == second.fingerprint == s.mission.vouched_fingerprint
    assert second.fingerprint == fingerprint(vouched_content(s.mission, context(TODAY)))
    assert {x.user_id for x in s.mission.sign_offs} == {s.advisor.id, s.approver.id}
    # The fingerprint covers the programme: moving an item changes it.
    s.meeting.ends_at += timedelta(minutes=30)
    assert fingerprint(vouched_content(s.mission, context(TODAY))) != second.fingerprint


def test_sign_off_is_refused_while_a_check_fails(scenario):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    with pytest.raises(RuleViolation, match="Consent of civil-society participants"):
        sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, date(2027, 5, 16))


# ---- manual checklist items ---------------------------------------------------------------------------


def test_manual_items_must_be_confirmed_before_sign_off(scenario):
    s = scenario(confirm=False)
    submit_for_signoff(s.protocol, s.mission, TODAY)
    with pytest.raises(RuleViolation, match="First confirm the manual checklist items"):
        sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    confirm_manual_check(s.protocol, s.mission, ManualCheck.EMBASSY_INFORMED)
    with pytest.raises(RuleViolation, match="briefed on the human-rights talking points"):
        sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    confirm_manual_check(s.advisor, s.mission, ManualCheck.DELEGATION_BRIEFED, "Briefing op 2 april.")
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    assert len(active_sign_offs(s.mission)) == 1


def test_which_manual_items_apply(scenario):
    outbound = scenario(confirm=False)
    inbound = scenario("inbound", confirm=False, alias="Linde-7305")
    assert required_manual_checks(outbound.mission) == [ManualCheck.EMBASSY_INFORMED, ManualCheck.DELEGATION_BRIEFED]
    assert required_manual_checks(inbound.mission) == [ManualCheck.DELEGATION_BRIEFED]
    with pytest.raises(RuleViolation, match="does not apply"):
        confirm_manual_check(inbound.protocol, inbound.mission, ManualCheck.COMPANIES_BRIEFED)
    add_company(outbound.mission)
    assert ManualCheck.COMPANIES_BRIEFED in required_manual_checks(outbound.mission)
    confirm_manual_check(outbound.protocol, outbound.mission, ManualCheck.DELEGATION_BRIEFED)
    with pytest.raises(RuleViolation, match="already confirmed"):
        confirm_manual_check(outbound.protocol, outbound.mission, ManualCheck.DELEGATION_BRIEFED)


# ---- database constraints -----------------------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "UPDATE missions SET status = 'finalised' WHERE id = :id",  # no finalised_at
    "UPDATE missions SET status = 'completed', finalised_at = CURRENT_TIMESTAMP WHERE id = :id",  # no completed_at
    "UPDATE missions SET status = 'cancelled', cancelled_at = CURRENT_TIMESTAMP WHERE id = :id",  # no reason
    "UPDATE missions SET submitted_by_id = NULL WHERE id = :id",  # ready without a submitter
    "UPDATE missions SET completed_at = CURRENT_TIMESTAMP WHERE id = :id",  # completed_at on a ready mission
    "UPDATE missions SET override_reason = 'Toch gaan.' WHERE id = :id",  # override without an approver
    "UPDATE missions SET status = 'approved' WHERE id = :id",  # no such status
])
def test_the_database_keeps_status_and_columns_consistent(scenario, statement):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    mission_id = s.mission.id
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement), {"id": mission_id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Mission, mission_id).status == "ready_for_signoff"


def test_the_database_refuses_a_voided_sign_off_without_a_reason(scenario):
    s = scenario()
    bring_to(s, "finalised")
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE sign_offs SET voided_at = CURRENT_TIMESTAMP WHERE mission_id = :id"),
                           {"id": s.mission.id})
    db.session.rollback()


# ---- changes after finalisation void the sign-offs ---------------------------------------------------------


def item_data(item: ProgrammeItem, **changes) -> dict:
    """What the item form would send for ``item``, with ``changes``."""
    data = dict(
        kind=item.kind, title=item.title, starts_at=local_naive(item.starts_at, item.timezone),
        ends_at=local_naive(item.ends_at, item.timezone), timezone=item.timezone, location=item.location,
        description=item.description, talking_points=item.talking_points,
        no_talking_points_reason=item.no_talking_points_reason, visibility=item.visibility, parallel=item.parallel,
        attendees=item.attendee_ids, participants=[p.id for p in item.participants],
    )
    data.update(changes)
    return data


def _withdraw(s):
    withdraw_consent(s.advisor, s.participant, s.mission, method="secure_messenger")
    return ALIAS


def _add_item(s):
    create_item(s.protocol, s.mission, **item_data(s.meeting, title="Extra bezoek", talking_points="",
                                                   kind="cultural", starts_at=datetime(2027, 4, 15, 9),
                                                   ends_at=datetime(2027, 4, 15, 10), participants=[]))
    return "Extra bezoek"


def _move_item(s):
    update_item(s.protocol, s.meeting, expected_version=s.meeting.version,
                **item_data(s.meeting, starts_at=datetime(2027, 4, 13, 16), ends_at=datetime(2027, 4, 13, 17)))
    return s.meeting.title


def _remove_item(s):
    remove_item(s.protocol, s.meeting)
    return s.meeting.title


def _add_participant(s):
    other = add_participant(s.advisor, real_name="Aynur Tursun", alias="Linde-7305")
    update_item(s.advisor, s.hr_item, expected_version=s.hr_item.version,
                **item_data(s.hr_item, participants=[s.participant.id, other.id]))
    return s.hr_item.title


def _change_safety_decision(s):
    assess(s.advisor, s.participant, s.hr_item, decision=Decision.PROCEED.value)
    return ALIAS


CHANGES = {
    "consent withdrawn": _withdraw,
    "item added": _add_item,
    "item moved": _move_item,
    "item removed": _remove_item,
    "participant added": _add_participant,
    "safety decision changed": _change_safety_decision,
}


def state_of(mission_id: int) -> dict:
    """Everything a change after finalisation could touch, read fresh from the database."""
    db.session.expire_all()
    mission = db.session.get(Mission, mission_id)
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))
    return {
        "status": mission.status,
        "finalised_at": mission.finalised_at is not None,
        "attention_reason": mission.attention_reason,
        "voided": sorted((x.voided_at is not None, x.void_reason) for x in mission.sign_offs),
        "audit": count(AuditEntry),
        "consents": count(ConsentRecord),
        "assessments": count(SafetyAssessment),
        "items": sorted((i.title, i.starts_at, i.removed_at is not None) for i in mission.items),
        "participants": count(item_participants),
    }


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_after_finalisation_voids_the_sign_offs_in_the_same_transaction(scenario, change):
    s = scenario()
    finalise(s)
    before = state_of(s.mission.id)

    fragment = CHANGES[change](s)
    follow_changes(s.protocol)  # what the commit does before its COMMIT

    assert s.mission.status == "draft" and s.mission.finalised_at is None
    assert s.mission.needs_attention and fragment in shown(s.mission.attention_reason)
    assert REAL_NAME not in shown(s.mission.attention_reason)
    assert len(s.mission.sign_offs) == 2
    for signature in s.mission.sign_offs:
        assert signature.voided_at is not None and signature.void_reason == s.mission.attention_reason
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.void_sign_off",
                                                       AuditEntry.mission_id == s.mission.id))
    assert entry is not None and entry.changes["status"] == ["finalised", "draft"]
    assert entry.changes["reason"] == [None, s.mission.attention_reason]

    db.session.rollback()  # the change and its consequences are one transaction: nothing of it stays
    assert state_of(s.mission.id) == before


def test_a_change_that_does_not_matter_keeps_the_sign_offs(scenario):
    s = scenario()
    finalise(s)
    update_item(s.protocol, s.meeting, expected_version=s.meeting.version,
                **item_data(s.meeting, description="Met tolk."))
    commit()
    assert s.mission.status == "finalised" and len(active_sign_offs(s.mission)) == 2
    assert audit_count("mission.void_sign_off") == 0


def test_narrowing_consent_after_finalisation_voids_the_sign_offs(scenario):
    s = scenario()
    finalise(s)
    give_consent(s.advisor, s.participant, s.mission, [Scope.TAKE_PART])
    commit(s.advisor)
    assert s.mission.status == "draft"
    assert f"{ALIAS}: consent take part, be named in internal documents → take part" in shown(s.mission.attention_reason)


def test_a_change_to_a_draft_mission_voids_nothing(scenario):
    s = scenario()
    _remove_item(s)
    commit()
    assert s.mission.status == "draft" and s.mission.attention_reason is None
    assert audit_count("mission.void_sign_off") == 0


# ---- settle: consent and safety lapsing by date ----------------------------------------------------------


@pytest.fixture
def finalised_until_the_meeting(scenario):
    """A finalised mission whose participant's consent must be reconfirmed by 2027-04-14, the day of their meeting."""
    s = scenario()
    give_consent(s.advisor, s.participant, s.mission, [Scope.TAKE_PART, Scope.NAMED_INTERNAL],
                 reconfirm_by=date(2027, 4, 14))
    finalise(s)
    return s


def test_a_mission_whose_consent_ends_before_the_meeting_cannot_be_submitted(scenario):
    """Issue 21, part 3: consent to be reconfirmed by 1 April holds today, but not at the meeting on 14 April."""
    s = scenario()
    give_consent(s.advisor, s.participant, s.mission, [Scope.TAKE_PART, Scope.NAMED_INTERNAL],
                 reconfirm_by=date(2027, 4, 1))
    with pytest.raises(RuleViolation, match="Consent of civil-society participants"):
        submit_for_signoff(s.protocol, s.mission, TODAY)
    assert s.mission.status == "draft"


def test_settling_does_nothing_while_consent_is_valid(finalised_until_the_meeting):
    s = finalised_until_the_meeting
    assert settle(s.mission, date(2027, 4, 14)) is False
    assert s.mission.status == "finalised" and len(active_sign_offs(s.mission)) == 2
    assert audit_count("mission.void_sign_off") == 0


def test_settling_voids_when_consent_expired_by_date(finalised_until_the_meeting, client, en, login):
    s = finalised_until_the_meeting
    assert settle(s.mission, date(2027, 4, 15)) is True
    commit()
    assert s.mission.status == "draft" and active_sign_offs(s.mission) == []
    assert f"{ALIAS}: consent expired on 14 Apr 2027" in shown(s.mission.attention_reason)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.void_sign_off"))
    assert entry.actor_id is None  # the system did it

    login(Role.PROTOCOL)
    page = client.get(f"/missions/{s.mission.id}").get_data(as_text=True)
    assert "This mission needs attention: its sign-off was voided." in page
    assert "consent expired on 14 Apr 2027" in page and REAL_NAME not in page


@pytest.mark.parametrize("page", ["/missions/{id}", "/missions/{id}/checklist"])
def test_after_expiry_the_pages_show_the_sign_off_no_longer_holds_without_writing_and_cron_applies_it(
    finalised_until_the_meeting, client, en, auth, login, runner, monkeypatch, page
):
    s = finalised_until_the_meeting
    user = login(Role.PROTOCOL)
    url = page.format(id=s.mission.id)
    freeze_today(monkeypatch, date(2027, 4, 14))
    auth.login(user)  # a day on
    assert "no longer holds" not in client.get(url).get_data(as_text=True)
    freeze_today(monkeypatch, date(2027, 4, 15))
    auth.login(user)
    html = client.get(url).get_data(as_text=True)
    assert "The sign-off of this mission no longer holds: what it vouched for changed." in html
    assert f"{ALIAS}: consent expired on 14 Apr 2027" in html and REAL_NAME not in html
    db.session.expire_all()
    assert s.mission.status == "finalised" and audit_count("mission.void_sign_off", s.mission) == 0  # GET wrote nothing

    result = runner.invoke(args=["checklist", str(s.mission.id)])
    assert f"Mission {s.mission.id}: sign-off voided." in result.output
    db.session.expire_all()
    assert s.mission.status == "draft" and audit_count("mission.void_sign_off", s.mission) == 1
    assert "This mission needs attention: its sign-off was voided." in client.get(url).get_data(as_text=True)


def test_settling_leaves_draft_completed_and_cancelled_missions_alone(scenario):
    s = scenario()
    assert settle(s.mission, date(2027, 6, 1)) is False
    bring_to(s, "completed")
    assert settle(s.mission, date(2027, 6, 1)) is False and s.mission.status == "completed"


# ---- flask checklist ----------------------------------------------------------------------------------


@pytest.fixture
def demo(app, monkeypatch):
    from visitplanner.demo import load_demo

    freeze_today(monkeypatch)
    load_demo()
    commit()
    missions = list(db.session.scalars(select(Mission).order_by(Mission.id)))
    outbound = next(m for m in missions if m.direction == "outbound")
    inbound = next(m for m in missions if m.direction == "inbound" and m.status == "draft")
    return outbound, inbound


def run_checklist(runner, *ids):
    return runner.invoke(args=["checklist", *map(str, ids)])


LINE = re.compile(r"^(PASS|FAIL|WARN|NA) [a-z_]+: .+")


def test_checklist_reports_every_mission_and_fails_on_the_inbound_demo(runner, demo):
    outbound, inbound = demo
    result = run_checklist(runner)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    headings = [line for line in lines if line.startswith("Mission ")]
    missions = list(db.session.scalars(select(Mission).order_by(Mission.id)))
    assert headings == [f"Mission {m.id}: {m.title} [{m.status}]" for m in missions]
    assert f"Mission {outbound.id}: {outbound.title} [finalised]" in headings
    assert f"Mission {inbound.id}: {inbound.title} [draft]" in headings
    checks = [line for line in lines if not line.startswith("Mission ")]
    assert len(checks) == len(CHECKS) * len(missions) and all(LINE.match(line) for line in checks), checks
    for real_name in ("Chen Xiaoli", "Aynur Tursun", "Pieter de Wit"):
        assert real_name not in result.output


def test_checklist_exit_code_tells_the_two_demo_missions_apart(runner, demo):
    outbound, inbound = demo
    good = run_checklist(runner, outbound.id)
    assert good.exit_code == 0, good.output
    assert "FAIL" not in good.output and good.output.count("PASS ") >= 8

    bad = run_checklist(runner, inbound.id)
    assert bad.exit_code == 1
    assert re.search(r"^FAIL inbound: .*meeting with residents", bad.output, re.MULTILINE)
    assert re.search(r"^FAIL consent: .*Linde-7305: consent expired", bad.output, re.MULTILINE)


def test_a_cancelled_failing_mission_alone_exits_zero(runner, make_user, make_mission):
    mission = make_mission()  # an empty draft: fails most checks
    assert run_checklist(runner, mission.id).exit_code == 1
    cancel(make_user(Role.PROTOCOL), mission, "Afgelast.")
    commit()
    result = run_checklist(runner, mission.id)
    assert result.exit_code == 0, result.output
    assert "FAIL" in result.output and "[cancelled]" in result.output


def test_an_unknown_mission_id_is_an_error(runner, make_mission):
    mission = make_mission()
    result = run_checklist(runner, mission.id, 9999)
    assert result.exit_code != 0
    assert "No mission with id 9999" in result.output


# ---- the checklist's buttons come from the table ---------------------------------------------------------------


def buttons(client, mission) -> list[str]:
    """The labels of the lifecycle steps the checklist offers (buttons and the links to a reason page)."""
    html = client.get(f"/missions/{mission.id}/checklist").get_data(as_text=True)
    block = re.search(r'<div class="utrecht-button-group vp-transitions">(.*?)</div>', html, re.DOTALL)
    if block is None:
        return []
    return [label.strip() for label in re.findall(r"<(?:button|a)[^>]*>([^<]+)</(?:button|a)>", block.group(1))]


@pytest.mark.parametrize("status, who, expected", [
    ("draft", "protocol", ["Submit for sign-off", "Cancel mission"]),
    ("draft", "advisor", []),
    ("ready_for_signoff", "protocol", ["Return to draft", "Cancel mission"]),
    ("ready_for_signoff", "advisor", ["Sign off as Human-rights advisor"]),
    ("ready_for_signoff", "approver", ["Sign off as Approver"]),
    ("finalised", "protocol", ["Mark as completed", "Cancel mission"]),
    ("finalised", "approver", []),
    ("completed", "protocol", []),
    ("cancelled", "protocol", []),
])
def test_the_checklist_offers_the_steps_the_lifecycle_table_gives_the_role(scenario, client, en, auth, status, who,
                                                                            expected):
    s = scenario()
    bring_to(s, status)
    auth.login(getattr(s, who))
    assert buttons(client, s.mission) == expected


def test_after_signing_the_signer_is_offered_no_second_sign_off(scenario, client, en, auth, make_user):
    s = scenario()
    bring_to(s, "ready_for_signoff")
    both = make_user(Role.ADVISOR, Role.APPROVER)
    auth.login(both)
    assert buttons(client, s.mission) == ["Sign off as Human-rights advisor", "Sign off as Approver"]
    sign_off(both, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()
    assert buttons(client, s.mission) == []  # one person signs once, in one role


def test_the_approver_who_overrode_the_advice_is_offered_no_sign_off_and_may_not_sign(scenario, client, en, auth):
    """Four eyes, stated once (``lifecycle.four_eyes_refusal``): the button, the operation and the check agree."""
    s = scenario()
    s.mission.override_reason, s.mission.override_by_id, s.mission.override_at = "Toch gaan.", s.approver.id, now_utc()
    commit()
    bring_to(s, "ready_for_signoff")
    auth.login(s.approver)
    assert buttons(client, s.mission) == []
    with pytest.raises(RuleViolation, match="overrode the advice against engagement"):
        sign_off(s.approver, s.mission, SignOffRole.APPROVER, TODAY)
