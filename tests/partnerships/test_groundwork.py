"""Partnership groundwork (B.b): research dossier, focal themes, action plan, and advice against a partnership that
holds a mission until an approver records an override — through the pages, as the advisor and approver work."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from support.pages import form_values
from support.readiness import TODAY, freeze_today, ready_mission

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.partnerships.models import (
    DossierEntry,
    FocalTheme,
    Objective,
    Partnership,
)
from visitplanner.partnerships.operations import add_objective, set_advice, set_focal_themes
from visitplanner.readiness.models import SignOffRole
from visitplanner.readiness.operations import record_override, sign_off, submit_for_signoff


@pytest.fixture(autouse=True)
def _frozen(english, monkeypatch):
    """The scenarios' day, and English for the messages of operations called directly."""
    freeze_today(monkeypatch)


def theme(key: str) -> FocalTheme:
    return db.session.scalar(select(FocalTheme).where(FocalTheme.key == key))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.DOTALL)
    assert match, f"no error at {field}"
    return match.group(1)


def check_row(html: str, name: str) -> str:
    """The checklist row of one check: its class says the status, its cells the title and reason."""
    return re.search(rf'<tr class="[^"]*" id="check-{name}">.*?</tr>', html, re.DOTALL).group(0)


def test_the_advisor_builds_the_groundwork_on_the_pages(client, en, login, make_partnership):
    partnership = make_partnership()
    login(Role.ADVISOR)
    base = f"/partnerships/{partnership.id}"

    response = client.post(f"{base}/dossier/new", data={
        "topic": "region", "summary": "Arbeidsrechtenactivisten in Wuxi melden intimidatie.",
        "sources": "China Labour Bulletin — https://clb.org.hk — 2026-08-01", "entry_date": "2026-09-15",
    })
    assert response.status_code == 302
    entry = db.session.scalar(select(DossierEntry))
    assert entry.topic == "region" and entry.entry_date == date(2026, 9, 15)
    assert db.session.get(Partnership, partnership.id).dossier_reviewed_on == date(2026, 9, 15)

    form = client.get(f"{base}/themes").get_data(as_text=True)
    assert "No theme is excluded up front for fear of “red lines”" in form

    labour, surveillance = theme("labour_rights"), theme("surveillance_smart_cities")
    response = client.post(f"{base}/themes", data={
        **form_values(form), "themes": [labour.id, surveillance.id], "custom_name": "Persvrijheid",
        "custom_line": "residents",
    })
    assert response.status_code == 302
    db.session.expire_all()
    chosen = db.session.get(Partnership, partnership.id).focal_themes
    assert {t.key for t in chosen} == {"labour_rights", "surveillance_smart_cities", None}
    custom = next(t for t in chosen if t.key is None)
    assert custom.name == "Persvrijheid" and custom.line == "residents"

    response = client.post(f"{base}/objectives/new", data={
        "what": "Arbeidsrechten agenderen bij elk officieel bezoek", "focal_theme_id": labour.id,
        "benchmark": "Reactie van de partner in elk verslag", "target_date": "2027-12-31",
        "evaluation_due": "2027-06-30",
    })
    assert response.status_code == 302
    objective = db.session.scalar(select(Objective))
    assert objective.focal_theme_id == labour.id and objective.evaluation_due == date(2027, 6, 30)

    show = client.get(base).get_data(as_text=True)
    assert "Arbeidsrechten agenderen bij elk officieel bezoek" in show and "Persvrijheid" in show


def test_an_objective_on_a_theme_the_partnership_did_not_choose_is_refused(client, en, login, make_partnership,
                                                                            make_user):
    partnership = make_partnership()
    set_focal_themes(make_user(Role.ADVISOR), partnership, [theme("labour_rights").id])
    commit()
    other = theme("lgbt_inclusion")
    login(Role.ADVISOR)

    response = client.post(f"/partnerships/{partnership.id}/objectives/new", data={
        "what": "LHBTI-inclusie bespreken", "focal_theme_id": other.id, "target_date": "2027-12-31",
    })
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "focal_theme_id")
    assert count(Objective) == 0

    with pytest.raises(RuleViolation, match="partnership's focal themes"):
        add_objective(make_user(Role.ADVISOR), partnership, what="LHBTI-inclusie bespreken",
                      focal_theme_id=other.id, benchmark="", target_date=date(2027, 12, 31), evaluation_due=None)


def test_an_objective_without_a_focal_theme_is_allowed(client, login, make_partnership):
    partnership = make_partnership()
    login(Role.ADVISOR)
    response = client.post(f"/partnerships/{partnership.id}/objectives/new", data={
        "what": "Jaarlijkse evaluatie met maatschappelijke organisaties", "focal_theme_id": 0,
        "target_date": "2027-12-31",
    })
    assert response.status_code == 302
    assert db.session.scalar(select(Objective)).focal_theme_id is None


def test_advice_against_needs_a_reason(client, en, login, make_partnership):
    partnership = make_partnership()
    login(Role.ADVISOR)
    url = f"/partnerships/{partnership.id}/advice"
    response = client.post(url, data={"version": partnership.version, "risk_level": "critical",
                                      "advised_against": "y", "advised_against_reason": "  "})
    assert response.status_code == 200
    assert "Give the reason" in field_error(response.get_data(as_text=True), "advised_against_reason")
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).advised_against is False

    response = client.post(url, data={"version": partnership.version, "risk_level": "critical",
                                      "advised_against": "y",
                                      "advised_against_reason": "Repressie maakt dialoog onmogelijk."})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Partnership, partnership.id)
    assert stored.advised_against and stored.risk_level == "critical"
    assert stored.advised_against_reason == "Repressie maakt dialoog onmogelijk."


