"""The nine readiness checks (DOMAIN.md rules 1–9): each passes when the rule is met and fails (or warns) with a
reason that names the problem — civil-society participants by alias only, never by their real name."""

from __future__ import annotations

from datetime import date

import pytest
from readiness_factories import (
    ALIAS,
    REAL_NAME,
    TODAY,
    add_company,
    add_participant,
    assess,
    assessment_data,
    english,
    give_consent,
    join,
    ready_mission,
)

from visitplanner.auth.models import Role
from visitplanner.extensions import db
from visitplanner.participants.models import Decision, SafetyAssessment, Scope
from visitplanner.participants.operations import withdraw_consent
from visitplanner.readiness.checks import (
    CHECKS,
    PRE_SIGNOFF,
    Context,
    Status,
    check_consent,
    check_four_eyes,
    check_groundwork,
    check_hr_component,
    check_inbound,
    check_itinerary,
    check_outbound,
    check_safety,
    check_talking_points,
    run_checks,
)
from visitplanner.readiness.models import SignOff, SignOffRole
from visitplanner.readiness.operations import context, set_talking_points_block
from visitplanner.timeutil import now_utc

CTX = Context(today=TODAY)


@pytest.fixture(autouse=True)
def _english(ctx):
    english()


@pytest.fixture
def scenario(make_user, make_mission, make_item):
    """Build a mission that passes every pre-sign-off check."""
    def build(direction="outbound", **kwargs):
        return ready_mission(make_user, make_mission, make_item, direction, **kwargs)
    return build


def result_of(check, mission, ctx=CTX):
    """Run one check; every reason it gives is free of the participant's real name."""
    result = check(mission, ctx)
    assert REAL_NAME not in result.reason and REAL_NAME not in result.title
    return result


def assert_fails(result, *fragments, status=Status.FAIL):
    assert result.status == status, result.reason
    for fragment in fragments:
        assert fragment in result.reason, f"{fragment!r} not in {result.reason!r}"


def test_the_ready_scenario_passes_every_pre_signoff_check_in_both_directions(scenario):
    for direction in ("outbound", "inbound"):
        s = scenario(direction, alias=f"Reiger-{direction}")
        results = run_checks(s.mission, CTX, PRE_SIGNOFF)
        assert [r.status for r in results] == [Status.PASS] * len(PRE_SIGNOFF), [(r.name, r.reason) for r in results]
        assert [r.name for r in results] == ["hr_component", "inbound", "outbound", "consent", "safety",
                                             "groundwork", "itinerary", "talking_points"]
    assert len(CHECKS) == 9 and CHECKS[-1] is check_four_eyes


# ---- 1. a human-rights component ----------------------------------------------------------------------


@pytest.mark.parametrize("kinds, ok", [
    (["ngo_visit"], True),
    (["citizen_meeting"], True),
    (["business_session"], True),
    (["company_briefing"], True),
    (["official_meeting", "meal", "company_visit", "public_moment", "cultural"], False),
    ([], False),
])
def test_a_human_rights_component_is_one_of_four_kinds(make_mission, make_item, kinds, ok):
    mission = make_mission()
    for n, kind in enumerate(kinds):
        make_item(mission, f"2027-04-13T{8 + n:02d}:00", f"2027-04-13T{8 + n:02d}:30", kind=kind)
    result = result_of(check_hr_component, mission)
    if ok:
        assert result.status == Status.PASS and "1 human-rights component" in result.reason
    else:
        assert_fails(result, "no human-rights component")
        assert result.fix_endpoint == "itinerary.programme"


def test_a_removed_human_rights_component_does_not_count(make_mission, make_item):
    mission = make_mission()
    item = make_item(mission, kind="ngo_visit")
    item.removed_at = now_utc()
    db.session.commit()
    assert_fails(result_of(check_hr_component, mission), "no human-rights component")


# ---- 2. inbound: NGO visit and meeting with residents ---------------------------------------------------


