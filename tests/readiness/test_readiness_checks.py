"""The nine readiness checks (DOMAIN.md rules 1–9): each passes when the rule is met and fails (or warns) with a
reason that names the problem — civil-society participants by alias only, never by their real name."""

from __future__ import annotations

from datetime import date

import pytest
from support.readiness import (
    ALIAS,
    REAL_NAME,
    TODAY,
    add_company,
    brief,
    add_groundwork,
    add_participant,
    assess,
    consult,
    give_consent,
    join,
    ready_mission,
)

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.participants.models import Decision, Scope
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
    check_themes_raised,
    run_checks,
)
from visitplanner.readiness.models import SignOff, SignOffRole
from visitplanner.readiness.operations import context, set_talking_points_block
from visitplanner.timeutil import now_utc

CTX = Context(today=TODAY)


# What the checks say, in English (the default is Dutch).
pytestmark = pytest.mark.usefixtures("english")


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
    for direction, other in (("outbound", "inbound"), ("inbound", "outbound")):
        s = scenario(direction, alias=f"Reiger-{direction}")
        results = {r.name: r for r in run_checks(s.mission, CTX, PRE_SIGNOFF)}
        assert list(results) == ["hr_component", "inbound", "outbound", "consent", "safety", "groundwork",
                                 "itinerary", "talking_points", "themes_raised"]
        assert results[other].status == Status.NA, "the other direction's rule is not applicable, not passed"
        assert all(r.status == Status.PASS for name, r in results.items() if name != other), \
            [(r.name, r.reason) for r in results.values()]
    assert len(CHECKS) == 10 and CHECKS[-1] is check_four_eyes


# ---- 1. a human-rights component ----------------------------------------------------------------------


@pytest.mark.parametrize("kinds, ok", [
    (["ngo_visit"], True),
    (["citizen_meeting"], True),
    (["business_session"], True),
    (["civil_society_dialogue"], True),
    (["company_briefing"], False),  # a briefing of our own companies is preparation, not part of the exchange
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
        assert_fails(result, "no human-rights component that is part of the exchange",
                     "A briefing of our own companies does not count here")
        assert result.fix_endpoint == "itinerary.programme"


def test_a_removed_human_rights_component_does_not_count(make_mission, make_item):
    mission = make_mission()
    item = make_item(mission, kind="ngo_visit")
    item.removed_at = now_utc()
    commit()
    assert_fails(result_of(check_hr_component, mission), "no human-rights component that is part of the exchange")


# ---- 2. inbound: NGO visit and meeting with residents ---------------------------------------------------


@pytest.mark.parametrize("kinds, missing", [
    (["ngo_visit", "citizen_meeting"], []),
    (["ngo_visit"], ["meeting with residents"]),
    (["citizen_meeting"], ["visit to a human-rights or civil-society organisation"]),
    (["official_meeting"], ["meeting with residents", "visit to a human-rights or civil-society organisation"]),
])
def test_an_inbound_mission_needs_an_ngo_visit_and_a_citizen_meeting(make_user, make_mission, make_item, kinds,
                                                                     missing):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    theme = add_groundwork(make_user(Role.ADVISOR), mission.partnership)
    for n, kind in enumerate(kinds):
        make_item(mission, f"2027-04-13T{9 + n:02d}:00", f"2027-04-13T{9 + n:02d}:45", kind=kind,
                  focal_themes=[theme] if kind == "ngo_visit" else [],
                  **({"headcount": 4, "headcount_reason": "Familie in Xinjiang."} if kind == "citizen_meeting"
                     else {}))
    result = result_of(check_inbound, mission)
    if not missing:
        assert result.status == Status.PASS, result.reason
    else:
        assert_fails(result, "Missing:", *missing)
        for other in {"meeting with residents", "visit to a human-rights or civil-society organisation"} - set(missing):
            assert other not in result.reason


@pytest.fixture
def inbound_with_visit(make_user, make_mission, make_item):
    """An inbound mission with an NGO visit on a focal theme; the meeting with residents is for the test."""
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    advisor = make_user(Role.ADVISOR)
    theme = add_groundwork(advisor, mission.partnership)
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit", focal_themes=[theme])
    return mission, advisor


@pytest.mark.parametrize("kind, ok", [("resident", True), ("academic", False), ("defender", False)])
def test_the_meeting_with_residents_needs_a_resident_or_diaspora_member_among_its_participants(
    inbound_with_visit, make_item, kind, ok
):
    mission, advisor = inbound_with_visit
    meeting = make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind="citizen_meeting", title="Bewonersavond")
    join(add_participant(advisor, kind=kind), meeting)
    result = result_of(check_inbound, mission)
    if ok:
        assert result.status == Status.PASS, result.reason
    else:
        assert_fails(result, "a resident or diaspora member among the participants, or a head-count with the reason")


def test_an_empty_meeting_with_residents_does_not_count_but_a_head_count_with_its_reason_does(
    inbound_with_visit, make_item
):
    mission, _ = inbound_with_visit
    meeting = make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind="citizen_meeting", title="Bewonersavond")
    assert_fails(result_of(check_inbound, mission), "a resident or diaspora member among the participants")
    meeting.headcount = 6
    commit()
    assert_fails(result_of(check_inbound, mission), "a head-count with the reason")
    meeting.headcount_reason = "Oeigoerse bewoners met familie in Xinjiang willen niet bij naam worden vastgelegd."
    commit()
    assert result_of(check_inbound, mission).status == Status.PASS


