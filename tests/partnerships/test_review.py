"""The partnership reviewed as a whole (issue 24, part 6), projects with local partners (7b), and an outbound mission's
request to the partner for room to meet civil society (7c): through the pages, as the advisor and the protocol office
work, and the report the office prints for itself or for the council — never for the partner."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from support.readiness import ALIAS, REAL_NAME, TODAY, freeze_today
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.config import build_config
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.missions.models import Mission
from visitplanner.participants.models import Participant
from visitplanner.partnerships.models import (
    DossierEntry,
    Evaluation,
    Objective,
    Partnership,
    PartnershipReview,
    add_months,
)
from visitplanner.partnerships.operations import record_review

#: The partnership was recorded fourteen months before the scenarios' day (2027-03-01).
CREATED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(english, en, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def wuxi(make_partnership) -> Partnership:
    partnership = make_partnership()
    partnership.created_at = CREATED
    commit()
    return partnership


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.DOTALL)
    assert match, f"no error at {field}"
    return match.group(1)


def section(html: str, name: str) -> str:
    """One section of a page, by the id of its heading."""
    match = re.search(rf'<section aria-labelledby="{name}".*?</section>', html, re.DOTALL)
    assert match, f"no section {name}"
    return match.group(0)


# ---- when the review falls due ---------------------------------------------------------------------------------


def test_the_review_period_is_a_setting_of_twelve_months_unless_the_environment_says_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("PARTNERSHIP_REVIEW_MONTHS", raising=False)
    assert build_config(str(tmp_path))["PARTNERSHIP_REVIEW_MONTHS"] == 12
    monkeypatch.setenv("PARTNERSHIP_REVIEW_MONTHS", "6")
    assert build_config(str(tmp_path))["PARTNERSHIP_REVIEW_MONTHS"] == 6
    monkeypatch.setenv("PARTNERSHIP_REVIEW_MONTHS", "half a year")
    assert build_config(str(tmp_path))["PARTNERSHIP_REVIEW_MONTHS"] == 12


def test_never_reviewed_the_review_falls_due_counted_from_the_partnerships_creation(wuxi):
    assert wuxi.review_due_on(None, 12) == date(2027, 1, 1)
    assert wuxi.review_due_on(None, 18) == date(2027, 7, 1)


def test_once_reviewed_the_next_review_falls_due_counted_from_the_last(wuxi):
    assert wuxi.review_due_on(date(2027, 2, 15), 12) == date(2028, 2, 15)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_the_partnership_page_says_when_the_review_is_due_by_the_setting(app, client, login, wuxi, monkeypatch):
    login(Role.PROTOCOL)
    page = section(client.get(f"/partnerships/{wuxi.id}").get_data(as_text=True), "review")
    assert "Never reviewed as a whole." in page
    assert "overdue since 1 Jan 2027" in page
    assert f'href="/partnerships/{wuxi.id}/review"' in page

    monkeypatch.setitem(app.config, "PARTNERSHIP_REVIEW_MONTHS", 18)
    page = section(client.get(f"/partnerships/{wuxi.id}").get_data(as_text=True), "review")
    assert "overdue" not in page and "Next review due 1 Jul 2027." in page


# ---- recording a review ----------------------------------------------------------------------------------------


def test_the_advisor_records_a_review_with_a_note_per_objective(client, login, wuxi):
    objective = Objective(partnership=wuxi, what="Arbeidsrechten agenderen", target_date=date(2027, 12, 31))
    db.session.add(objective)
    commit()
    advisor = login(Role.ADVISOR)
    form = client.get(f"/partnerships/{wuxi.id}/review/new").get_data(as_text=True)
    assert 'value="2027-03-01"' in form and "Arbeidsrechten agenderen" in form

    response = client.post(f"/partnerships/{wuxi.id}/review/new", data={
        "held_on": "2027-02-20", "conclusion": "Op koers, maar arbeidsrechten blijven stil.",
        "next_steps": "Arbeidsrechten op de agenda van het voorjaarsbezoek.", "internal_notes": "Risico: druk op ngo.",
        f"note_{objective.id}": "Geen reactie van de partner.",
    })

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partnerships/{wuxi.id}/review")
    review = db.session.scalar(select(PartnershipReview))
    assert (review.held_on, review.reviewed_by_id) == (date(2027, 2, 20), advisor.id)
    assert [(n.objective_id, n.note) for n in review.notes] == [(objective.id, "Geen reactie van de partner.")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partnership.review"))
    assert entry.actor_id == advisor.id and entry.partnership_id == wuxi.id
    assert entry.changes["conclusion"] == [None, "Op koers, maar arbeidsrechten blijven stil."]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in page and "Review recorded." in page
    assert "Geen reactie van de partner." in page and "Next review due" in page and "20 Feb 2028" in page


@pytest.mark.parametrize("data, field", [
    ({"held_on": "2027-03-02", "conclusion": "Op koers"}, "held_on"),
    ({"held_on": "2027-02-20", "conclusion": "   "}, "conclusion"),
    ({"held_on": "", "conclusion": "Op koers"}, "held_on"),
    ({"held_on": "20-02-2027x", "conclusion": "Op koers"}, "held_on"),
])
def test_a_review_in_the_future_or_without_conclusion_is_refused_and_changes_nothing(client, login, wuxi, data,
                                                                                     field):
    login(Role.ADVISOR)
    response = client.post(f"/partnerships/{wuxi.id}/review/new", data=data)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field)
    assert count(PartnershipReview) == 0 and count(AuditEntry) == 0


def test_a_note_for_another_partnerships_objective_is_refused(make_user, make_partnership, wuxi):
    other = make_partnership(partner_region="Suzhou")
    foreign = Objective(partnership=other, what="Iets anders", target_date=date(2027, 12, 31))
    db.session.add(foreign)
    commit()
    with pytest.raises(RuleViolation, match="objective of this partnership"):
        record_review(make_user(Role.ADVISOR), wuxi, held_on=TODAY, conclusion="Op koers",
                      notes={foreign.id: "Hoort hier niet"}, today=TODAY)


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.APPROVER, Role.ADMIN])
def test_only_the_advisor_records_a_review_the_office_reads_it(client, login, wuxi, role):
    login(role)
    assert client.post(f"/partnerships/{wuxi.id}/review/new",
                       data={"held_on": "2027-02-20", "conclusion": "Op koers"}).status_code == 403
    assert count(PartnershipReview) == 0
    page = client.get(f"/partnerships/{wuxi.id}/review").get_data(as_text=True)
    assert "Review of the partnership" in page and "/review/new" not in page


# ---- the dashboard ---------------------------------------------------------------------------------------------


def test_the_dashboard_warns_of_a_review_due_and_links_to_where_it_is_recorded(client, login, make_user, wuxi):
    login(Role.ADVISOR)
    home = client.get("/").get_data(as_text=True)
    warning = re.search(r'<li[^>]*data-warning="review">.*?</li>', home, re.DOTALL).group(0)
    assert f'href="/partnerships/{wuxi.id}/review/new"' in warning
    assert "Review the partnership with Wuxi against its action plan" in warning
    assert "overdue since 1 Jan 2027" in warning

    record_review(make_user(Role.ADVISOR), wuxi, held_on=TODAY, conclusion="Op koers", today=TODAY)
    commit()
    assert 'data-warning="review"' not in client.get("/").get_data(as_text=True)


def test_for_the_protocol_office_the_warning_links_to_the_review_page(client, login, wuxi):
    login(Role.PROTOCOL)
    home = client.get("/").get_data(as_text=True)
    warning = re.search(r'<li[^>]*data-warning="review">.*?</li>', home, re.DOTALL).group(0)
    assert f'href="/partnerships/{wuxi.id}/review"' in warning


# ---- the report per audience -----------------------------------------------------------------------------------


@pytest.fixture
def reviewed(wuxi, make_user, make_mission, make_item) -> Partnership:
    """A partnership with an objective (evaluated, with a follow-up), a project, dossier entries of the region and of
    its civil society, an outbound mission in high-risk mode with a request for room, a participant (the sentinel real
    name), and a review with internal notes."""
    advisor = make_user(Role.ADVISOR)
    objective = Objective(partnership=wuxi, what="Arbeidsrechten agenderen", benchmark="Reactie in elk verslag",
                          target_date=date(2027, 12, 31))
    project = Objective(partnership=wuxi, what="Uitwisseling over veilige werkplekken", kind="project",
                        local_partner="Universiteit van Jiangnan", target_date=date(2027, 10, 1))
    db.session.add_all([objective, project])
    mission = make_mission(partnership=wuxi, title="Voorjaarsbezoek Wuxi")
    mission.high_risk_reason, mission.high_risk_at = "Dreiging tegen gesprekspartners", CREATED
    mission.room_requested_on, mission.room_request = date(2027, 1, 10), "Gesprek met een arbeidsrechtenorganisatie"
    mission.room_answer, mission.room_answered_on = "partly", date(2027, 2, 1)
    mission.room_answer_notes = "Alleen onder begeleiding van het stadsbestuur"
    item = make_item(mission, kind="ngo_visit", title="Bezoek aan een ngo")
    item.participants.append(Participant(real_name=REAL_NAME, alias=ALIAS, kind="defender", at_risk=True))
    db.session.add_all([DossierEntry(partnership=wuxi, topic="region", summary="Situatie in Wuxi verslechterd",
                                     sources="Rapport 2026", entry_date=date(2026, 9, 1)),
                        DossierEntry(partnership=wuxi, topic="civil_society", summary="Verslag van een lokale ngo",
                                     sources="Ngo-bron 2026", entry_date=date(2026, 10, 1))])
    db.session.flush()
    db.session.add_all([
        Evaluation(objective_id=objective.id, evaluated_on=date(2027, 2, 1), progress="little",
                   findings="De partner ontwijkt het onderwerp"),
        FollowUp(mission_id=mission.id, what="Brief over arbeidsrechten sturen", with_whom="Wethouder Li",
                 due_date=date(2027, 4, 1), objective_id=objective.id),
    ])
    commit()
    record_review(advisor, wuxi, held_on=date(2027, 2, 20), conclusion="Arbeidsrechten blijven onbesproken",
                  next_steps="Agenderen in het voorjaar", internal_notes="Risico voor de ngo-contacten",
                  notes={objective.id: "Geen reactie"}, today=TODAY)
    commit()
    return wuxi


#: What only the office may read; the council's edition leaves each out.
INTERNAL_ONLY = ("Risico voor de ngo-contacten", "Dreiging tegen gesprekspartners", "Wethouder Li",
                 "Alleen onder begeleiding van het stadsbestuur", "Verslag van een lokale ngo", "Ngo-bron 2026")
#: What the council reads as well.
SHARED = ("Arbeidsrechten agenderen", "Reactie in elk verslag", "Little progress", "De partner ontwijkt het onderwerp",
          "Brief over arbeidsrechten sturen", "Uitwisseling over veilige werkplekken", "Universiteit van Jiangnan",
          "Arbeidsrechten blijven onbesproken", "Agenderen in het voorjaar", "Geen reactie",
          "Situatie in Wuxi verslechterd",
          "Partly granted", "Voorjaarsbezoek Wuxi")


def test_the_internal_report_carries_everything_and_is_marked_confidential(client, login, reviewed):
    login(Role.ADVISOR)
    response = client.get(f"/partnerships/{reviewed.id}/review/report?audience=internal")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "vp-print--confidential-en" in html and "Internal – confidential" in html
    assert "Report for: Internal (office)" in html
    for text in INTERNAL_ONLY + SHARED:
        assert text in html, text
    assert REAL_NAME not in html


@pytest.mark.parametrize("query", ["?audience=council", ""])
def test_the_council_report_leaves_out_what_is_internal_and_names_no_one(client, login, reviewed, query):
    """The least revealing edition is the one made when none is asked for."""
    login(Role.ADVISOR)
    response = client.get(f"/partnerships/{reviewed.id}/review/report{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Report for: The council (raad)" in html and "confidential" not in html
    for text in SHARED:
        assert text in html, text
    for text in INTERNAL_ONLY:
        assert text not in html, text
    assert REAL_NAME not in html and ALIAS not in html
    # The entry from the partner region's civil society is named, its text kept by the office.
    assert "Reports of civil society in the partner region" in html and "Kept by the office" in html


@pytest.mark.parametrize("audience", ["partner", "public", "delegation", "raad"])
def test_no_report_is_made_for_the_partner_or_any_other_audience(client, login, reviewed, audience):
    login(Role.ADVISOR)
    response = client.get(f"/partnerships/{reviewed.id}/review/report?audience={audience}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "never for the partner authorities or the public" in html
    assert "Arbeidsrechten agenderen" not in html


def test_the_review_page_offers_the_two_editions_only(client, login, reviewed):
    login(Role.PROTOCOL)
    html = client.get(f"/partnerships/{reviewed.id}/review").get_data(as_text=True)
    editions = re.findall(r'/review/report\?audience=(\w+)', html)
    assert editions == ["internal", "council"]
    assert "Risico voor de ngo-contacten" in html  # the page is the office's own view


def test_the_review_reads_a_fixed_number_of_queries_whatever_the_amount_of_data(app, client, login, wuxi,
                                                                                   make_user, make_mission):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission(partnership=wuxi)
    login(Role.ADVISOR)

    def grow(n: int) -> None:
        for i in range(n):
            objective = Objective(partnership=wuxi, what=f"Doel {i}", target_date=date(2027, 12, 31),
                                  kind="project" if i % 2 else "objective",
                                  local_partner=f"Partner {i}" if i % 2 else "")
            db.session.add(objective)
            db.session.flush()
            db.session.add_all([
                Evaluation(objective_id=objective.id, evaluated_on=date(2027, 1, 1), progress="some"),
                FollowUp(mission_id=mission.id, what=f"Opvolging {i}", due_date=date(2027, 4, 1),
                         objective_id=objective.id),
                DossierEntry(partnership=wuxi, topic="region", summary=f"Stuk {i}", entry_date=date(2026, 9, 1)),
            ])
        commit()
        record_review(advisor, wuxi, held_on=TODAY, conclusion="Op koers",
                      notes={o.id: "Loopt" for o in db.session.get(Partnership, wuxi.id).objectives}, today=TODAY)
        commit()

    def counted(url: str) -> int:
        db.session.expire_all()
        with Statements() as sql:
            assert client.get(url).status_code == 200
        return sql.count

    urls = [f"/partnerships/{wuxi.id}/review", f"/partnerships/{wuxi.id}/review/report?audience=internal",
            f"/partnerships/{wuxi.id}/review/report?audience=council", f"/partnerships/{wuxi.id}"]
    grow(1)
    few = [counted(url) for url in urls]
    grow(6)
    assert [counted(url) for url in urls] == few


# ---- projects with local partners (part 7b) --------------------------------------------------------------------


def test_a_project_with_a_local_partner_is_listed_apart_from_the_objectives(client, login, wuxi):
    login(Role.ADVISOR)
    base = f"/partnerships/{wuxi.id}"
    assert client.post(f"{base}/objectives/new", data={
        "kind": "objective", "what": "Arbeidsrechten agenderen", "target_date": "2027-12-31"}).status_code == 302
    assert client.post(f"{base}/objectives/new", data={
        "kind": "project", "what": "Uitwisseling over veilige werkplekken",
        "local_partner": "Universiteit van Jiangnan",
        "target_date": "2027-10-01"}).status_code == 302

    page = client.get(base).get_data(as_text=True)
    plan, projects = section(page, "plan"), section(page, "projects")
    assert "Arbeidsrechten agenderen" in plan and "Uitwisseling over veilige werkplekken" not in plan
    assert "Uitwisseling over veilige werkplekken" in projects and "Universiteit van Jiangnan" in projects
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "Universiteit van Jiangnan" in section(review, "review-projects")
    assert "Universiteit van Jiangnan" not in section(review, "review-objectives")


@pytest.mark.parametrize("data", [
    {"kind": "project", "what": "Uitwisseling", "local_partner": "", "target_date": "2027-10-01"},
    {"kind": "objective", "what": "Agenderen", "local_partner": "Stichting X", "target_date": "2027-10-01"},
    {"kind": "partner", "what": "Agenderen", "target_date": "2027-10-01"},
])
def test_a_project_needs_its_local_partner_and_only_a_project_has_one(client, login, wuxi, data):
    login(Role.ADVISOR)
    response = client.post(f"/partnerships/{wuxi.id}/objectives/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="local_partner-error"' in html or 'id="kind-error"' in html
    assert count(Objective) == 0


# ---- room to meet civil society (part 7c) ----------------------------------------------------------------------


def test_the_protocol_office_records_the_request_for_room_and_the_answer(client, login, make_mission):
    mission = make_mission("outbound", title="Voorjaarsbezoek Wuxi")
    officer = login(Role.PROTOCOL)
    url = f"/missions/{mission.id}/room-for-civil-society"
    assert "No request to the partner for room to meet civil society" in client.get(
        f"/missions/{mission.id}").get_data(as_text=True)

    response = client.post(url, data={
        "version": mission.version, "room_requested_on": "2027-01-10",
        "room_request": "Gesprek met een arbeidsrechtenorganisatie", "room_answer": "partly",
        "room_answered_on": "2027-02-01", "room_answer_notes": "Alleen onder begeleiding"})

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Mission, mission.id)
    assert (saved.room_requested_on, saved.room_answer, saved.room_answered_on) == (
        date(2027, 1, 10), "partly", date(2027, 2, 1))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.room_request"))
    assert entry.actor_id == officer.id and entry.mission_id == mission.id
    room = section(client.get(f"/missions/{mission.id}").get_data(as_text=True), "room")
    assert "Partly granted" in room and "Gesprek met een arbeidsrechtenorganisatie" in room


@pytest.mark.parametrize("data, field", [
    ({"room_requested_on": "2027-01-10", "room_request": "Gesprek", "room_answer": "granted"}, "room_answered_on"),
    ({"room_requested_on": "2027-01-10", "room_request": "Gesprek", "room_answer": "pending",
      "room_answered_on": "2027-01-12"}, "room_answered_on"),
    ({"room_requested_on": "2027-01-10", "room_request": "Gesprek", "room_answer": "refused",
      "room_answered_on": "2027-01-05"}, "room_answered_on"),
    ({"room_requested_on": "2027-03-10", "room_request": "Gesprek", "room_answer": "pending"}, "room_requested_on"),
    ({"room_requested_on": "2027-01-10", "room_request": "", "room_answer": "pending"}, "room_request"),
    ({"room_requested_on": "2027-01-10", "room_request": "Gesprek", "room_answer": "maybe"}, "room_answer"),
])
def test_a_request_with_an_answer_that_does_not_add_up_is_refused_and_changes_nothing(client, login, make_mission,
                                                                                       data, field):
    mission = make_mission("outbound")
    login(Role.PROTOCOL)
    response = client.post(f"/missions/{mission.id}/room-for-civil-society", data={"version": mission.version, **data})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field)
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).room_answer is None
    assert count(AuditEntry) == 0


def test_an_inbound_mission_has_no_request_for_room_to_record(client, login, make_mission):
    mission = make_mission("inbound")
    login(Role.PROTOCOL)
    url = f"/missions/{mission.id}/room-for-civil-society"
    response = client.post(url, data={"version": mission.version, "room_requested_on": "2027-01-10",
                                      "room_request": "Gesprek", "room_answer": "pending"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "this mission is inbound" in html
    assert 'aria-labelledby="room"' not in html
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).room_answer is None and count(AuditEntry) == 0


def test_a_delegation_member_does_not_see_the_request_for_room(client, login, make_mission, make_member):
    mission = make_mission("outbound")
    mission.room_requested_on, mission.room_request, mission.room_answer = date(2027, 1, 10), "Gesprek", "pending"
    commit()
    delegate = login(Role.DELEGATE)
    make_member(mission, user=delegate)
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert 'aria-labelledby="room"' not in html


# ---- the demo ---------------------------------------------------------------------------------------------------


def test_the_demo_shows_a_review_due_a_project_and_a_partly_granted_request(app, runner, client, login):
    assert runner.invoke(args=["demo"]).exit_code == 0
    partnership = db.session.scalar(select(Partnership).where(Partnership.partner_region == "Wuxi"))
    review = db.session.scalar(select(PartnershipReview))
    assert review.held_on == add_months(TODAY, -14)
    assert [o.local_partner for o in partnership.objectives if o.is_project] == ["Jiangnan-universiteit, School of Law"]
    outbound = next(m for m in partnership.missions if m.is_outbound)
    assert outbound.room_answer == "partly" and outbound.status == "finalised"
    login(Role.ADVISOR)
    assert 'data-warning="review"' in client.get("/").get_data(as_text=True)
