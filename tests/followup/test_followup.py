"""After a visit: outcomes of official meetings, follow-up actions, evaluations of the action plan (issue 5)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp, FollowUpStatus, MeetingOutcome
from visitplanner.followup.operations import (
    add_evaluation,
    add_follow_up,
    record_outcome,
    set_follow_up_status,
)
from visitplanner.missions.models import Mission
from visitplanner.partnerships.models import Evaluation, Objective

# ---- helpers ------------------------------------------------------------------------------------------


def complete(mission: Mission, by) -> Mission:
    """Put a mission in the completed state, with the columns that say how it got there."""
    now, by_id = datetime.now(UTC), by.id
    mission.status = "completed"
    mission.submitted_by_id, mission.submitted_at, mission.finalised_at, mission.completed_at = by_id, now, now, now
    commit()
    return mission


def objective_for(partnership, what: str = "Arbeidsrechten agenderen", due: date | None = None) -> Objective:
    objective = Objective(partnership=partnership, what=what, benchmark="Reactie van de partner in elk verslag",
                          target_date=date(2027, 12, 31), evaluation_due=due)
    db.session.add(objective)
    commit()
    return objective


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown at a form field (the macro in ``_forms.html``), or None."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{re.escape(field_id)}-error">(.*?)</div>',
                      html, re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else None


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def past(ctx, make_user, make_mission, make_item):
    """A completed mission with an official meeting and an NGO visit; returns (mission, meeting, ngo_visit)."""
    protocol = make_user(Role.PROTOCOL, name="Sanne Protocol")
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    meeting = make_item(mission, kind="official_meeting", title="Overleg met de onderwijsdelegatie",
                        talking_points="Academische vrijheid")
    ngo = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", kind="ngo_visit", title="Bezoek PEN")
    complete(mission, protocol)
    return mission, meeting, ngo


# ---- outcomes of official meetings ---------------------------------------------------------------------


def test_an_outcome_is_recorded_for_an_official_meeting_of_a_completed_mission(ctx, english, make_user, past):
    advisor = make_user(Role.ADVISOR)
    mission, meeting, _ngo = past

    outcome = record_outcome(advisor, meeting, raised="Academische vrijheid", partner_response="Aangehoord")
    commit()

    assert (outcome.item_id, outcome.raised, outcome.partner_response) == (meeting.id, "Academische vrijheid",
                                                                           "Aangehoord")
    assert outcome.recorded_by_id == advisor.id
    [entry] = audits("outcome.record")
    assert entry.mission_id == mission.id and entry.partnership_id == mission.partnership_id
    assert entry.changes["raised"] == [None, "Academische vrijheid"]

    record_outcome(advisor, meeting, raised="Academische vrijheid; Oeigoerse studenten", partner_response="Aangehoord")
    commit()
    assert count(MeetingOutcome) == 1, "a second recording updates the meeting's outcome"
    assert audits("outcome.record")[-1].changes == {
        "raised": ["Academische vrijheid", "Academische vrijheid; Oeigoerse studenten"]}


def test_no_outcome_before_the_mission_is_completed(ctx, english, make_user, make_mission, make_item):
    mission = make_mission()
    meeting = make_item(mission, kind="official_meeting")

    with pytest.raises(RuleViolation) as refused:
        record_outcome(make_user(Role.ADVISOR), meeting, raised="Iets", partner_response="")

    assert refused.value.message == "Outcomes are recorded once the mission is completed."
    db.session.rollback()
    assert count(MeetingOutcome) == 0


def test_no_outcome_for_other_kinds_of_item_or_a_removed_meeting(ctx, english, make_user, past):
    advisor = make_user(Role.ADVISOR)
    _mission, meeting, ngo = past

    with pytest.raises(RuleViolation) as refused:
        record_outcome(advisor, ngo, raised="Iets", partner_response="")
    assert refused.value.message == "Outcomes are recorded for official meetings only."

    db.session.rollback()
    meeting.removed_at = datetime.now(UTC)
    commit()
    with pytest.raises(RuleViolation, match="official meetings only"):
        record_outcome(advisor, meeting, raised="Iets", partner_response="")
    db.session.rollback()
    assert count(MeetingOutcome) == 0


# ---- follow-up actions ------------------------------------------------------------------------------------


def test_a_follow_up_is_added_and_moved_through_its_statuses_with_audit_entries(ctx, english, make_user, past):
    advisor = make_user(Role.ADVISOR, name="Yusuf Advisor")
    mission, _meeting, _ngo = past
    objective = objective_for(mission.partnership)

    follow_up = add_follow_up(advisor, mission, what="Verslag sturen", with_whom="Afdeling onderwijs",
                              owner=advisor, due_date=date(2027, 5, 1), objective=objective)
    commit()

    assert follow_up.status == FollowUpStatus.OPEN
    assert follow_up.objective_id == objective.id and follow_up.owner_id == advisor.id
    assert mission.follow_ups == [follow_up]
    [added] = audits("followup.add")
    assert added.mission_id == mission.id and added.partnership_id == mission.partnership_id
    assert added.changes["what"] == [None, "Verslag sturen"]
    assert added.changes["status"] == [None, "open"]

    set_follow_up_status(advisor, follow_up, "in_progress")
    set_follow_up_status(advisor, follow_up, "done")
    commit()

    assert db.session.get(FollowUp, follow_up.id).status == "done"
    assert [e.changes for e in audits("followup.update")] == [{"status": ["open", "in_progress"]},
                                                               {"status": ["in_progress", "done"]}]
    assert all(e.mission_id == mission.id for e in audits("followup.update"))


def test_an_unknown_status_is_refused(ctx, english, make_user, past):
    advisor = make_user(Role.ADVISOR)
    mission, _meeting, _ngo = past
    follow_up = add_follow_up(advisor, mission, what="Verslag", with_whom="", owner=None, due_date=date(2027, 5, 1))
    commit()

    with pytest.raises(RuleViolation) as refused:
        set_follow_up_status(advisor, follow_up, "forgotten")

    assert refused.value.field == "status"
    db.session.rollback()
    assert db.session.get(FollowUp, follow_up.id).status == "open"
    assert audits("followup.update") == []


def test_the_objective_of_a_follow_up_must_belong_to_the_missions_partnership(ctx, english, make_user, make_partnership,
                                                                               past):
    advisor = make_user(Role.ADVISOR)
    mission, _meeting, _ngo = past
    elsewhere = objective_for(make_partnership(partner_region="Suzhou"))

    with pytest.raises(RuleViolation) as refused:
        add_follow_up(advisor, mission, what="Verslag", with_whom="", owner=advisor, due_date=date(2027, 5, 1),
                      objective=elsewhere)

    assert refused.value.field == "objective_id"
    assert refused.value.message == "Choose an objective of this partnership's action plan."
    db.session.rollback()
    assert count(FollowUp) == 0
    assert audits("followup.add") == []


def test_no_follow_up_before_the_mission_is_completed(ctx, english, make_user, make_mission):
    advisor = make_user(Role.ADVISOR)

    with pytest.raises(RuleViolation, match="once the mission is completed"):
        add_follow_up(advisor, make_mission(), what="Verslag", with_whom="", owner=advisor, due_date=date(2027, 5, 1))
    db.session.rollback()
    assert count(FollowUp) == 0


# ---- evaluations ---------------------------------------------------------------------------------------


def test_an_evaluation_is_recorded_and_sets_the_next_due_date(ctx, english, make_user, make_partnership):
    advisor = make_user(Role.ADVISOR)
    objective = objective_for(make_partnership(), due=date(2027, 3, 31))

    evaluation = add_evaluation(advisor, objective, evaluated_on=date(2027, 3, 28), progress="some",
                                findings="De partner ging in op één casus.", next_steps="Casus opvolgen",
                                next_due=date(2027, 9, 30))
    commit()

    assert objective.evaluations == [evaluation]
    assert (evaluation.evaluated_on, evaluation.progress, evaluation.author_id) == (date(2027, 3, 28), "some",
                                                                                    advisor.id)
    assert db.session.get(Objective, objective.id).evaluation_due == date(2027, 9, 30)
    [entry] = audits("evaluation.add")
    assert entry.partnership_id == objective.partnership_id
    assert entry.changes["progress"] == [None, "some"]


def test_an_evaluation_with_an_unknown_progress_rating_is_refused(ctx, english, make_user, make_partnership):
    objective = objective_for(make_partnership(), due=date(2027, 3, 31))

    with pytest.raises(RuleViolation) as refused:
        add_evaluation(make_user(Role.ADVISOR), objective, evaluated_on=date(2027, 3, 28), progress="splendid",
                       findings="", next_steps="", next_due=date(2027, 9, 30))

    assert refused.value.field == "progress"
    db.session.rollback()
    assert count(Evaluation) == 0
    assert db.session.get(Objective, objective.id).evaluation_due == date(2027, 3, 31)


# ---- pages ---------------------------------------------------------------------------------------------


def test_the_after_page_shows_meetings_outcomes_and_follow_ups_to_staff_only(app, ctx, en, login, make_user, past):
    mission, meeting, _ngo = past
    advisor = make_user(Role.ADVISOR, name="Yusuf Advisor")
    record_outcome(advisor, db.session.get(type(meeting), meeting.id), raised="Academische vrijheid",
                   partner_response="Verwezen naar nationaal beleid")
    add_follow_up(advisor, db.session.get(Mission, mission.id), what="Verslag sturen", with_whom="Wang Fang",
                  owner=advisor, due_date=date(2027, 5, 1))
    commit()

    login(Role.APPROVER)
    page = en.get(f"/missions/{mission.id}/after")

    assert page.status_code == 200
    html = text(page)
    assert "Overleg met de onderwijsdelegatie" in html
    assert "Academische vrijheid" in html and "Verwezen naar nationaal beleid" in html
    assert "Verslag sturen" in html and "Wang Fang" in html and "Yusuf Advisor" in html
    assert "Bezoek PEN" not in html, "only official meetings get an outcome"

    en.post("/logout")
    login(Role.DELEGATE)
    assert en.get(f"/missions/{mission.id}/after").status_code == 403


def test_the_outcome_form_records_an_outcome(app, ctx, en, login, past):
    mission, meeting, _ngo = past
    login(Role.ADVISOR)

    assert en.get(f"/items/{meeting.id}/outcome").status_code == 200
    response = en.post(f"/items/{meeting.id}/outcome",
                       data={"raised": "Academische vrijheid", "partner_response": "Aangehoord"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/missions/{mission.id}/after")
    outcome = db.session.scalar(select(MeetingOutcome))
    assert (outcome.item_id, outcome.raised, outcome.partner_response) == (meeting.id, "Academische vrijheid",
                                                                           "Aangehoord")


def test_a_removed_meeting_has_no_outcome_page(app, ctx, en, login, past):
    """A meeting taken out of the programme is gone for its pages too: its outcome form answers 404, as every page
    of a removed item does (the item's loader, ``shell.load_item``), and nothing is recorded for it."""
    _mission, meeting, _ngo = past
    meeting.removed_at = datetime.now(UTC)
    commit()
    login(Role.ADVISOR)

    assert en.get(f"/items/{meeting.id}/outcome").status_code == 404
    assert en.post(f"/items/{meeting.id}/outcome",
                   data={"raised": "Academische vrijheid", "partner_response": "Aangehoord"}).status_code == 404
    assert count(MeetingOutcome) == 0
    assert audits("outcome.record") == []


def test_the_outcome_form_shows_errors_and_saves_nothing(app, ctx, en, login, make_mission, make_item, past):
    _mission, meeting, ngo = past
    draft_meeting = make_item(make_mission(), kind="official_meeting", title="Ontvangst")
    draft_meeting_id = draft_meeting.id
    login(Role.PROTOCOL)

    missing = en.post(f"/items/{meeting.id}/outcome", data={"raised": "   ", "partner_response": "Aangehoord"})
    assert missing.status_code == 200
    assert field_error(text(missing), "raised") == "This field is required."
    assert "Aangehoord</textarea>" in text(missing), "the input is kept"

    not_a_meeting = en.post(f"/items/{ngo.id}/outcome", data={"raised": "Iets"})
    assert not_a_meeting.status_code == 200
    assert "Outcomes are recorded for official meetings only." in text(not_a_meeting)

    not_completed = en.post(f"/items/{draft_meeting_id}/outcome", data={"raised": "Iets"})
    assert not_completed.status_code == 200
    assert "Outcomes are recorded once the mission is completed." in text(not_completed)

    assert count(MeetingOutcome) == 0
    assert audits("outcome.record") == []


def test_the_follow_up_form_adds_an_action(app, ctx, en, login, past):
    mission, _meeting, _ngo = past
    objective_id = objective_for(db.session.get(Mission, mission.id).partnership).id
    advisor = login(Role.ADVISOR, name="Yusuf Advisor")

    form = en.get(f"/missions/{mission.id}/follow-ups/new")
    assert form.status_code == 200
    assert "Arbeidsrechten agenderen" in text(form), "the partnership's objectives are offered"

    response = en.post(f"/missions/{mission.id}/follow-ups/new", data={
        "what": "Verslag sturen", "with_whom": "Afdeling onderwijs", "owner_id": advisor.id,
        "due_date": "2027-05-01", "objective_id": objective_id})

    assert response.status_code == 302
    follow_up = db.session.scalar(select(FollowUp))
    assert (follow_up.what, follow_up.due_date, follow_up.owner_id, follow_up.objective_id) == (
        "Verslag sturen", date(2027, 5, 1), advisor.id, objective_id)
    assert "Verslag sturen" in text(en.get(f"/missions/{mission.id}/after"))


@pytest.mark.parametrize("change, field, message", [
    ({"what": ""}, "what", "This field is required."),
    ({"due_date": ""}, "due_date", "Enter a date, e.g. 1 Apr 2027."),
    ({"due_date": "31-02-2027"}, "due_date", "Not a valid date value."),
    ({"due_date": "2027-02-31"}, "due_date", "Not a valid date value."),
])
def test_the_follow_up_form_shows_errors_at_fields_and_saves_nothing(app, ctx, en, login, past, change, field, message):
    mission, _meeting, _ngo = past
    advisor = login(Role.ADVISOR)
    data = {"what": "Verslag sturen", "with_whom": "Afdeling onderwijs", "owner_id": advisor.id,
            "due_date": "2027-05-01", "objective_id": 0} | change

    response = en.post(f"/missions/{mission.id}/follow-ups/new", data=data)

    assert response.status_code == 200
    html = text(response)
    assert field_error(html, field) == message
    assert "The form was not saved." in html
    assert "Afdeling onderwijs" in html, "the input is kept"
    assert count(FollowUp) == 0


def test_the_follow_up_form_refuses_an_objective_of_another_partnership(app, ctx, en, login, make_partnership, past):
    mission, _meeting, _ngo = past
    elsewhere = objective_for(make_partnership(partner_region="Suzhou")).id
    advisor = login(Role.ADVISOR)

    response = en.post(f"/missions/{mission.id}/follow-ups/new", data={
        "what": "Verslag", "owner_id": advisor.id, "due_date": "2027-05-01", "objective_id": elsewhere})

    assert response.status_code == 200
    assert field_error(text(response), "objective_id") is not None
    assert count(FollowUp) == 0


def test_the_follow_up_form_on_a_mission_not_yet_completed_says_why(app, ctx, en, login, make_mission):
    mission_id = make_mission().id
    advisor = login(Role.PROTOCOL)

    response = en.post(f"/missions/{mission_id}/follow-ups/new", data={
        "what": "Verslag", "owner_id": advisor.id, "due_date": "2027-05-01", "objective_id": 0})

    assert response.status_code == 200
    assert "Follow-up actions are added once the mission is completed." in text(response)
    assert count(FollowUp) == 0


def test_the_evaluation_form_records_an_evaluation_and_the_next_due_date(app, ctx, en, login, make_partnership):
    objective = objective_for(make_partnership(), due=date(2027, 3, 31))
    objective_id, partnership_id = objective.id, objective.partnership_id
    login(Role.ADVISOR)

    form = en.get(f"/objectives/{objective_id}/evaluate")
    assert form.status_code == 200
    assert "Reactie van de partner in elk verslag" in text(form), "the benchmark is shown"

    response = en.post(f"/objectives/{objective_id}/evaluate", data={
        "evaluated_on": "2027-03-28", "progress": "good", "findings": "Casus besproken", "next_steps": "",
        "next_due": "2027-09-30"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partnerships/{partnership_id}#plan")
    objective = db.session.get(Objective, objective_id)
    assert [(e.evaluated_on, e.progress, e.findings) for e in objective.evaluations] == [
        (date(2027, 3, 28), "good", "Casus besproken")]
    assert objective.evaluation_due == date(2027, 9, 30)


@pytest.mark.parametrize("change, field, message", [
    ({"evaluated_on": ""}, "evaluated_on", "Enter a date, e.g. 1 Apr 2027."),
    ({"evaluated_on": "28 maart"}, "evaluated_on", "Not a valid date value."),
    ({"next_due": "2027-13-01"}, "next_due", "Not a valid date value."),
    ({"progress": ""}, "progress", None),
    ({"progress": "splendid"}, "progress", "Not a valid choice."),
])
def test_the_evaluation_form_shows_errors_at_fields_and_saves_nothing(app, ctx, en, login, make_partnership, change,
                                                                      field, message):
    objective_id = objective_for(make_partnership(), due=date(2027, 3, 31)).id
    login(Role.ADVISOR)
    data = {"evaluated_on": "2027-03-28", "progress": "good", "findings": "Casus besproken", "next_steps": "",
            "next_due": "2027-09-30"} | change

    response = en.post(f"/objectives/{objective_id}/evaluate", data=data)

    assert response.status_code == 200
    error = field_error(text(response), field)
    assert error is not None
    if message:
        assert error == message
    assert "Casus besproken" in text(response), "the input is kept"
    assert count(Evaluation) == 0
    assert db.session.get(Objective, objective_id).evaluation_due == date(2027, 3, 31)


def test_only_the_advisor_evaluates_and_only_planners_record_outcomes(app, ctx, en, login, make_partnership, past):
    _mission, meeting, _ngo = past
    objective_id = objective_for(make_partnership()).id
    login(Role.PROTOCOL)
    assert en.get(f"/objectives/{objective_id}/evaluate").status_code == 403
    en.post("/logout")
    login(Role.APPROVER)
    assert en.get(f"/items/{meeting.id}/outcome").status_code == 403
    assert en.post(f"/items/{meeting.id}/outcome", data={"raised": "Iets"}).status_code == 403