def test_an_ngo_visit_that_raises_no_focal_theme_is_a_warning(make_user, make_mission, make_item):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    add_groundwork(make_user(Role.ADVISOR), mission.partnership)
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit")
    make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind="citizen_meeting", headcount=3,
              headcount_reason="Veiligheid.")
    assert_fails(result_of(check_inbound, mission), "raises none of the partnership's focal themes", status=Status.WARN)


def test_the_inbound_rule_does_not_apply_to_an_outbound_mission(make_mission):
    result = result_of(check_inbound, make_mission("outbound"))
    assert result.status == Status.NA and "inbound missions only" in result.reason
    assert result.applies_to == "inbound"


# ---- 3. outbound: civil society; with companies a business session and a briefing first -------------------


def test_an_outbound_mission_without_companies_needs_only_a_civil_society_meeting(make_mission, make_item):
    mission = make_mission("outbound")
    make_item(mission, kind="official_meeting")
    assert_fails(result_of(check_outbound, mission), "civil-society meeting or dialogue")
    make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", kind="citizen_meeting")
    assert result_of(check_outbound, mission).status == Status.PASS


def test_the_outbound_rule_does_not_apply_to_an_inbound_mission(make_mission):
    result = result_of(check_outbound, make_mission("inbound", timezone="Europe/Amsterdam"))
    assert result.status == Status.NA and "outbound missions only" in result.reason
    assert result.applies_to == "outbound"


@pytest.mark.parametrize("briefed_on, held, session, today, status, fragment", [
    (date(2027, 3, 20), True, True, CTX.today, Status.PASS, ""),
    (date(2027, 4, 12), True, True, CTX.today, Status.PASS, ""),  # on the day of departure still counts
    (date(2027, 4, 13), False, True, CTX.today, Status.FAIL, "before departure for: Mulder"),  # during the visit
    (None, False, True, CTX.today, Status.FAIL, "before departure for: Mulder"),
    (date(2027, 3, 20), True, False, CTX.today, Status.FAIL, "business session on the OECD Guidelines"),
    # A date not yet recorded as held is a plan: a warning, until the day before departure.
    (date(2027, 4, 5), False, True, date(2027, 4, 10), Status.WARN, "Briefing planned, not yet recorded as held"),
    (date(2027, 4, 5), False, True, date(2027, 4, 11), Status.FAIL, "recorded as held (departure is near)"),
    (date(2027, 4, 5), True, True, date(2027, 4, 11), Status.PASS, ""),
])
def test_with_companies_an_outbound_mission_needs_a_business_session_and_a_briefing_held_before_departure(
    make_mission, make_item, briefed_on, held, session, today, status, fragment
):
    mission = make_mission("outbound", timezone="Asia/Shanghai", start=date(2027, 4, 12))
    company = add_company(mission, "Mulder Waterbouw B.V.")
    brief(company, briefed_on, held)
    commit()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit")
    if session:
        make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="business_session")
    result = result_of(check_outbound, mission, Context(today=today))
    assert result.status == status, result.reason
    assert fragment in result.reason
    assert "civil-society meeting" not in result.reason


