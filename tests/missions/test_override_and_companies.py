"""The override rule for partnerships advised against, company records, and quiet versus public diplomacy (issue 5)."""

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
from visitplanner.missions.models import Mission
from visitplanner.missions.operations import create_mission
from visitplanner.partnerships.models import FocalTheme
from visitplanner.partnerships.operations import (
    add_dossier_entry,
    add_objective,
    set_focal_themes,
)
from visitplanner.readiness.checks import (
    Context,
    Status,
    check_groundwork,
)

XINJIANG = "Onderzoek toont repressie zo groot dat geen mensenrechtendialoog mogelijk is."


# ---- helpers ------------------------------------------------------------------------------------------


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown at a form field (the macro in ``_forms.html``), or None."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{re.escape(field_id)}-error">(.*?)</div>',
                      html, re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else None


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def mission_data(partnership_id: int, **overrides) -> dict:
    data = {"partnership_id": partnership_id, "direction": "outbound", "title": "Werkbezoek Urumqi", "purpose": "",
            "start_date": date(2027, 4, 12), "end_date": date(2027, 4, 15), "timezone": "Asia/Shanghai"}
    data.update(overrides)
    return data


def form_data(partnership_id: int, **overrides) -> dict:
    data = {**mission_data(partnership_id), "start_date": "2027-04-12", "end_date": "2027-04-15"}
    data.update(overrides)
    return data


def mission_count() -> int:
    return db.session.scalar(select(func.count(Mission.id)))


@pytest.fixture
def advised_against(ctx, make_partnership):
    return make_partnership(partner_region="Urumqi", risk_level="critical", advised_against=True,
                            advised_against_reason=XINJIANG)


# ---- the override rule: operations ---------------------------------------------------------------------


def test_advised_against_a_protocol_officer_cannot_create_a_mission_even_with_a_reason(ctx, english, make_user,
                                                                                       advised_against):
    with pytest.raises(RuleViolation) as refused:
        create_mission(make_user(Role.PROTOCOL), override_reason="Toch gaan", **mission_data(advised_against.id))

    assert refused.value.field == "override_reason"
    assert "only an approver can create a mission" in refused.value.message
    db.session.rollback()
    assert mission_count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_advised_against_an_approver_without_a_reason_is_refused(ctx, english, make_user, advised_against, reason):
    with pytest.raises(RuleViolation) as refused:
        create_mission(make_user(Role.APPROVER), override_reason=reason, **mission_data(advised_against.id))

    assert (refused.value.field, refused.value.message) == ("override_reason", "Give the reason for the override.")
    db.session.rollback()
    assert mission_count() == 0


def test_advised_against_an_approver_with_a_reason_creates_the_mission_with_the_override(ctx, make_user,
                                                                                         advised_against):
    approver = make_user(Role.APPROVER, name="Joost Approver")

    mission = create_mission(approver, override_reason="  Bezoek aan gedetineerde verdediger  ",
                             **mission_data(advised_against.id))
    commit()

    assert mission.status == "draft"
    assert mission.override_reason == "Bezoek aan gedetineerde verdediger"
    assert mission.override_by_id == approver.id and mission.override_at is not None
    assert mission.created_by_id == approver.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mission.create"))
    assert entry.changes["override_reason"] == [None, "Bezoek aan gedetineerde verdediger"]


def test_not_advised_against_a_protocol_officer_creates_and_an_approver_is_refused(ctx, english, make_user,
                                                                                   make_partnership):
    partnership = make_partnership()

    mission = create_mission(make_user(Role.PROTOCOL), **mission_data(partnership.id))
    commit()
    assert mission.override_reason is None and mission.override_by_id is None and mission.override_at is None

    for reason in ("", "Ik wil ook"):
        with pytest.raises(RuleViolation) as refused:
            create_mission(make_user(Role.APPROVER), override_reason=reason, **mission_data(partnership.id))
        assert refused.value.message == "Only a protocol officer creates missions."
        db.session.rollback()
    assert mission_count() == 1


def test_the_groundwork_check_fails_without_and_names_the_override_with_it(ctx, english, make_user, make_mission,
                                                                           advised_against):
    without = make_mission(partnership=advised_against)  # e.g. created before the advice was given
    with_override = create_mission(make_user(Role.APPROVER), override_reason="Bezoek aan gedetineerde verdediger",
                                   **mission_data(advised_against.id))
    commit()
    advisor = make_user(Role.ADVISOR)
    add_dossier_entry(advisor, advised_against, topic="region", entry_date=date(2026, 9, 15),
                      summary="Massale detentie.", sources="Amnesty International, Like We Were Enemies in a War, 2021")
    theme = db.session.scalar(select(FocalTheme).where(FocalTheme.key == "uyghur_forced_labour"))
    set_focal_themes(advisor, advised_against, [theme.id])
    add_objective(advisor, advised_against, what="Dwangarbeid uitsluiten", focal_theme_id=theme.id, benchmark="",
                  target_date=date(2027, 12, 31), evaluation_due=None)
    commit()
    ctx_ = Context(today=date(2027, 3, 1))

    refused = check_groundwork(without, ctx_)
    assert refused.status == Status.FAIL
    assert "an override with a reason, because engagement with this partner is advised against" in refused.reason
    passed = check_groundwork(with_override, ctx_)
    assert passed.status == Status.PASS
    assert "Advised against; override recorded: Bezoek aan gedetineerde verdediger" in passed.reason