@pytest.mark.parametrize("kinds, missing", [
    (["ngo_visit", "citizen_meeting"], []),
    (["ngo_visit"], ["meeting with residents"]),
    (["citizen_meeting"], ["visit to a human-rights or civil-society organisation"]),
    (["official_meeting"], ["meeting with residents", "visit to a human-rights or civil-society organisation"]),
])
def test_an_inbound_mission_needs_an_ngo_visit_and_a_citizen_meeting(make_mission, make_item, kinds, missing):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    for n, kind in enumerate(kinds):
        make_item(mission, f"2027-04-13T{9 + n:02d}:00", f"2027-04-13T{9 + n:02d}:45", kind=kind)
    result = result_of(check_inbound, mission)
    if not missing:
        assert result.status == Status.PASS
    else:
        assert_fails(result, "Missing:", *missing)
        for other in {"meeting with residents", "visit to a human-rights or civil-society organisation"} - set(missing):
            assert other not in result.reason


def test_the_inbound_rule_does_not_apply_to_an_outbound_mission(make_mission):
    result = result_of(check_inbound, make_mission("outbound"))
    assert result.status == Status.PASS and "inbound missions only" in result.reason


# ---- 3. outbound: civil society; with companies a business session and a briefing first -------------------


def test_an_outbound_mission_without_companies_needs_only_a_civil_society_meeting(make_mission, make_item):
    mission = make_mission("outbound")
    make_item(mission, kind="official_meeting")
    assert_fails(result_of(check_outbound, mission), "civil-society meeting or dialogue")
    make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", kind="citizen_meeting")
    assert result_of(check_outbound, mission).status == Status.PASS


def test_the_outbound_rule_does_not_apply_to_an_inbound_mission(make_mission):
    result = result_of(check_outbound, make_mission("inbound", timezone="Europe/Amsterdam"))
    assert result.status == Status.PASS and "outbound missions only" in result.reason


@pytest.mark.parametrize("briefed_on, session, ok", [
    (date(2027, 3, 20), True, True),
    (date(2027, 4, 12), True, True),  # on the day of departure still counts
    (date(2027, 4, 13), True, False),  # during the visit is too late
    (None, True, False),
    (date(2027, 3, 20), False, False),
])
def test_with_companies_an_outbound_mission_needs_a_business_session_and_companies_briefed_before_departure(
    make_mission, make_item, briefed_on, session, ok
):
    mission = make_mission("outbound", timezone="Asia/Shanghai", start=date(2027, 4, 12))
    add_company(mission, "Mulder Waterbouw B.V.").briefed_on = briefed_on
    db.session.commit()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit")
    if session:
        make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="business_session")
    result = result_of(check_outbound, mission)
    if ok:
        assert result.status == Status.PASS, result.reason
        return
    assert "civil-society meeting" not in result.reason
    if not session:
        assert_fails(result, "business session on the OECD Guidelines and UNGPs")
        assert "briefing" not in result.reason
    else:
        assert_fails(result, "human-rights briefing before departure for: Mulder Waterbouw B.V.")


def test_every_company_must_be_briefed_and_the_reason_names_those_that_were_not(make_mission, make_item):
    mission = make_mission("outbound")
    add_company(mission, "Mulder Waterbouw B.V.").briefed_on = date(2027, 3, 20)
    add_company(mission, "Stadslicht Sensoren B.V.")
    db.session.commit()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="business_session")
    result = result_of(check_outbound, mission)
    assert_fails(result, "for: Stadslicht Sensoren B.V.")
    assert "Mulder" not in result.reason


# ---- 4. consent -----------------------------------------------------------------------------------------


@pytest.fixture
def with_participant(make_user, make_mission, make_item):
    """An outbound mission with one participant in an NGO visit, and no consent yet."""
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("outbound")
    item = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind="ngo_visit", title="Gesprek")
    participant = add_participant(advisor)
    join(participant, item)
    db.session.commit()
    return advisor, mission, item, participant


def test_consent_to_take_part_passes(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART])
    result = result_of(check_consent, mission)
    assert result.status == Status.PASS and "1 participant(s)" in result.reason


def test_no_participants_pass_the_consent_check(make_mission, make_item):
    mission = make_mission()
    make_item(mission, kind="ngo_visit")
    result = result_of(check_consent, mission)
    assert result.status == Status.PASS and "No civil-society participants" in result.reason


def test_without_any_consent_the_participant_has_not_agreed(with_participant):
    advisor, mission, item, participant = with_participant
    result = result_of(check_consent, mission)
    assert_fails(result, f"{ALIAS} has not agreed to take part")
    assert result.fix_endpoint == "participants.show" and result.fix_args == {"participant_id": participant.id}