def test_every_company_must_be_briefed_and_the_reason_names_those_that_were_not(make_mission, make_item):
    mission = make_mission("outbound")
    briefed = add_company(mission, "Mulder Waterbouw B.V.")
    brief(briefed, date(2027, 3, 20))
    add_company(mission, "Stadslicht Sensoren B.V.")
    commit()
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
    consult(advisor, mission, [(participant, item)])
    commit()
    return advisor, mission, item, participant


def test_consent_to_take_part_passes(with_participant):
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART])
    result = result_of(check_consent, mission)
    assert result.status == Status.PASS
    assert "1 participant, with consent to take part on the day of each meeting" in result.reason


def test_no_participants_pass_the_consent_check(make_mission, make_item):
    mission = make_mission()
    make_item(mission, kind="ngo_visit")
    result = result_of(check_consent, mission)
    assert result.status == Status.PASS and "No civil-society participants" in result.reason


def test_without_any_consent_the_participant_has_not_agreed(with_participant):
    advisor, mission, item, participant = with_participant
    result = result_of(check_consent, mission)
    assert_fails(result, f"{ALIAS} has not agreed to take part")
    assert result.fix_endpoint == "participants.consent"
    assert result.fix_args == {"participant_id": participant.id, "mission_id": mission.id}


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
    give_consent(advisor, participant, mission, [Scope.TAKE_PART], reconfirm_by=date(2027, 4, 14))  # the meeting's

    on_the_day = result_of(check_consent, mission, Context(today=date(2027, 4, 14)))
    the_day_after = result_of(check_consent, mission, Context(today=date(2027, 4, 15)))

    assert on_the_day.status == Status.PASS
    assert_fails(the_day_after, f"{ALIAS}: consent expired on 14 Apr 2027")


def test_consent_that_ends_before_the_meeting_fails_although_it_holds_today(with_participant):
    """Issue 21, part 3: to be reconfirmed by 1 April, for a meeting on 14 April, is no consent for that meeting."""
    advisor, mission, item, participant = with_participant
    give_consent(advisor, participant, mission, [Scope.TAKE_PART], reconfirm_by=date(2027, 4, 1))

    result = result_of(check_consent, mission)

    assert_fails(result, f"{ALIAS}: consent ends on 1 Apr 2027, before the meeting on 14 Apr 2027")
    assert result.fix_endpoint == "participants.consent"
    assert result.fix_args == {"participant_id": participant.id, "mission_id": mission.id}
    assert_fails(result_of(check_consent, mission, Context(today=date(2027, 4, 2))),
                 f"{ALIAS}: consent expired on 1 Apr 2027")  # and once it has lapsed, it says so