# ---- the override rule: the page -----------------------------------------------------------------------


def test_the_form_asks_the_approver_for_the_reason_and_keeps_the_input(ctx, en, login, advised_against):
    login(Role.APPROVER)
    url = f"/partnerships/{advised_against.id}/missions/new"

    form = en.get(url)
    assert form.status_code == 200
    assert 'name="override_reason"' in text(form)
    assert XINJIANG in text(form)

    response = en.post(url, data=form_data(advised_against.id, override_reason=""))

    assert response.status_code == 200
    html = text(response)
    assert field_error(html, "override_reason") == "Give the reason for the override."
    assert 'value="Werkbezoek Urumqi"' in html, "the input is kept"
    assert mission_count() == 0


def test_the_form_refuses_a_protocol_officer_at_the_override_field(ctx, en, login, advised_against):
    login(Role.PROTOCOL)

    response = en.post(f"/partnerships/{advised_against.id}/missions/new",
                       data=form_data(advised_against.id, override_reason="Toch gaan"))

    assert response.status_code == 200
    assert "only an approver can create a mission" in field_error(text(response), "override_reason")
    assert mission_count() == 0


def test_an_approvers_override_shows_on_the_mission_and_its_checklist(ctx, en, login, advised_against):
    login(Role.APPROVER, name="Joost Approver")

    response = en.post(f"/partnerships/{advised_against.id}/missions/new",
                       data=form_data(advised_against.id, override_reason="Bezoek aan gedetineerde verdediger"))

    assert response.status_code == 302
    mission = db.session.scalar(select(Mission))
    assert response.headers["Location"].endswith(f"/missions/{mission.id}")
    page = text(en.get(f"/missions/{mission.id}"))
    assert "Engagement with this partner is advised against." in page
    assert "Override by Joost Approver: Bezoek aan gedetineerde verdediger" in page
    checklist = en.get(f"/missions/{mission.id}/checklist")
    assert checklist.status_code == 200
    assert "Override by Joost Approver: Bezoek aan gedetineerde verdediger" in text(checklist)


def test_the_page_lets_a_protocol_officer_create_a_mission_when_not_advised_against(ctx, en, login, make_partnership):
    partnership = make_partnership()
    login(Role.PROTOCOL)
    url = f"/partnerships/{partnership.id}/missions/new"

    assert 'name="override_reason"' not in text(en.get(url)), "no override to give"
    response = en.post(url, data=form_data(partnership.id))

    assert response.status_code == 302
    assert mission_count() == 1


def test_the_page_refuses_an_approver_when_not_advised_against(ctx, en, login, make_partnership):
    partnership = make_partnership()
    login(Role.APPROVER)

    response = en.post(f"/partnerships/{partnership.id}/missions/new", data=form_data(partnership.id))

    assert response.status_code == 200
    assert "Only a protocol officer creates missions." in text(response)
    assert mission_count() == 0


# Company records and the outbound check's reading of their briefings moved to the company register (issue 24,
# part 3): tests/companies/test_company_register.py.


# ---- quiet and public diplomacy -------------------------------------------------------------------------


def test_the_mission_page_warns_when_rights_are_raised_only_behind_closed_doors(
    ctx, en, login, make_mission, make_item
):
    mission = make_mission()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="official_meeting", title="Ontvangst")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="ngo_visit", title="Gesprek")
    make_item(mission, "2027-04-13T13:00", "2027-04-13T14:00", kind="meal", title="Lunch")
    speech = make_item(mission, "2027-04-13T15:00", "2027-04-13T15:30", kind="public_moment", title="Toespraak")
    speech.removed_at = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a removed public moment does not count
    commit()
    login(Role.PROTOCOL)

    page = text(en.get(f"/missions/{mission.id}"))

    assert "0 public moments (speeches, press) and 2 meetings behind closed doors." in page
    assert "Human rights are raised only behind closed doors in this programme." in page


def test_the_mission_page_shows_the_balance_without_warning_when_there_is_a_public_moment(ctx, en, login, make_mission,
                                                                                          make_item):
    mission = make_mission()
    make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", kind="official_meeting", title="Ontvangst")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="business_session", title="OESO-sessie")
    make_item(mission, "2027-04-13T15:00", "2027-04-13T15:30", kind="public_moment", title="Toespraak")
    login(Role.ADVISOR)

    page = text(en.get(f"/missions/{mission.id}"))

    assert "1 public moment (speeches, press) and 2 meetings behind closed doors." in page
    assert "only behind closed doors" not in page


def test_an_empty_programme_gets_no_closed_doors_warning(ctx, en, login, make_mission):
    mission = make_mission()
    login(Role.PROTOCOL)

    page = text(en.get(f"/missions/{mission.id}"))

    assert "0 public moments (speeches, press) and 0 meetings behind closed doors." in page
    assert "only behind closed doors" not in page


def test_the_balance_counts_live_items_by_kind(ctx, make_mission, make_item):
    mission = make_mission()
    for kind in ("official_meeting", "ngo_visit", "citizen_meeting", "business_session", "company_briefing",
                 "company_visit", "public_moment", "public_moment", "cultural", "transport", "meal"):
        make_item(mission, kind=kind, title=kind, parallel=True)

    assert mission.diplomacy_balance == (2, 4)