def test_consent_that_does_not_cover_taking_part_fails(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.NAMED_INTERNAL, Scope.PHOTOS_PRESS])
    assert_fails(result_of(check_consent, mission), f"{ALIAS} has not agreed to take part")


def test_consent_given_for_another_mission_does_not_count(with_participant, make_mission):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, make_mission(title="Ander bezoek"), [Scope.TAKE_PART])
    assert_fails(result_of(check_consent, mission), f"{ALIAS} has not agreed to take part")


def test_withdrawn_consent_fails(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART])
    withdraw_consent(advisor, participant, mission, method="secure_messenger")
    assert_fails(result_of(check_consent, mission), f"{ALIAS} withdrew consent")


def test_consent_expires_the_day_after_its_reconfirm_by_date(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART], reconfirm_by=date(2027, 4, 1))

    on_the_day = result_of(check_consent, mission, Context(today=date(2027, 4, 1)))
    the_day_after = result_of(check_consent, mission, Context(today=date(2027, 4, 2)))

    assert on_the_day.status == Status.PASS
    assert_fails(the_day_after, f"{ALIAS}: consent expired on 2027-04-01")


def test_new_consent_after_a_withdrawal_counts_again(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART])
    withdraw_consent(advisor, participant, mission, method="phone")
    give_consent(advisor, participant, mission, [Scope.TAKE_PART])
    assert result_of(check_consent, mission).status == Status.PASS


# ---- 5. safety ------------------------------------------------------------------------------------------


def test_a_current_assessment_to_proceed_with_the_consulate_consulted_passes(with_participant):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item, decision=Decision.PROCEED.value)
    assert result_of(check_safety, mission).status == Status.PASS


def test_without_an_assessment_safety_fails(with_participant):
    advisor, mission, item, participant = with_participant
    result = result_of(check_safety, mission)
    assert_fails(result, f"{ALIAS} at “Gesprek”: no safety assessment")
    assert result.fix_endpoint == "participants.assess"
    assert result.fix_args == {"participant_id": participant.id, "item_id": item.id}


def test_an_assessment_expires_after_its_valid_until_date(with_participant):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item, valid_until=date(2027, 4, 13))
    assert result_of(check_safety, mission, Context(today=date(2027, 4, 13))).status == Status.PASS
    assert_fails(result_of(check_safety, mission, Context(today=date(2027, 4, 14))),
                 f"{ALIAS} at “Gesprek”: assessment expired on 2027-04-13")


def test_a_decision_not_to_proceed_fails(with_participant):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item, decision=Decision.PROCEED.value)
    assess(advisor, participant, item, decision=Decision.STOP.value)  # the latest assessment decides
    assert_fails(result_of(check_safety, mission), f"{ALIAS} at “Gesprek”: decision is do not proceed")


def test_an_outbound_assessment_without_a_trusted_channel_fails(with_participant):
    advisor, mission, item, participant = with_participant
    # The form refuses this; an assessment recorded before the mission became outbound could still lack it.
    db.session.add(SafetyAssessment(participant=participant, item_id=item.id, assessor_id=advisor.id,
                                    **assessment_data(trusted_channel="   ")))
    db.session.commit()
    assert_fails(result_of(check_safety, mission),
                 f"{ALIAS} at “Gesprek”: the embassy or another trusted channel was not consulted")


def test_an_inbound_assessment_needs_no_trusted_channel(make_user, make_mission, make_item):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    item = make_item(mission, kind="citizen_meeting", title="Bewonersavond")
    participant = add_participant(advisor)
    join(participant, item)
    assess(advisor, participant, item, trusted_channel="")
    assert result_of(check_safety, mission).status == Status.PASS


def test_an_assessment_for_another_item_does_not_count(with_participant, make_item):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item)
    second = make_item(mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="citizen_meeting", title="Tweede gesprek")
    join(participant, second)
    assert_fails(result_of(check_safety, mission), f"{ALIAS} at “Tweede gesprek”: no safety assessment")


# ---- 6. partnership groundwork ----------------------------------------------------------------------------


def _remove_dossier(s):
    for entry in list(s.mission.partnership.dossier_entries):
        db.session.delete(entry)