def test_consent_must_hold_on_the_local_day_of_the_last_item_the_person_attends(with_participant, make_item):
    advisor, mission, item, participant = with_participant
    # 07:00 in Shanghai on 15 April is still 14 April in UTC: the day that counts is the one where it happens.
    early = make_item(mission, "2027-04-15T07:00", "2027-04-15T08:00", kind="citizen_meeting", title="Ontbijt")
    join(participant, early)
    assess(advisor, participant, early)
    consult(advisor, mission, [(participant, early)])
    give_consent(advisor, participant, mission, [Scope.TAKE_PART], reconfirm_by=date(2027, 4, 14))

    assert_fails(result_of(check_consent, mission),
                 f"{ALIAS}: consent ends on 14 Apr 2027, before the meeting on 15 Apr 2027")
    give_consent(advisor, participant, mission, [Scope.TAKE_PART], reconfirm_by=date(2027, 4, 15))
    assert result_of(check_consent, mission).status == Status.PASS


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
    assess(advisor, participant, item, valid_until=date(2027, 4, 14))  # the day of the meeting
    assert result_of(check_safety, mission, Context(today=date(2027, 4, 14))).status == Status.PASS
    assert_fails(result_of(check_safety, mission, Context(today=date(2027, 4, 15))),
                 f"{ALIAS} at “Gesprek”: assessment expired on 14 Apr 2027")


def test_an_assessment_valid_until_before_the_day_of_its_item_fails(with_participant, make_item):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item, valid_until=date(2027, 4, 13))

    result = result_of(check_safety, mission)

    assert_fails(result, f"{ALIAS} at “Gesprek”: assessment valid until 13 Apr 2027, before the meeting on 14 Apr 2027")
    assert result.fix_endpoint == "participants.assess"
    assert result.fix_args == {"participant_id": participant.id, "item_id": item.id}
    # The item's own day, where it happens: 07:00 in Shanghai on 15 April is 14 April in UTC.
    early = make_item(mission, "2027-04-15T07:00", "2027-04-15T08:00", kind="citizen_meeting", title="Ontbijt")
    join(participant, early)
    consult(advisor, mission, [(participant, early)])
    assess(advisor, participant, item)
    assess(advisor, participant, early, valid_until=date(2027, 4, 14))
    assert_fails(result_of(check_safety, mission),
                 f"{ALIAS} at “Ontbijt”: assessment valid until 14 Apr 2027, before the meeting on 15 Apr 2027")
    assess(advisor, participant, early, valid_until=date(2027, 4, 15))
    assert result_of(check_safety, mission).status == Status.PASS


def test_a_consultation_that_no_longer_holds_on_the_day_of_the_item_fails(make_user, make_mission, make_item):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("outbound")
    item = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind="ngo_visit", title="Gesprek")
    participant = add_participant(advisor)
    join(participant, item)
    assess(advisor, participant, item)
    consult(advisor, mission, [(participant, item)], consulted_on=date(2027, 2, 1), valid_until=date(2027, 3, 31))

    result = result_of(check_safety, mission)

    assert_fails(result, f"{ALIAS} at “Gesprek”: the consultation of the embassy or another trusted channel holds "
                         "until 31 Mar 2027, before the meeting on 14 Apr 2027")
    assert result.fix_endpoint == "participants.consult" and result.fix_args == {"mission_id": mission.id}
    consult(advisor, mission, [(participant, item)], consulted_on=date(2027, 2, 20), valid_until=date(2027, 4, 14))
    assert result_of(check_safety, mission).status == Status.PASS


def test_a_decision_not_to_proceed_fails(with_participant):
    advisor, mission, item, participant = with_participant
    assess(advisor, participant, item, decision=Decision.PROCEED.value)
    assess(advisor, participant, item, decision=Decision.STOP.value)  # the latest assessment decides
    assert_fails(result_of(check_safety, mission), f"{ALIAS} at “Gesprek”: decision is do not proceed")


