"""The company register across missions (issue 24, part 3; B.c: "zorg ervoor dat alle bedrijven met China-banden uit
de regio voldoende op de hoogte zijn"): its pages and who may use them, its histories (briefings, due diligence,
meetings with local defenders, contacts with foreign civil society, objectives), the briefing that counts for a set
period before departure, missions that pick their companies from it, and the upgrade that carries the old fields
over."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text as sql
from support.pages import form_values
from support.readiness import TODAY, brief, freeze_today
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.companies.models import CivilSocietyConnection, CompanyBriefing, DefenderMeeting, DueDiligenceChange
from visitplanner.config import build_config
from visitplanner.extensions import db
from visitplanner.missions.models import BriefingState, Company, Mission
from visitplanner.partnerships.models import Objective
from visitplanner.readiness.checks import Context, Status, check_outbound
from visitplanner.readiness.fingerprint import fingerprint


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()) if match else ""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def today(monkeypatch):
    freeze_today(monkeypatch, TODAY)  # 1 March 2027
    return TODAY


@pytest.fixture
def company(ctx):
    company = Company(name="Mulder Waterbouw B.V.", sector="Waterbouw")
    db.session.add(company)
    commit()
    return company


@pytest.fixture
def objective(ctx, make_partnership):
    partnership = make_partnership(partner_region="Wuxi")
    objective = Objective(partnership=partnership, what="Arbeidsrechten agenderen", target_date=date(2027, 12, 31))
    db.session.add(objective)
    commit()
    return objective


# ---- the pages and who may use them ---------------------------------------------------------------------


def test_an_office_user_adds_a_company_without_a_mission_and_finds_it_in_the_register(ctx, en, login, today):
    login(Role.PROTOCOL)
    assert 'href="/companies/"' in text(en.get("/")), "the register is in the main menu"

    response = en.post("/companies/new", data={"name": "Van Dam Logistiek B.V.", "sector": "Logistiek",
                                               "ties": "Vervoert onderdelen uit Wuxi"})

    company = db.session.scalar(select(Company))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/companies/{company.id}")
    listed = text(en.get("/companies/"))
    assert "Van Dam Logistiek B.V." in listed and "no briefing held" in listed
    page = text(en.get(f"/companies/{company.id}"))
    assert "Vervoert onderdelen uit Wuxi" in page and "In no mission yet." in page
    assert actions() == ["company.create"]


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.ADVISOR])
def test_protocol_officers_and_advisors_keep_the_register(ctx, en, login, company, role):
    login(role)
    for path in ("/companies/", "/companies/new", f"/companies/{company.id}", f"/companies/{company.id}/edit",
                 f"/companies/{company.id}/briefings/new", f"/companies/{company.id}/due-diligence",
                 f"/companies/{company.id}/meetings/new", f"/companies/{company.id}/connections/new",
                 f"/companies/{company.id}/objectives"):
        assert en.get(path).status_code == 200, path


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMIN])
def test_the_rest_of_the_office_reads_the_register_but_does_not_change_it(ctx, en, login, company, role):
    login(role)
    assert en.get("/companies/").status_code == 200
    page = text(en.get(f"/companies/{company.id}"))
    assert "Mulder Waterbouw B.V." in page and "Record a briefing" not in page
    assert en.get("/companies/new").status_code == 403
    assert en.post(f"/companies/{company.id}/briefings/new", data={"briefed_on": "2027-02-01"}).status_code == 403
    assert count(CompanyBriefing) == 0


def test_the_delegation_never_reaches_the_register(ctx, en, login, company):
    login(Role.DELEGATE)
    assert 'href="/companies/"' not in text(en.get("/"))
    for path in ("/companies/", "/companies/new", f"/companies/{company.id}", f"/companies/{company.id}/edit",
                 f"/companies/{company.id}/briefings/new", f"/companies/{company.id}/objectives"):
        assert en.get(path).status_code == 403, path
    assert en.post("/companies/new", data={"name": "Sluiproute B.V."}).status_code == 403
    assert count(Company) == 1


def test_an_unknown_company_or_a_briefing_of_another_company_is_not_found(ctx, en, login, company):
    other = Company(name="Stadslicht Sensoren B.V.")
    brief(other, date(2027, 2, 1))
    commit()
    login(Role.PROTOCOL)
    assert en.get("/companies/999999").status_code == 404
    assert en.get(f"/companies/{company.id}/briefings/{other.briefings[0].id}/edit").status_code == 404


# ---- each history, each change audited -------------------------------------------------------------------


def test_briefings_due_diligence_meetings_contacts_and_objectives_are_kept_and_audited(
        ctx, en, login, company, objective, today):
    officer = login(Role.PROTOCOL)
    base = f"/companies/{company.id}"

    assert en.post(f"{base}/briefings/new", data={
        "briefed_on": "2027-02-10", "held": "y", "briefed_by": str(officer.id), "topics": ["region", "theme"],
        "objectives": [str(objective.id)], "note": "OESO en UNGP's"}).status_code == 302
    assert en.post(f"{base}/due-diligence", data={"status": "in_progress",
                                                  "note": "Ketenanalyse staal loopt"}).status_code == 302
    assert en.post(f"{base}/due-diligence", data={"status": "done", "note": "Afgerond"}).status_code == 302
    assert en.post(f"{base}/meetings/new", data={"met_on": "2027-02-12",
                                                 "note": "Via de ambassade; alias in het register"}).status_code == 302
    assert en.post(f"{base}/connections/new", data={
        "connected_with": "Business and Human Rights Resource Centre", "connected_on": "2027-02-15"}).status_code == 302
    assert en.post(f"{base}/objectives", data={**form_values(text(en.get(f"{base}/objectives"))),
                                              "objectives": [str(objective.id)]}).status_code == 302

    page = text(en.get(base))
    assert re.search(r"10 Feb 2027\s*</td>\s*<td[^>]*>held</td>\s*<td[^>]*>" + re.escape(officer.name), page)
    assert "Human-rights situation in the partner region" in page and "Objective: Arbeidsrechten agenderen" in page
    assert page.index("Afgerond") < page.index("Ketenanalyse staal loopt"), "the due-diligence history, newest first"
    assert "12 Feb 2027 — Via de ambassade; alias in het register" in page
    assert "15 Feb 2027: put in touch with Business and Human Rights Resource Centre" in page
    assert "Wuxi</a>: Arbeidsrechten agenderen" in page
    history = db.session.scalars(select(DueDiligenceChange).order_by(DueDiligenceChange.id)).all()
    assert [(h.status, h.changed_by_id) for h in history] == [("in_progress", officer.id), ("done", officer.id)]
    assert db.session.get(Company, company.id).due_diligence == "done"
    assert actions() == ["company.brief", "company.due_diligence", "company.due_diligence", "company.meet_defenders",
                         "company.connect", "company.objectives"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company.brief"))
    assert entry.changes["briefed_on"] == [None, "2027-02-10"] and entry.changes["topics"] == [None, ["region", "theme"]]


def test_a_planned_briefing_is_recorded_as_held_on_the_company_page_and_the_change_is_audited(
        ctx, en, login, company, today):
    login(Role.ADVISOR)
    en.post(f"/companies/{company.id}/briefings/new", data={"briefed_on": "2027-02-20", "briefed_by": "0"})
    briefing = db.session.scalar(select(CompanyBriefing))
    assert not briefing.held and "Record as held" in text(en.get(f"/companies/{company.id}"))

    form = text(en.get(f"/companies/{company.id}/briefings/{briefing.id}/edit"))
    assert 'value="2027-02-20"' in form
    response = en.post(f"/companies/{company.id}/briefings/{briefing.id}/edit", data={
        "briefed_on": "2027-02-20", "held": "y", "briefed_by": "0", "version": str(briefing.version)})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CompanyBriefing, briefing.id).held
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company.update_briefing"))
    assert entry.changes == {"held": [False, True]}


def test_the_company_s_own_details_are_edited_and_audited(ctx, en, login, company):
    login(Role.PROTOCOL)
    form = text(en.get(f"/companies/{company.id}/edit"))
    assert 'name="version" type="hidden" value="1"' in form
    response = en.post(f"/companies/{company.id}/edit", data={
        "name": "Mulder Waterbouw B.V.", "sector": "Waterbouw", "contact": "p.mulder@example.org",
        "ties": "Pompen voor het Taihu-meer", "version": "1"})
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company.update"))
    assert entry.changes == {"contact": ["", "p.mulder@example.org"], "ties": ["", "Pompen voor het Taihu-meer"]}


# ---- bad input changes nothing ---------------------------------------------------------------------------


@pytest.mark.parametrize("path, data, field, message", [
    ("/new", {"name": "  "}, "name", "This field is required."),
    ("/new", {"name": "mulder waterbouw b.v."}, "name", "Another company already has this name."),
    ("/{id}/briefings/new", {"briefed_on": "20-02-2027", "briefed_by": "0"}, "briefed_on", "Not a valid date value."),
    ("/{id}/briefings/new", {"briefed_on": "2027-03-20", "held": "y", "briefed_by": "0"}, "held",
     "A briefing on a day still to come cannot have been held yet: record it as planned."),
    ("/{id}/briefings/new", {"briefed_on": "2027-02-20", "briefed_by": "0", "topics": ["gossip"]}, "topics",
     "is not a valid choice for this field"),
    ("/{id}/briefings/new", {"briefed_on": "2027-02-20", "briefed_by": "0", "objectives": ["424242"]}, "objectives",
     "is not a valid choice for this field"),
    ("/{id}/briefings/new", {"briefed_on": "2027-02-20", "briefed_by": "999999"}, "briefed_by", "Not a valid choice"),
    ("/{id}/due-diligence", {"status": "perfect"}, "status", "Not a valid choice"),
    ("/{id}/due-diligence", {"status": "not_started"}, "note",
     "The status is unchanged: give a note to record, or choose another status."),
    ("/{id}/meetings/new", {"met_on": "2027-03-05"}, "met_on",
     "Record a meeting once it took place: this day is still to come."),
    ("/{id}/connections/new", {"connected_with": " ", "connected_on": "2027-02-01"}, "connected_with",
     "This field is required."),
    ("/{id}/objectives", {"objectives": ["abc"]}, "objectives", "Invalid choice(s)"),
])
def test_bad_input_is_shown_at_its_field_and_changes_nothing(ctx, en, login, company, today, path, data, field,
                                                             message):
    login(Role.PROTOCOL)
    before = actions()

    response = en.post("/companies" + path.format(id=company.id), data=data)

    assert response.status_code == 200
    assert message in field_error(text(response), field)
    assert (count(Company), count(CompanyBriefing), count(DueDiligenceChange), count(DefenderMeeting),
            count(CivilSocietyConnection)) == (1, 0, 0, 0, 0)
    assert actions() == before


# ---- a briefing counts for a set period, held before departure -------------------------------------------


@pytest.fixture
def outbound(ctx, make_mission, make_item):
    """An outbound mission leaving on 12 April 2027, with a civil-society meeting and a business session."""
    mission = make_mission("outbound")
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit", title="Gesprek")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="business_session", title="OESO-sessie")
    return mission


@pytest.mark.parametrize("briefings, today, months, status, fragment", [
    ([(date(2027, 3, 1), True)], date(2027, 3, 1), 12, Status.PASS, ""),
    ([(date(2027, 4, 12), True)], date(2027, 4, 12), 12, Status.PASS, ""),  # on the day of departure still counts
    ([(date(2026, 4, 12), True)], date(2027, 3, 1), 12, Status.PASS, ""),  # twelve months to the day
    ([(date(2026, 4, 11), True)], date(2027, 3, 1), 12, Status.FAIL, "not briefed within the period"),
    ([(date(2026, 10, 1), True)], date(2027, 3, 1), 6, Status.FAIL, "more than 6 months before departure"),
    # A new briefing after an old one counts again.
    ([(date(2025, 5, 1), True), (date(2027, 2, 1), True)], date(2027, 3, 1), 12, Status.PASS, ""),
    # Planned, not held: a warning until the day before departure, then a failure.
    ([(date(2027, 4, 5), False)], date(2027, 4, 10), 12, Status.WARN, "Briefing planned, not yet recorded as held"),
    ([(date(2027, 4, 5), False)], date(2027, 4, 11), 12, Status.FAIL, "recorded as held (departure is near)"),
    # An old briefing does not make up for a planned one that was never held.
    ([(date(2025, 1, 10), True), (date(2027, 4, 5), False)], date(2027, 4, 11), 12, Status.FAIL,
     "recorded as held (departure is near)"),
    ([(date(2027, 4, 13), False)], date(2027, 3, 1), 12, Status.FAIL, "before departure for: Mulder"),
    ([], date(2027, 3, 1), 12, Status.FAIL, "before departure for: Mulder"),
])
def test_the_outbound_check_reads_the_latest_briefing_held_within_the_period_before_departure(
        english, outbound, briefings, today, months, status, fragment):
    company = Company(name="Mulder Waterbouw B.V.")
    outbound.companies.append(company)
    for day, held in briefings:
        brief(company, day, held)
    commit()

    result = check_outbound(outbound, Context(today=today, briefing_valid_months=months))

    assert result.status == status, result.reason
    assert fragment in result.reason
    if status != Status.PASS:
        assert (result.fix_endpoint, result.fix_args) == ("companies.show", {"company_id": company.id})


def test_the_period_is_a_setting_of_the_organisation(tmp_path, monkeypatch):
    assert build_config(str(tmp_path))["COMPANY_BRIEFING_VALID_MONTHS"] == 12
    monkeypatch.setenv("COMPANY_BRIEFING_VALID_MONTHS", "18")
    assert build_config(str(tmp_path))["COMPANY_BRIEFING_VALID_MONTHS"] == 18


def test_the_checklist_and_the_dashboard_follow_the_configured_period(ctx, app, en, login, outbound, today,
                                                                      monkeypatch):
    company = Company(name="Stadslicht Sensoren B.V.")
    outbound.companies.append(company)
    brief(company, date(2026, 7, 1))  # nine months before departure
    commit()
    login(Role.PROTOCOL)
    assert "Stadslicht" not in text(en.get("/"))
    monkeypatch.setitem(app.config, "COMPANY_BRIEFING_VALID_MONTHS", 6)

    checklist = text(en.get(f"/missions/{outbound.id}/checklist"))
    home = text(en.get("/"))

    assert "not briefed within the period" in checklist and "more than 6 months before departure" in checklist
    assert re.search(rf'href="/companies/{company.id}#briefings">Stadslicht Sensoren B\.V\.</a> — [^:]*: '
                     r"not briefed within the period \(latest: 1 Jul 2026\)", home)


def test_the_mission_page_marks_every_company_whose_briefing_is_not_held_in_time(ctx, en, login, outbound, today):
    held, missing = Company(name="Stadslicht Sensoren B.V."), Company(name="Mulder Waterbouw B.V.")
    outbound.companies += [held, missing]
    brief(held, date(2027, 2, 26))
    commit()
    login(Role.PROTOCOL)

    page = en.get(f"/missions/{outbound.id}").get_data(as_text=True)

    assert "<strong>no briefing</strong>" in page
    assert ">briefing held (" in page and "<strong>briefing held</strong>" not in page


def test_recording_a_briefing_on_the_company_page_makes_the_checklist_pass(ctx, en, login, outbound, today):
    company = Company(name="Stadslicht Sensoren B.V.")
    outbound.companies.append(company)
    brief(company, date(2025, 11, 3))  # held, but longer ago than it counts for
    commit()
    login(Role.PROTOCOL)
    checklist = f"/missions/{outbound.id}/checklist"
    assert "not briefed within the period" in text(en.get(checklist))
    assert company.briefing_before(outbound.start_date, today) == BriefingState.EXPIRED

    en.post(f"/companies/{company.id}/briefings/new", data={"briefed_on": "2027-02-26", "held": "y",
                                                            "briefed_by": "0"})

    page = text(en.get(checklist))
    assert "not briefed within the period" not in page and "briefing before departure" not in page


# ---- missions pick their companies from the register -----------------------------------------------------


def test_a_mission_picks_its_company_from_the_register(ctx, en, login, make_mission, company):
    db.session.add(Company(name="Van Dam Logistiek B.V."))
    commit()
    mission = make_mission("outbound")
    login(Role.PROTOCOL)

    form = text(en.get(f"/missions/{mission.id}/companies/new"))
    assert f'<option value="{company.id}">Mulder Waterbouw B.V.</option>' in form
    response = en.post(f"/missions/{mission.id}/companies/new", data={"company_id": str(company.id)})

    assert response.status_code == 302
    assert [c.id for c in db.session.get(Mission, mission.id).companies] == [company.id]
    assert count(Company) == 2, "picked, not made again"
    again = text(en.get(f"/missions/{mission.id}/companies/new"))
    assert f'<option value="{company.id}">' not in again and "Van Dam Logistiek B.V.</option>" in again
    assert f'href="/companies/{company.id}"' in text(en.get(f"/missions/{mission.id}"))


def test_a_new_company_added_from_a_mission_lands_in_the_register(ctx, en, login, make_mission):
    mission = make_mission("outbound")
    login(Role.PROTOCOL)

    en.post(f"/missions/{mission.id}/companies/new", data={"company_id": "0", "name": "Nieuw Staal B.V.",
                                                           "sector": "Staal"})

    company = db.session.scalar(select(Company))
    assert company.name == "Nieuw Staal B.V." and "Nieuw Staal B.V." in text(en.get("/companies/"))
    assert actions()[-2:] == ["company.create", "mission.add_company"]


# ---- a fixed number of queries ---------------------------------------------------------------------------


def _fill(n: int, objective: Objective, mission: Mission) -> int:
    """``n`` more companies, each with two briefings covering a topic and the objective, a history, a meeting, a
    contact and the objective; the last one returned."""
    last = None
    for i in range(n):
        company = Company(name=f"Bedrijf {count(Company) + 1}")
        company.missions.append(mission)
        company.objectives.append(objective)
        db.session.add(company)
        for day in (date(2026, 5, 1), date(2027, 2, 1)):
            briefing = CompanyBriefing(briefed_on=day, held=True, objectives=[objective])
            company.briefings.append(briefing)
        company.due_diligence_history.extend(DueDiligenceChange(status="in_progress") for _ in range(2))
        company.defender_meetings.append(DefenderMeeting(met_on=date(2027, 1, 5)))
        company.connections.append(CivilSocietyConnection(connected_with="BHRRC", connected_on=date(2027, 1, 6)))
        db.session.flush()
        last = company.id
    commit()
    return last


def test_the_register_and_a_company_page_take_the_same_number_of_queries_for_2_and_8_companies(
        ctx, en, login, objective, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission("outbound")
    counts = {}
    for n, add in ((2, 2), (8, 6)):
        last = _fill(add, objective, mission)
        with Statements() as listing:
            assert en.get("/companies/").status_code == 200
        with Statements() as page:
            response = en.get(f"/companies/{last}")
        assert response.status_code == 200 and "BHRRC" in text(response)
        counts[n] = (listing.count, page.count)
    assert counts[2] == counts[8], counts
    assert counts[2][0] <= 8 and counts[2][1] <= 16, counts


# ---- the upgrade carries the old fields over ---------------------------------------------------------------


def test_the_upgrade_carries_the_briefing_due_diligence_and_meeting_over_and_the_downgrade_takes_them_back(app):
    """Migration 0023: a company's one briefing date becomes its first briefing, its due diligence the first entry
    of its history, "met defenders" a meeting whose day was never recorded; a signed mission's vouched content is
    rewritten with its fingerprint, so that nothing is voided by the upgrade alone."""
    vouched = {"facts": {"mission": {}, "companies": {"1": {"briefed_on": "2027-02-01", "briefing_held": True,
                                                            "due_diligence": "in_progress"}}}, "labels": {}}
    with app.app_context():
        downgrade(revision="0022")
        with db.engine.begin() as conn:
            conn.execute(sql("INSERT INTO partnerships (id, own_organisation, partner_region, region_type, kind, "
                             "cooperation_themes, risk_level, advised_against, advised_against_reason, created_at, "
                             "updated_at, version, revision, revised_ms) VALUES (1, 'Teststad', 'Wuxi', 'city', "
                             "'sister_city', '', 'medium', :f, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, 0)"),
                         {"f": False})
            conn.execute(sql("INSERT INTO users (id, email, name, password_hash, active, created_at, version, "
                             "revision, revised_ms, session_generation) VALUES (1, 'a@example.org', 'A', 'x', :t, "
                             "CURRENT_TIMESTAMP, 1, 0, 0, 0)"), {"t": True})
            conn.execute(sql("INSERT INTO missions (id, partnership_id, direction, title, purpose, start_date, "
                             "end_date, timezone, status, created_at, updated_at, version, revision, revised_ms, "
                             "submitted_by_id, submitted_at, finalised_at, vouched_fingerprint, vouched_content) "
                             "VALUES (1, 1, 'outbound', 'Werkbezoek', '', '2027-04-12', '2027-04-15', "
                             "'Asia/Shanghai', 'finalised', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, 0, 1, "
                             "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :fp, :content)"),
                         {"fp": "0" * 64, "content": json.dumps(vouched)})
            conn.execute(sql("INSERT INTO companies (id, name, sector, contact, briefed_on, briefing_held, "
                             "due_diligence, due_diligence_notes, met_defenders, created_at, version) VALUES "
                             "(1, 'Mulder Waterbouw B.V.', '', '', '2027-02-01', :t, 'in_progress', 'Staal loopt', "
                             ":t, CURRENT_TIMESTAMP, 1), (2, 'Stadslicht Sensoren B.V.', '', '', NULL, :f, "
                             "'not_started', '', :f, CURRENT_TIMESTAMP, 1)"), {"t": True, "f": False})
            conn.execute(sql("INSERT INTO mission_companies (mission_id, company_id) VALUES (1, 1)"))
        upgrade()
        with db.engine.connect() as conn:
            briefings = conn.execute(sql("SELECT company_id, briefed_on, held, briefed_by_id FROM company_briefings"))
            assert [(c, str(d), bool(h), b) for c, d, h, b in briefings] == [(1, "2027-02-01", True, None)]
            history = conn.execute(sql("SELECT company_id, status, dd_note FROM company_due_diligence")).all()
            assert [tuple(r) for r in history] == [(1, "in_progress", "Staal loopt")]
            meetings = conn.execute(sql("SELECT company_id, met_on FROM company_defender_meetings")).all()
            assert [tuple(r) for r in meetings] == [(1, None)]
            fp, content = conn.execute(sql("SELECT vouched_fingerprint, vouched_content FROM missions")).one()
        content = json.loads(content) if isinstance(content, str) else content
        assert content["facts"]["companies"]["1"] == {"due_diligence": "in_progress",
                                                      "briefings": ["2027-02-01 held"]}
        assert fp == fingerprint(content)

        downgrade(revision="0022")
        with db.engine.connect() as conn:
            rows = conn.execute(sql("SELECT id, briefed_on, briefing_held, met_defenders FROM companies "
                                    "ORDER BY id")).all()
            assert [(i, str(d) if d else None, bool(h), bool(m)) for i, d, h, m in rows] == [
                (1, "2027-02-01", True, True), (2, None, False, False)]
            content = conn.execute(sql("SELECT vouched_content FROM missions")).scalar_one()
        content = json.loads(content) if isinstance(content, str) else content
        assert content["facts"]["companies"]["1"] == vouched["facts"]["companies"]["1"]
        upgrade()