def _remove_themes(s):
    for objective in s.mission.partnership.objectives:
        objective.focal_theme_id = None
    s.mission.partnership.focal_themes = []


def _remove_objectives(s):
    for objective in list(s.mission.partnership.objectives):
        db.session.delete(objective)


def _advise_against(s):
    s.mission.partnership.advised_against = True
    s.mission.partnership.advised_against_reason = "Repressie maakt mensenrechtendialoog onmogelijk."


@pytest.mark.parametrize("breaks, missing", [
    (_remove_dossier, "a research dossier"),
    (_remove_themes, "at least one focal theme"),
    (_remove_objectives, "an action plan with at least one objective"),
    (_advise_against, "an override with a reason, because engagement with this partner is advised against"),
])
def test_groundwork_fails_for_each_missing_piece(scenario, breaks, missing):
    s = scenario()
    assert result_of(check_groundwork, s.mission).status == Status.PASS
    breaks(s)
    db.session.commit()
    db.session.expire_all()
    result = result_of(check_groundwork, s.mission)
    assert_fails(result, "The partnership needs", missing)
    assert result.fix_endpoint == "partnerships.show"


def test_an_advised_against_partnership_passes_with_a_recorded_override(scenario):
    s = scenario()
    _advise_against(s)
    approver_id = s.approver.id
    s.mission.override_reason = "Bezoek aan gedetineerde advocaat; afgestemd met de ambassade."
    s.mission.override_by_id, s.mission.override_at = approver_id, now_utc()
    db.session.commit()
    result = result_of(check_groundwork, s.mission)
    assert result.status == Status.PASS
    assert "override recorded: Bezoek aan gedetineerde advocaat" in result.reason


# ---- 7. itinerary sanity -------------------------------------------------------------------------------


@pytest.fixture
def delegation(make_mission, make_member):
    mission = make_mission("outbound", start=date(2027, 4, 12), end=date(2027, 4, 15))
    return mission, make_member(mission, name="Hanneke Smit"), make_member(mission, name="Pieter Mulder")


def test_a_consistent_itinerary_passes(delegation, make_item):
    mission, mayor, director = delegation
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", attendees=[mayor, director])
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", attendees=[mayor, director], title="Aansluitend")
    make_item(mission, "2027-04-13T10:30", "2027-04-13T11:30", attendees=[], title="Zonder deelnemers")
    result = result_of(check_itinerary, mission)
    assert result.status == Status.PASS and "nobody is double-booked" in result.reason


def test_a_member_in_two_overlapping_items_is_double_booked(delegation, make_item):
    mission, mayor, director = delegation
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:30", attendees=[mayor, director], title="Ontvangst")
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", attendees=[mayor], title="Persmoment")
    result = result_of(check_itinerary, mission)
    assert_fails(result, "Hanneke Smit is double-booked")
    assert "Pieter Mulder" not in result.reason


def test_overlap_marked_parallel_or_without_shared_members_is_no_double_booking(delegation, make_item):
    mission, mayor, director = delegation
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:30", attendees=[mayor], title="Ontvangst")
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", attendees=[director], title="Bedrijfsbezoek")
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", attendees=[mayor], title="Livestream", parallel=True)
    assert result_of(check_itinerary, mission).status == Status.PASS


def test_an_item_outside_the_mission_dates_fails(delegation, make_item):
    mission, mayor, director = delegation
    make_item(mission, "2027-04-16T09:00", "2027-04-16T10:00", title="Nazit")
    assert_fails(result_of(check_itinerary, mission), "“Nazit” falls outside the mission's dates")


def test_an_item_ending_at_midnight_after_the_last_day_is_inside_the_dates(delegation, make_item):
    mission, mayor, director = delegation
    # The item form accepts this (its last day is the 15th); the check must agree with it.
    make_item(mission, "2027-04-15T22:00", "2027-04-16T00:00", title="Nachtvlucht")
    assert result_of(check_itinerary, mission).status == Status.PASS