def test_a_mission_of_an_advised_against_partnership_needs_an_approvers_override(
    client, en, auth, make_user, make_mission, make_item
):
    s = ready_mission(make_user, make_mission, make_item)
    advisor = s.advisor
    url = f"/missions/{s.mission.id}"

    auth.login(advisor)
    client.post(f"/partnerships/{s.mission.partnership_id}/advice", data={
        "version": s.mission.partnership.version, "risk_level": "critical", "advised_against": "y",
        "advised_against_reason": "Repressie maakt dialoog onmogelijk."})
    checklist = client.get(f"{url}/checklist").get_data(as_text=True)
    row = check_row(checklist, "groundwork")
    assert "vp-check--fail" in row
    assert "an override with a reason, because engagement with this partner is advised against" in row
    assert "Engagement with this partner is advised against." in checklist
    auth.logout()

    auth.login(s.protocol)
    assert client.get(f"{url}/override").status_code == 403
    assert client.post(f"{url}/override", data={"reason": "Ik wil toch."}).status_code == 403
    with pytest.raises(RuleViolation, match="Partnership groundwork"):
        submit_for_signoff(s.protocol, s.mission, date(2027, 3, 1))
    db.session.rollback()
    auth.logout()

    auth.login(s.approver)
    form = client.get(f"{url}/override").get_data(as_text=True)
    assert "Repressie maakt dialoog onmogelijk." in form
    assert client.post(f"{url}/override", data={"reason": ""}).status_code == 200  # a reason is required
    response = client.post(f"{url}/override", data={"reason": "Bezoek aan gedetineerde advocaat, met de ambassade."})
    assert response.status_code == 302

    checklist = client.get(f"{url}/checklist").get_data(as_text=True)
    row = check_row(checklist, "groundwork")
    assert "vp-check--pass" in row
    assert "override recorded: Bezoek aan gedetineerde advocaat, met de ambassade." in row
    assert f"Override by {s.approver.name}: Bezoek aan gedetineerde advocaat" in checklist
    db.session.expire_all()
    assert s.mission.override_by_id == s.approver.id and s.mission.override_at is not None


def test_no_override_is_recorded_when_the_partnership_is_not_advised_against(client, en, login, make_mission):
    mission = make_mission()
    login(Role.APPROVER)
    client.post(f"/missions/{mission.id}/override", data={"reason": "Voor de zekerheid."})
    db.session.expire_all()
    assert mission.override_reason is None


def test_the_approver_who_overrode_the_advice_cannot_also_sign_the_mission_off(
    ctx, make_user, make_mission, make_item, monkeypatch
):
    freeze_today(monkeypatch)
    s = ready_mission(make_user, make_mission, make_item)
    partnership = s.mission.partnership
    set_advice(s.advisor, partnership, expected_version=partnership.version, risk_level="critical",
               advised_against=True, advised_against_reason="Repressie maakt dialoog onmogelijk.")
    record_override(s.approver, s.mission, "Bezoek aan gedetineerde advocaat, met de ambassade.")
    submit_for_signoff(s.protocol, s.mission, TODAY)
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, TODAY)
    commit()

    with pytest.raises(RuleViolation, match="overrode the advice against engagement cannot sign it off"):
        sign_off(s.approver, s.mission, SignOffRole.APPROVER, TODAY)
    db.session.rollback()

    second = make_user(Role.APPROVER)
    sign_off(second, s.mission, SignOffRole.APPROVER, TODAY)
    commit()
    assert s.mission.status == "finalised"


@pytest.mark.parametrize("who, advised, reason, message", [
    ("protocol", True, "Toch gaan.", "Only an approver"),
    ("approver", False, "Toch gaan.", "not advised against"),
    ("approver", True, "   ", "Give the reason"),
])
def test_an_override_is_refused_without_an_approver_an_advice_or_a_reason(
    ctx, make_user, make_mission, who, advised, reason, message
):
    mission = make_mission()
    mission.partnership.advised_against = advised
    mission.partnership.advised_against_reason = "Repressie." if advised else ""
    commit()

    with pytest.raises(RuleViolation, match=message):
        record_override(make_user(Role.PROTOCOL if who == "protocol" else Role.APPROVER), mission, reason)
    db.session.rollback()
    assert mission.override_by_id is None


def test_the_advisor_marks_the_dossier_reviewed_and_it_leaves_the_dashboard(client, en, login, make_partnership,
                                                                            monkeypatch):
    from visitplanner.audit.models import AuditEntry
    from visitplanner.main.dashboard import build_dashboard

    freeze_today(monkeypatch)
    partnership = make_partnership(dossier_reviewed_on=date(2025, 6, 1))
    assert partnership in build_dashboard(TODAY).stale_dossiers
    login(Role.ADVISOR)
    page = client.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Mark the dossier as reviewed today" in page

    response = client.post(f"/partnerships/{partnership.id}/dossier/reviewed")

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partnerships/{partnership.id}#dossier")
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).dossier_reviewed_on == TODAY
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "dossier.review"))
    assert entry.changes == {"dossier_reviewed_on": ["2025-06-01", TODAY.isoformat()]}
    assert build_dashboard(TODAY).stale_dossiers == []
    assert "The research dossier is marked as reviewed today." in client.get(
        f"/partnerships/{partnership.id}").get_data(as_text=True)


def test_only_the_advisor_is_offered_the_review(client, en, login, make_partnership):
    partnership = make_partnership()
    login(Role.PROTOCOL)

    assert "Mark the dossier as reviewed today" not in client.get(f"/partnerships/{partnership.id}").get_data(
        as_text=True)
    assert client.post(f"/partnerships/{partnership.id}/dossier/reviewed").status_code == 403
