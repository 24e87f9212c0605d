"""The staff dashboard: its selection by date (frozen time), its page with the demo data, its query count (issue 5)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from itertools import count

import pytest
from flask_babel import force_locale
from sqlalchemy import event, select
from support.readiness import freeze_today

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.demo import DEMO_PASSWORD, load_demo
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.main.dashboard import build_dashboard
from visitplanner.companies.models import CompanyBriefing
from visitplanner.missions.models import BriefingState, Company, Mission
from visitplanner.participants.models import Participant, Scope
from visitplanner.participants.operations import (
    create_participant,
    record_assessment,
    record_consent,
    withdraw_consent,
)
from visitplanner.partnerships.models import (
    DossierEntry,
    FocalTheme,
    Objective,
    Partnership,
)
from visitplanner.readiness.checks import Status, run_checks
from visitplanner.readiness.models import ManualCheck, SignOffRole
from visitplanner.readiness.operations import (
    confirm_manual_check,
    context,
    sign_off,
    submit_for_signoff,
    void_sign_offs,
)

#: The day the dashboard is built for: before the missions of April 2027.
TODAY = date(2027, 3, 1)
_serial = count(1)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


# ---- builders -----------------------------------------------------------------------------------------


def person(advisor: User, alias: str | None = None) -> Participant:
    alias = alias or f"Vogel-{next(_serial):04d}"
    return create_participant(advisor, real_name=f"Echte naam {alias}", alias=alias, kind="defender",
                              residence="Wuxi", at_risk=True)


def consent(advisor, participant, mission, reconfirm_by: date, recorded_on: date = TODAY):
    return record_consent(advisor, participant, mission, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL],
                          method="in_person", information_version="Informatieblad v3", reconfirm_by=reconfirm_by,
                          today=recorded_on)


def assess(advisor, participant, item, valid_until: date):
    return record_assessment(
        advisor, participant, item, risk_level="high", threats="Surveillance.", vulnerabilities="", capacities="",
        person_consulted=True, meeting_visibility="confidential", partner_informed=False,
        names_shared_with_partner=False, family_at_risk=False, venue="Private room", photos_allowed=False,
        social_media_allowed=False,
        device_precautions="Signal only", interpreter_vetted=True, expectations_discussed=True,
        mitigations="No names in invitations.", decision="proceed_with_mitigations", assessed_on=days(-60),
        valid_until=valid_until)


def groundwork(partnership: Partnership, advisor: User) -> None:
    """A dossier entry, a focal theme and an objective: rule 6 passes."""
    theme = db.session.scalar(select(FocalTheme).where(FocalTheme.key == "labour_rights"))
    partnership.focal_themes = [theme]
    db.session.add(DossierEntry(partnership=partnership, topic="region", summary="Intimidatie van activisten.",
                                sources="China Labour Bulletin", entry_date=days(-30), author_id=advisor.id))
    db.session.add(Objective(partnership=partnership, what="Arbeidsrechten agenderen", target_date=date(2027, 12, 31),
                             focal_theme_id=theme.id))
    partnership.dossier_reviewed_on = days(-30)
    db.session.flush()


def passing_inbound(make_mission, make_item, partnership, title: str = "Bezoek delegatie",
                    day: date = date(2027, 4, 13)) -> Mission:
    """An inbound draft mission that passes every check but the four-eyes sign-off: from the day before ``day``
    (its items) to two days after."""
    mission = make_mission("inbound", timezone="Europe/Amsterdam", partnership=partnership, title=title,
                           start=day - timedelta(days=1), end=day + timedelta(days=2))
    make_item(mission, f"{day}T09:00", f"{day}T10:00", kind="ngo_visit", title="Huis van de Mensenrechten")
    make_item(mission, f"{day}T19:00", f"{day}T21:00", kind="citizen_meeting", title="Bewonersavond",
              headcount=6, headcount_reason="Familie in Xinjiang.")
    return mission


def complete(mission: Mission, by_id: int) -> Mission:
    now = datetime.now(UTC)
    mission.status = "completed"
    mission.submitted_by_id, mission.submitted_at, mission.finalised_at, mission.completed_at = by_id, now, now, now
    db.session.flush()
    return mission


def cancel(mission: Mission) -> Mission:
    mission.status, mission.cancelled_at, mission.cancel_reason = "cancelled", datetime.now(UTC), "Afgelast"
    db.session.flush()
    return mission


@pytest.fixture
def advisor(ctx, make_user):
    return make_user(Role.ADVISOR)


# ---- selection by date ----------------------------------------------------------------------------------


def test_consents_to_reconfirm_within_14_days_are_listed_once_and_lapsed_ones_are_not(ctx, advisor, make_mission,
                                                                                       make_item):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    visit = make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="ngo_visit")
    evening = make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind="citizen_meeting")
    cases = {"Vandaag-0": (TODAY, TODAY), "Binnen-14": (days(14), TODAY), "Buiten-15": (days(15), TODAY),
             "Verlopen-1": (days(-1), days(-30))}
    for alias, (reconfirm_by, recorded_on) in cases.items():
        p = person(advisor, alias)
        visit.participants.append(p)
        evening.participants.append(p)  # in two items: listed once
        consent(advisor, p, mission, reconfirm_by, recorded_on)
    withdrawn = person(advisor, "Ingetrokken-3")
    visit.participants.append(withdrawn)
    consent(advisor, withdrawn, mission, days(3))
    withdraw_consent(advisor, withdrawn, mission, method="phone")
    not_in_programme = person(advisor, "Niet-in-programma")
    consent(advisor, not_in_programme, mission, days(3))
    commit()

    board = build_dashboard(TODAY)

    assert [(p.alias, m.id, day) for p, m, day in board.expiring_consents] == [
        ("Vandaag-0", mission.id, TODAY), ("Binnen-14", mission.id, days(14))]


def test_consents_of_completed_or_cancelled_missions_are_not_listed(ctx, advisor, make_user, make_mission, make_item):
    protocol = make_user(Role.PROTOCOL)
    done, called_off = make_mission("inbound"), make_mission("inbound")
    for mission in (done, called_off):
        item = make_item(mission, kind="ngo_visit")
        p = person(advisor)
        item.participants.append(p)
        consent(advisor, p, mission, days(5))
    complete(done, protocol.id)
    cancel(called_off)
    commit()

    assert build_dashboard(TODAY).expiring_consents == []


def test_safety_assessments_valid_until_within_14_days_are_listed(ctx, advisor, make_mission, make_item):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    item = make_item(mission, kind="ngo_visit", title="Huis van de Mensenrechten")
    for alias, valid_until in {"Vandaag-0": TODAY, "Binnen-14": days(14), "Buiten-15": days(15),
                               "Verlopen-1": days(-1)}.items():
        p = person(advisor, alias)
        item.participants.append(p)
        assess(advisor, p, item, valid_until)
    commit()

    board = build_dashboard(TODAY)

    assert sorted((p.alias, i.id, day) for p, i, day in board.expiring_assessments) == [
        ("Binnen-14", item.id, days(14)), ("Vandaag-0", item.id, TODAY)]


def test_a_newer_assessment_replaces_the_expiring_one(ctx, advisor, make_mission, make_item):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    item = make_item(mission, kind="ngo_visit")
    p = person(advisor)
    item.participants.append(p)
    assess(advisor, p, item, days(7))
    assess(advisor, p, item, days(120))
    commit()

    assert build_dashboard(TODAY).expiring_assessments == []


def test_consents_and_assessments_that_end_before_the_meeting_are_listed(ctx, advisor, make_mission, make_item,
                                                                         client, en, login, monkeypatch):
    """Issue 21, part 3: valid today is not enough; listed with the day it ends and the day of the meeting, that day
    being the one where the meeting happens (07:00 in Wuxi on 14 April is 13 April in UTC)."""
    mission = make_mission("outbound", title="Werkbezoek Wuxi")
    early = make_item(mission, "2027-04-14T07:00", "2027-04-14T08:00", kind="ngo_visit", title="Ontbijt")
    later = make_item(mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="citizen_meeting", title="Gesprek")
    short, whole, lapsed, withdrawn = (person(advisor, alias) for alias in ("Kort-1", "Heel-2", "Verlopen-3",
                                                                             "Ingetrokken-4"))
    for p in (short, whole, lapsed, withdrawn):
        early.participants.append(p)
    later.participants.append(short)  # so Kort-1's consent must hold until 15 April
    consent(advisor, short, mission, date(2027, 4, 14))
    consent(advisor, whole, mission, date(2027, 4, 14))
    consent(advisor, lapsed, mission, days(-1), days(-30))  # lapsed already: a failing check, not this list
    consent(advisor, withdrawn, mission, date(2027, 4, 1))
    withdraw_consent(advisor, withdrawn, mission, method="phone")
    assess(advisor, short, early, date(2027, 4, 13))
    assess(advisor, whole, early, date(2027, 4, 14))
    assess(advisor, lapsed, early, days(-1))
    commit()

    board = build_dashboard(TODAY)

    assert [(p.alias, m.id, day, meeting) for p, m, day, meeting in board.consents_before_meeting] == [
        ("Kort-1", mission.id, date(2027, 4, 14), date(2027, 4, 15))]
    assert [(p.alias, i.id, day, meeting) for p, i, day, meeting in board.assessments_before_meeting] == [
        ("Kort-1", early.id, date(2027, 4, 13), date(2027, 4, 14))]
    assert not board.empty

    freeze_today(monkeypatch, TODAY)
    login(Role.PROTOCOL)
    page = unescape(re.sub(r"\s+", " ", client.get("/").get_data(as_text=True)))
    assert "Consent and safety assessments that end before the meeting" in page
    assert "Consent of Kort-1 for “Werkbezoek Wuxi” ends on 14 Apr 2027, before the meeting on 15 Apr 2027" in page
    assert "Safety assessment of Kort-1 for “Ontbijt” ends on 13 Apr 2027, before the meeting on 14 Apr 2027" in page
    assert "Echte naam" not in page


def test_follow_ups_overdue_or_due_within_14_days_are_listed_and_done_ones_are_not(ctx, make_user, make_mission):
    owner = make_user(Role.ADVISOR)
    mission = complete(make_mission("inbound", start=date(2026, 9, 14), end=date(2026, 9, 16)), owner.id)
    cases = [("Overdue", days(-30), "open"), ("Due today", TODAY, "open"), ("Day 14", days(14), "in_progress"),
             ("Day 15", days(15), "open"), ("Done overdue", days(-5), "done"), ("Done soon", days(2), "done")]
    for what, due, status in cases:
        db.session.add(FollowUp(mission_id=mission.id, what=what, owner_id=owner.id, due_date=due, status=status))
    commit()

    board = build_dashboard(TODAY)

    assert [f.what for f in board.follow_ups] == ["Overdue", "Due today", "Day 14"]
    assert [f.is_overdue(TODAY) for f in board.follow_ups] == [True, False, False]


def test_evaluations_overdue_or_due_within_14_days_are_listed(ctx, make_partnership):
    partnership = make_partnership()
    for what, due in [("Overdue", days(-3)), ("Day 14", days(14)), ("Day 15", days(15)), ("Not planned", None),
                      ("Today", TODAY)]:
        db.session.add(Objective(partnership=partnership, what=what, target_date=date(2027, 12, 31),
                                 evaluation_due=due))
    commit()

    assert [o.what for o in build_dashboard(TODAY).evaluations] == ["Overdue", "Today", "Day 14"]


def test_dossiers_not_reviewed_for_over_a_year_are_listed_counting_from_creation_when_never_reviewed(
    ctx, make_partnership
):
    from datetime import datetime, time, timezone

    def created(day: date) -> datetime:
        return datetime.combine(day, time(9), tzinfo=timezone.utc)

    for region, reviewed, since in [("Wuxi", days(-10), days(-900)), ("Suzhou", days(-365), days(-900)),
                                    ("Hangzhou", days(-366), days(-900)), ("Nanjing", None, days(-366)),
                                    ("Ningbo", None, days(-30))]:
        make_partnership(partner_region=region, dossier_reviewed_on=reviewed, created_at=created(since))

    # Ningbo's dossier is a month old and was never reviewed: not overdue yet (not "a year" on its first day).
    assert [p.partner_region for p in build_dashboard(TODAY).stale_dossiers] == ["Hangzhou", "Nanjing"]


def test_partnerships_advised_against_are_listed(ctx, make_partnership):
    make_partnership(partner_region="Wuxi")
    make_partnership(partner_region="Urumqi", risk_level="critical", advised_against=True,
                     advised_against_reason="Repressie maakt dialoog onmogelijk.")

    assert [p.partner_region for p in build_dashboard(TODAY).advised_against] == ["Urumqi"]


def test_unbriefed_companies_of_missions_not_yet_ended_are_listed(ctx, make_user, make_mission):
    protocol = make_user(Role.PROTOCOL)
    coming = make_mission("outbound")  # 12–15 April 2027
    briefed = {"Niet gebriefd": None, "Gebriefd": (days(-20), True), "Gebriefd op dag 1": (date(2027, 4, 12), True),
               "Gepland": (date(2027, 4, 5), False), "Gebriefd na vertrek": (date(2027, 4, 13), False),
               # Held, but more than 12 months before departure: not briefed within the period.
               "Te lang geleden": (date(2026, 4, 11), True), "Precies een jaar": (date(2026, 4, 12), True)}
    for name, briefing in briefed.items():
        company = Company(name=name)
        coming.companies.append(company)
        if briefing:
            company.briefings.append(CompanyBriefing(briefed_on=briefing[0], held=briefing[1]))
    last_day = make_mission("inbound", start=days(-3), end=TODAY)
    last_day.companies.append(Company(name="Laatste dag vandaag"))
    over = make_mission("inbound", start=days(-5), end=days(-1))
    over.companies.append(Company(name="Missie voorbij"))
    done = complete(make_mission("inbound", start=days(-5), end=days(-1)), protocol.id)
    done.companies.append(Company(name="Missie voltooid"))
    called_off = cancel(make_mission("outbound"))
    called_off.companies.append(Company(name="Missie afgelast"))
    commit()

    board = build_dashboard(TODAY)

    assert sorted((c.name, m.title, state) for c, m, state in board.unbriefed) == [
        ("Gebriefd na vertrek", "Werkbezoek", BriefingState.TOO_LATE),
        ("Gepland", "Werkbezoek", BriefingState.PLANNED),  # a plan is shown until it is recorded as held
        ("Laatste dag vandaag", "Werkbezoek", BriefingState.MISSING),
        ("Niet gebriefd", "Werkbezoek", BriefingState.MISSING),
        ("Te lang geleden", "Werkbezoek", BriefingState.EXPIRED)]


def test_missions_with_failing_checks_are_listed_but_not_a_draft_awaiting_only_its_sign_off(ctx, advisor, make_user,
                                                                                          make_mission, make_item,
                                                                                          make_partnership):
    protocol = make_user(Role.PROTOCOL)
    partnership = make_partnership()
    groundwork(partnership, advisor)
    draft = passing_inbound(make_mission, make_item, partnership, "Klaar concept")
    voided = passing_inbound(make_mission, make_item, partnership, "Ingetrokken aftekening")
    waiting = passing_inbound(make_mission, make_item, partnership, "Wacht op aftekening")
    bare = make_mission("inbound", timezone="Europe/Amsterdam", partnership=partnership, title="Zonder mensenrechten")
    make_item(bare, kind="official_meeting", title="Ontvangst", talking_points="Vrije meningsuiting")
    past = passing_inbound(make_mission, make_item, partnership, "Voltooid zonder aftekening")
    commit()
    assert [r.name for r in run_checks(draft, context(TODAY)) if r.status == Status.FAIL] == ["four_eyes"]
    submit_for_signoff(protocol, voided, TODAY)
    void_sign_offs(None, voided, "De toestemming van Vogel-0001 is ingetrokken.")
    submit_for_signoff(protocol, waiting, TODAY)
    complete(past, protocol.id)
    commit()

    board = build_dashboard(TODAY)
    listed = {m.title: [r.name for r in failing] for m, failing in board.attention}

    assert "Klaar concept" not in listed, "a draft's missing sign-off alone is not a reason for attention"
    assert "Voltooid zonder aftekening" not in listed
    assert listed["Ingetrokken aftekening"] == [], "listed for its voided sign-off, not for a failing check"
    assert db.session.get(Mission, voided.id).needs_attention
    assert listed["Wacht op aftekening"] == ["four_eyes"]
    assert listed["Zonder mensenrechten"] == ["hr_component", "inbound"]


def test_nothing_to_show_on_an_empty_instance(ctx):
    assert build_dashboard(TODAY).empty


# ---- the page, with the demo data -----------------------------------------------------------------------

#: The day the demo is looked at: its September visit's first follow-up (due 15 October) is overdue.
DEMO_DAY = date(2026, 12, 1)


@pytest.fixture
def demo(ctx, monkeypatch):
    freeze_today(monkeypatch, DEMO_DAY)
    load_demo()
    commit()


def links(html: str) -> dict[str, str]:
    """Link text → target, for every plain-text link on the page."""
    return {unescape(text).strip(): unescape(href) for href, text in re.findall(r'<a class="utrecht-link" href="([^"]+)">([^<]+)</a>', html)}


def dashboard_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="dashboard-heading".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def home_page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def demo_fixes() -> dict[str, object]:
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.what.like("Schriftelijk verslag%")))
    company = db.session.scalar(select(Company).where(Company.name == "Stadslicht Sensoren B.V."))
    academic = db.session.scalar(select(Participant).where(Participant.alias == "Valk-1187"))
    inbound = db.session.scalar(select(Mission).where(Mission.title.like("Bezoek delegatie Wuxi%")))
    return {"follow_up": (follow_up.id, follow_up.what, follow_up.mission_id), "company": company.id,
            "participant": academic.id, "inbound": (inbound.id, inbound.title)}


def test_the_home_page_shows_the_demos_overdue_follow_up_unbriefed_company_and_expiring_consent(
    client, en, login, demo
):
    fixes = demo_fixes()
    follow_up_id, what, past_id = fixes["follow_up"]
    inbound_id, inbound_title = fixes["inbound"]
    login(Role.PROTOCOL)

    board = dashboard_section(home_page(client))
    targets = links(board)

    assert targets[what] == f"/missions/{past_id}/after#follow-up-{follow_up_id}"
    assert re.search(re.escape(what) + r"</a>\s*— <strong>overdue since", board)
    # Briefed longer ago than a briefing counts for: the line leads to the company's briefings in the register.
    assert targets["Stadslicht Sensoren B.V."] == f"/companies/{fixes['company']}#briefings"
    assert re.search(r"Stadslicht Sensoren B\.V\.</a> — [^:]*: not briefed within the period", board)
    consent_text = next(t for t in targets if t.startswith("Consent of Valk-1187") and "expires on" in t)
    assert f"for “{inbound_title}” expires on" in consent_text
    assert targets[consent_text] == f"/participants/{fixes['participant']}#mission-{inbound_id}"
    # Running out in ten days, it also ends before the visit in June.
    ends_early = next(t for t in targets if t.startswith("Consent of Valk-1187") and "before the meeting on" in t)
    assert targets[ends_early] == targets[consent_text]
    assert "Bedankbrief aan de delegatie" not in board, "a done follow-up is not listed"
    assert "Mulder Waterbouw" not in board, "a briefed company is not listed"
    assert not any(t.startswith("Consent of Linde-7305") for t in targets), \
        "a consent that has already lapsed is a failing check, not an expiring consent"
    # It is in the queue of participants waiting for a step instead (issue 23, part 6).
    assert re.search(r"Linde-7305 in “[^”]*”</a>: waits for consent to take part", board)

    for text in (what, "Stadslicht Sensoren B.V.", consent_text):
        target = targets[text].split("#")[0]
        assert client.get(target).status_code == 200, f"{text} → {target}"


def test_an_advisor_follows_the_same_lines_to_where_they_are_fixed(client, en, login, demo):
    fixes = demo_fixes()
    _follow_up_id, what, _past_id = fixes["follow_up"]
    inbound_id, _title = fixes["inbound"]
    login(Role.ADVISOR)

    targets = links(dashboard_section(home_page(client)))

    assert targets["Stadslicht Sensoren B.V."] == f"/companies/{fixes['company']}#briefings", \
        "the advisor keeps the register too: the line leads to where the briefing is recorded"
    consent_text = next(t for t in targets if t.startswith("Consent of Valk-1187"))
    participant_page = client.get(targets[consent_text].split("#")[0])
    assert participant_page.status_code == 200
    assert f'href="/participants/{fixes["participant"]}/missions/{inbound_id}/consent"' in \
        participant_page.get_data(as_text=True), "one click further the consent is reconfirmed"
    assert client.get(targets[what].split("#")[0]).status_code == 200
    assert client.get(targets["Stadslicht Sensoren B.V."]).status_code == 200


def test_a_delegates_home_page_shows_none_of_it(client, en, demo):
    client.post("/login", data={"email": "delegate@example.org", "password": DEMO_PASSWORD})

    page = home_page(client)

    assert "Welcome, Marieke Jansen" in page
    assert "Needs attention" not in page
    for secret in ("Schriftelijk verslag", "Stadslicht Sensoren", "Valk-1187", "Consent of", "Evaluate:",
                   "advised against"):
        assert secret not in page


# ---- a fixed number of queries ------------------------------------------------------------------------


def rich_missions(n: int, make_user, make_mission, make_item, make_member) -> None:
    """``n`` missions of their own partnership, each with everything the dashboard reads, waiting for sign-off;
    and for each a completed visit with a follow-up and an objective with an evaluation due."""
    for _ in range(n):
        protocol, advisor = make_user(Role.PROTOCOL), make_user(Role.ADVISOR)
        # Soon: the consent and the assessment below run out within 14 days, yet hold on the day of the meeting.
        mission = passing_inbound(make_mission, make_item, None, day=days(8))
        groundwork(mission.partnership, advisor)
        mission.partnership.dossier_reviewed_on = None  # also on the list of stale dossiers
        member = make_member(mission, make_user(Role.DELEGATE))
        meeting = make_item(mission, f"{days(9)}T09:00", f"{days(9)}T10:00", kind="official_meeting",
                            title="Ontvangst", talking_points="Vrije meningsuiting", attendees=[member])
        p = person(advisor)
        meeting.participants.append(p)
        consent(advisor, p, mission, days(10))
        assess(advisor, p, meeting, days(12))
        mission.companies.append(Company(name=f"Bedrijf {next(_serial)}"))
        db.session.flush()
        submit_for_signoff(protocol, mission, TODAY)
        for check in (ManualCheck.DELEGATION_BRIEFED, ManualCheck.COMPANIES_BRIEFED):
            confirm_manual_check(protocol, mission, check)
        sign_off(advisor, mission, SignOffRole.ADVISOR, TODAY)
        past = complete(make_mission("inbound", start=date(2026, 9, 14), end=date(2026, 9, 16),
                                     partnership=mission.partnership), protocol.id)
        db.session.add(FollowUp(mission_id=past.id, what="Verslag", owner_id=advisor.id, due_date=days(-5)))
        mission.partnership.objectives[0].evaluation_due = days(3)
        commit()


def queries_for(action) -> list[str]:
    statements: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return statements


def test_the_dashboard_takes_the_same_number_of_queries_for_2_and_8_missions(ctx, client, login, make_user,
                                                                             make_mission, make_item, make_member,
                                                                             monkeypatch):
    freeze_today(monkeypatch, TODAY)
    login(Role.PROTOCOL)
    sizes = {}
    for n, add in ((2, 2), (8, 6)):
        rich_missions(add, make_user, make_mission, make_item, make_member)
        db.session.close()  # a fresh session, as in a request
        board = build_dashboard(TODAY)
        assert len([m for m, _ in board.attention if m.status == "ready_for_signoff"]) == n
        assert (len(board.expiring_consents), len(board.expiring_assessments), len(board.unbriefed),
                len(board.follow_ups), len(board.evaluations)) == (n, n, n, n, n)
        db.session.close()
        direct = queries_for(lambda: build_dashboard(TODAY))
        pages = []
        page = queries_for(lambda pages=pages: pages.append(client.get("/")))
        assert pages[0].status_code == 200
        assert pages[0].get_data(as_text=True).count("#briefings\"") == n, "each unbriefed company shown"
        sizes[n] = (len(direct), len(page))
    assert sizes[2] == sizes[8], sizes


def test_checks_are_run_again_only_for_a_mission_that_changed_or_on_a_new_day(ctx, advisor, make_mission, make_item,
                                                                              monkeypatch):
    """The dashboard reads a programme only to run its checks, and keeps their results under the revisions they
    were run on: a mission nobody touched is not read again the same day; a change to it, or the next day, is."""
    from visitplanner.main import dashboard

    read = []
    real = dashboard.missions_with_programme

    def reading(ids):
        read.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(dashboard, "missions_with_programme", reading)
    bare = make_mission("inbound", timezone="Europe/Amsterdam", title="Zonder mensenrechten")
    other = make_mission("inbound", timezone="Europe/Amsterdam", title="Ander bezoek")
    make_item(bare, kind="official_meeting", title="Ontvangst")
    commit()

    first = {m.title: [f.name for f in failing] for m, failing in build_dashboard(TODAY).attention}
    assert read == [sorted([bare.id, other.id])]
    assert "hr_component" in first["Zonder mensenrechten"]
    again = {m.title: [f.name for f in failing] for m, failing in build_dashboard(TODAY).attention}
    assert again == first and read[1:] == [[]], "nothing changed: no programme read again"
    with force_locale("nl"):  # kept once for every language: the titles come in the reader's
        dutch = {m.title: [f.title for f in failing] for m, failing in build_dashboard(TODAY).attention}
    with force_locale("en"):
        english = {m.title: [f.title for f in failing] for m, failing in build_dashboard(TODAY).attention}
    assert read[1:] == [[], [], []]
    assert "Human-rights component" in english["Zonder mensenrechten"]
    assert "Mensenrechtenonderdeel" in dutch["Zonder mensenrechten"]

    make_item(bare, "2027-04-13T16:00", "2027-04-13T17:00", kind="ngo_visit", title="Bezoek aan een ngo")
    commit()
    after = {m.title: [f.name for f in failing] for m, failing in build_dashboard(TODAY).attention}
    assert read[4:] == [[bare.id]], "only the mission that changed is read again"
    assert "hr_component" not in after["Zonder mensenrechten"], "and its checks follow the change"

    build_dashboard(TODAY + timedelta(days=1))
    assert read[5:] == [sorted([bare.id, other.id])], "a new day runs every check again (consents lapse by date)"