def test_an_outbound_participant_without_a_current_consultation_of_a_trusted_channel_fails(
    make_user, make_mission, make_item
):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("outbound")
    item = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind="ngo_visit", title="Gesprek")
    participant = add_participant(advisor)
    join(participant, item)
    assess(advisor, participant, item)
    result = result_of(check_safety, mission)
    assert_fails(result, f"{ALIAS} at “Gesprek”: no current consultation of the embassy or another trusted channel")
    assert result.fix_endpoint == "participants.consult" and result.fix_args == {"mission_id": mission.id}
    consult(advisor, mission, [(participant, item)], consulted_on=date(2027, 2, 1), valid_until=date(2027, 4, 14))
    assert result_of(check_safety, mission).status == Status.PASS
    assert_fails(result_of(check_safety, mission, Context(today=date(2027, 4, 15))), "no current consultation")


def test_one_consultation_covers_every_participant_and_item_it_was_about_and_no_other(
    make_user, make_mission, make_item
):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("outbound")
    first = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind="ngo_visit", title="Gesprek")
    second = make_item(mission, "2027-04-15T09:00", "2027-04-15T10:30", kind="citizen_meeting", title="Tweede")
    one, other = add_participant(advisor), add_participant(advisor, real_name="Liu Fang", alias="Zwaluw-7310")
    for person, item in ((one, first), (other, first), (one, second)):
        join(person, item)
        assess(advisor, person, item)
    consult(advisor, mission, [(one, first), (other, first)])
    assert_fails(result_of(check_safety, mission), f"{ALIAS} at “Tweede”: no current consultation")
    assert "Zwaluw-7310" not in result_of(check_safety, mission).reason
    consult(advisor, mission, [(one, second)])
    assert result_of(check_safety, mission).status == Status.PASS


def test_an_inbound_participant_needs_no_consultation(make_user, make_mission, make_item):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    item = make_item(mission, kind="citizen_meeting", title="Bewonersavond")
    participant = add_participant(advisor)
    join(participant, item)
    assess(advisor, participant, item)
    assert result_of(check_safety, mission).status == Status.PASS


def test_a_consultation_is_refused_for_someone_outside_the_programme_or_without_its_answer(with_participant,
                                                                                          make_mission):
    from visitplanner.errors import RuleViolation
    from visitplanner.participants.operations import record_consultation

    advisor, mission, item, participant = with_participant
    data = dict(channel="embassy", consulted="Ambassade Beijing", question="Veilig?", answer="Ja.",
                consulted_on=date(2027, 2, 1), valid_until=date(2027, 6, 1), covers=[(participant.id, item.id)])
    elsewhere = make_mission("outbound", title="Ander bezoek")
    with pytest.raises(RuleViolation, match="this mission's programme"):
        record_consultation(advisor, elsewhere, **data)
    with pytest.raises(RuleViolation) as refused:
        record_consultation(advisor, mission, **{**data, "answer": "  "})
    assert refused.value.field == "answer"
    with pytest.raises(RuleViolation, match="cannot be before"):
        record_consultation(advisor, mission, **{**data, "valid_until": date(2027, 1, 1)})


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


def _unsourced_entry(s):
    from visitplanner.partnerships.models import DossierEntry

    db.session.add(DossierEntry(partnership=s.mission.partnership, topic="china", summary="Zonder bron.",
                                sources="  ", entry_date=date(2026, 10, 1)))


@pytest.mark.parametrize("breaks, missing, fixed_at", [
    (_remove_dossier, "a research dossier", "partnerships.add_dossier_entry"),
    (_unsourced_entry, "a source (a link or a citation) for 1 dossier entry", "partnerships.show"),
    (_remove_themes, "at least one focal theme", "partnerships.themes"),
    (_remove_objectives, "an action plan with at least one objective", "partnerships.add_objective"),
    (_advise_against, "an override with a reason, because engagement with this partner is advised against",
     "readiness.override"),
])
def test_groundwork_fails_for_each_missing_piece(scenario, breaks, missing, fixed_at):
    s = scenario()
    assert result_of(check_groundwork, s.mission).status == Status.PASS
    breaks(s)
    commit()
    db.session.expire_all()
    result = result_of(check_groundwork, s.mission)
    assert_fails(result, "The partnership needs", missing)
    assert result.fix_endpoint == fixed_at, "the page where the missing piece is added"