# ---- 8. talking points -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fields, block, status", [
    ({}, False, Status.WARN),
    ({}, True, Status.FAIL),
    ({"talking_points": "Vrijheid van meningsuiting."}, True, Status.PASS),
    ({"no_talking_points_reason": "Protocollair kennismakingsbezoek van tien minuten."}, True, Status.PASS),
    ({"talking_points": "   "}, False, Status.WARN),
])
def test_official_meetings_carry_talking_points_or_a_reason(make_mission, make_item, fields, block, status):
    mission = make_mission()
    item = make_item(mission, kind="official_meeting", title="Ontvangst op het stadhuis", **fields)
    make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind="meal", title="Diner")  # needs none
    result = result_of(check_talking_points, mission, Context(today=TODAY, talking_points_block=block))
    assert result.status == status
    if status != Status.PASS:
        assert "“Ontvangst op het stadhuis”" in result.reason and "Diner" not in result.reason
        assert result.fix_endpoint == "itinerary.edit" and result.fix_args == {"item_id": item.id}


def test_the_administrator_setting_makes_missing_talking_points_block(make_user, make_mission, make_item):
    admin = make_user(Role.ADMIN)
    mission = make_mission()
    make_item(mission, kind="official_meeting")
    assert result_of(check_talking_points, mission, context(TODAY)).status == Status.WARN
    set_talking_points_block(admin, True)
    db.session.commit()
    assert context(TODAY).talking_points_block is True
    assert result_of(check_talking_points, mission, context(TODAY)).status == Status.FAIL
    set_talking_points_block(admin, False)
    assert result_of(check_talking_points, mission, context(TODAY)).status == Status.WARN


# ---- 9. four-eyes ----------------------------------------------------------------------------------------


def _sign(mission, role, user, voided=False):
    sign = SignOff(mission_id=mission.id, role=role.value, user_id=user.id, fingerprint="0" * 64)
    if voided:
        sign.voided_at, sign.void_reason = now_utc(), "Programma gewijzigd."
    mission.sign_offs.append(sign)
    db.session.commit()


def test_four_eyes_fails_until_advisor_and_approver_both_signed(scenario):
    s = scenario()
    assert_fails(result_of(check_four_eyes, s.mission), "awaiting sign-off by: Human-rights advisor, Approver")
    _sign(s.mission, SignOffRole.ADVISOR, s.advisor)
    result = result_of(check_four_eyes, s.mission)
    assert_fails(result, "awaiting sign-off by: Approver")
    assert "Human-rights advisor" not in result.reason
    _sign(s.mission, SignOffRole.APPROVER, s.approver)
    result = result_of(check_four_eyes, s.mission)
    assert result.status == Status.PASS
    assert s.advisor.name in result.reason and s.approver.name in result.reason


def test_a_voided_sign_off_does_not_count(scenario):
    s = scenario()
    _sign(s.mission, SignOffRole.ADVISOR, s.advisor, voided=True)
    _sign(s.mission, SignOffRole.APPROVER, s.approver)
    assert_fails(result_of(check_four_eyes, s.mission), "awaiting sign-off by: Human-rights advisor")


def test_one_person_in_both_roles_or_the_submitter_signing_fails(scenario, make_user):
    s = scenario()
    both = make_user(Role.ADVISOR, Role.APPROVER)
    _sign(s.mission, SignOffRole.ADVISOR, both)
    _sign(s.mission, SignOffRole.APPROVER, both)
    assert_fails(result_of(check_four_eyes, s.mission), "one person signed in two roles")

    t = scenario(alias="Valk-1187")
    t.mission.submitted_by_id, t.mission.submitted_at = t.advisor.id, now_utc()
    _sign(t.mission, SignOffRole.ADVISOR, t.advisor)
    _sign(t.mission, SignOffRole.APPROVER, t.approver)
    assert_fails(result_of(check_four_eyes, t.mission), "the person who submitted the mission also signed it off")


# ---- aliases only -------------------------------------------------------------------------------------------


def test_no_reason_of_any_check_names_a_participant_by_real_name(scenario, make_item):
    s = scenario()
    # Break everything that could mention the participant: no consent to take part, an unassessed second item.
    withdraw_consent(s.advisor, s.participant, s.mission, method="phone")
    second = make_item(s.mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="citizen_meeting", title="Tweede")
    join(s.participant, second)
    results = run_checks(s.mission, CTX)
    failed = {r.name: r.reason for r in results if r.status == Status.FAIL}
    assert {"consent", "safety"} <= failed.keys()
    assert ALIAS in failed["consent"] and ALIAS in failed["safety"]
    for r in results:
        assert REAL_NAME not in r.reason and REAL_NAME not in r.title