def test_a_dossier_entry_is_refused_without_a_source_or_a_date(make_user, make_partnership):
    from visitplanner.errors import RuleViolation
    from visitplanner.partnerships.operations import add_dossier_entry

    advisor, partnership = make_user(Role.ADVISOR), make_partnership()
    with pytest.raises(RuleViolation, match="at least one source") as refused:
        add_dossier_entry(advisor, partnership, topic="region", summary="Iets.", sources=" ",
                          entry_date=date(2026, 10, 1))
    assert refused.value.field == "sources"
    with pytest.raises(RuleViolation, match="date"):
        add_dossier_entry(advisor, partnership, topic="region", summary="Iets.", sources="HRW", entry_date=None)
    entry = add_dossier_entry(advisor, partnership, topic="region", summary="Iets.",
                              sources="Human Rights Watch — https://www.hrw.org — 2026-09-01",
                              entry_date=date(2026, 10, 1))
    assert entry.id is not None


def test_an_advised_against_partnership_passes_with_a_recorded_override(scenario):
    s = scenario()
    _advise_against(s)
    approver_id = s.approver.id
    s.mission.override_reason = "Bezoek aan gedetineerde advocaat; afgestemd met de ambassade."
    s.mission.override_by_id, s.mission.override_at = approver_id, now_utc()
    commit()
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
    commit()
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
    commit()


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
    assert_fails(result_of(check_four_eyes, s.mission), "one person cannot sign in two roles")

    t = scenario(alias="Valk-1187")
    t.mission.submitted_by_id, t.mission.submitted_at = t.advisor.id, now_utc()
    _sign(t.mission, SignOffRole.ADVISOR, t.advisor)
    _sign(t.mission, SignOffRole.APPROVER, t.approver)
    assert_fails(result_of(check_four_eyes, t.mission), "the person who submitted the mission cannot sign it off")

    u = scenario(alias="Mus-3310")
    u.mission.override_reason, u.mission.override_by_id, u.mission.override_at = "Toch gaan.", u.approver.id, now_utc()
    _sign(u.mission, SignOffRole.ADVISOR, u.advisor)
    _sign(u.mission, SignOffRole.APPROVER, u.approver)
    assert_fails(result_of(check_four_eyes, u.mission),
                 "the approver who overrode the advice against engagement cannot sign it off")


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


# ---- against self-censorship: the official meetings raise a focal theme ----------------------------------------


def test_official_meetings_that_raise_no_focal_theme_give_a_warning(make_user, make_mission, make_item):
    mission = make_mission()
    theme = add_groundwork(make_user(Role.ADVISOR), mission.partnership)
    # No official meeting: nowhere to raise a theme with the partner's authorities, which is itself a warning.
    assert_fails(result_of(check_themes_raised, mission), "No official meeting in the programme: no focal theme can "
                 "be raised.", status=Status.WARN)
    meeting = make_item(mission, kind="official_meeting", talking_points="Water.")
    result = result_of(check_themes_raised, mission)
    assert_fails(result, "No official meeting raises any of the partnership's focal themes", status=Status.WARN)
    assert result.fix_endpoint == "itinerary.edit" and result.fix_args == {"item_id": meeting.id}
    meeting.focal_themes.append(theme)
    commit()
    result = result_of(check_themes_raised, mission)
    assert result.status == Status.PASS and "1 official meeting raises a focal theme" in result.reason


def test_a_theme_the_partnership_did_not_choose_does_not_count(make_user, make_mission, make_item):
    from visitplanner.partnerships.models import FocalTheme

    mission = make_mission()
    add_groundwork(make_user(Role.ADVISOR), mission.partnership)
    other = FocalTheme(name="Iets anders", line="region")
    make_item(mission, kind="official_meeting", focal_themes=[other])
    assert result_of(check_themes_raised, mission).status == Status.WARN
