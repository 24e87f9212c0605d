"""Retention, access and erasure of civil-society personal data (issue 14, parts 2 and 4).

Retention: a set number of days after the participant's last mission the real name, contact details and notes go;
the alias and the facts of consent and safety stay. Access (Art. 15): everything kept, as a page and as JSON.
Erasure (Art. 17): everything goes, and the audit log keeps only the alias."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select
from support.readiness import assess, consult

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.crypto import encrypted_columns
from visitplanner.extensions import db
from visitplanner.participants.models import (
    ConsentRecord,
    ConsultationCover,
    Participant,
    SafetyAssessment,
    item_participants,
)
from visitplanner.participants.operations import create_participant, record_consent, update_participant
from visitplanner.participants.retention import retention_days, set_retention_days
from visitplanner.timeutil import today_utc

TODAY = today_utc()


@pytest.fixture(autouse=True)
def same_day(monkeypatch):
    """The application's today is the module's, also when the suite runs across midnight (UTC)."""
    from support.readiness import freeze_today

    freeze_today(monkeypatch, TODAY)


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


@pytest.fixture
def people(ctx, make_user, make_mission, make_item):
    """Li Wei met a delegation 400 days ago (due); Aynur meets one next spring (not due)."""
    advisor = make_user(Role.ADVISOR)
    old = make_mission(start=TODAY - timedelta(days=403), end=TODAY - timedelta(days=400), title="Oud bezoek")
    new = make_mission(title="Nieuw bezoek")
    old_item = make_item(old, (TODAY - timedelta(days=401)).isoformat() + "T10:00",
                         (TODAY - timedelta(days=401)).isoformat() + "T11:00", kind="ngo_visit", title="Gesprek")
    new_item = make_item(new, kind="citizen_meeting", title="Ontmoeting")
    li = create_participant(advisor, real_name="Li Wei", alias="Zwaluw-4471", kind="defender",
                            organisation="Arbeidersnetwerk Wuxi", residence="Wuxi, Jiangsu",
                            contact="Signal +86 139 1234 5678")
    aynur = create_participant(advisor, real_name="Aynur Tursun", alias="Linde-7305", kind="resident",
                               contact="aynur@example.org")
    old_item.participants.append(li)
    new_item.participants.append(aynur)
    db.session.flush()
    record_consent(advisor, li, old, scopes=["take_part", "named_internal"], method="intermediary",
                   information_version="v1", reconfirm_by=TODAY + timedelta(days=30), note="Via haar broer",
                   today=TODAY)
    assess(advisor, li, old_item, threats="Huiszoeking in 2025", mitigations="Geen foto's", venue="Theehuis")
    consult(advisor, old, [(li, old_item)])
    commit()
    return advisor, li, aynur, old_item


def test_the_dry_run_lists_who_is_due_and_changes_nothing(people, runner):
    advisor, li, aynur, _ = people
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would pseudonymise Zwaluw-4471" in result.output and "Linde-7305" not in result.output
    assert "1 participant due; retention period 365 days." in result.output
    db.session.expire_all()
    assert li.real_name == "Li Wei" and li.pseudonymised_at is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "participant.pseudonymise")) == 0


def test_the_run_removes_name_contact_and_notes_and_keeps_alias_facts_and_audit(people, runner, client, login):
    advisor, li, aynur, item = people
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "pseudonymised Zwaluw-4471" in result.output
    db.session.expire_all()
    assert (li.real_name, li.residence, li.contact, li.real_name_index) == ("", "", "", None)
    assert li.alias == "Zwaluw-4471" and li.pseudonymised_at is not None
    consent, assessment = li.consents[0], li.assessments[0]
    assert consent.note == "" and consent.take_part and consent.named_internal  # the facts stay
    assert (assessment.threats, assessment.mitigations, assessment.venue) == ("", "", "")
    assert assessment.risk_level == "high" and assessment.decision == "proceed_with_mitigations"
    for column in encrypted_columns():  # nothing kept encrypted about them is left, whatever columns come
        owner = {"participants": "id", "consent_records": "participant_id", "safety_assessments": "participant_id"}
        if column.table.name in owner:
            left = db.session.scalars(select(column).where(column.table.c[owner[column.table.name]] == li.id))
            assert all(value in ("", None) for value in left), column
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.pseudonymise")).one()
    assert entry.actor_id is None and entry.label == "Zwaluw-4471"
    assert "Li Wei" not in json.dumps(entry.changes)
    assert aynur.real_name == "Aynur Tursun"  # not due yet

    login(Role.ADVISOR)
    page = text_of(client.get(f"/participants/{li.id}"))
    assert "Zwaluw-4471" in page and "were removed on" in page and "Li Wei" not in page
    programme = text_of(client.get(f"/missions/{item.mission_id}/programme?audience=internal"))
    assert "Zwaluw-4471" in programme  # named by alias where the name was

    again = runner.invoke(args=["retention"])
    assert "0 participants pseudonymised" in again.output  # done once


def test_the_advisor_keeps_a_participant_longer_with_a_reason(people, runner, client, login):
    advisor, li, aynur, _ = people
    login(Role.ADVISOR)
    refused = client.post(f"/participants/{li.id}/renew", data={"reason": " "})
    assert refused.status_code == 302 and db.session.get(Participant, li.id).keep_until is None
    kept = client.post(f"/participants/{li.id}/renew", data={"reason": "Vraagt contact te houden voor 2027"})
    assert kept.status_code == 302
    db.session.expire_all()
    assert li.keep_until == TODAY + timedelta(days=365) and li.keep_reason == "Vraagt contact te houden voor 2027"
    result = runner.invoke(args=["retention"])
    assert "Zwaluw-4471" not in result.output
    db.session.expire_all()
    assert li.real_name == "Li Wei"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.retention_renew")).one()
    assert "contact" not in json.dumps(entry.changes)  # the reason is kept encrypted, not in the log


def test_only_the_advisor_renews(people, client, login):
    advisor, li, *_ = people
    login(Role.PROTOCOL)
    assert client.post(f"/participants/{li.id}/renew", data={"reason": "x"}).status_code == 403


def test_the_administrator_sets_the_period_and_bad_values_are_refused(people, app, client, login):
    advisor, li, aynur, _ = people
    login(Role.ADMIN)
    page = client.get("/admin/settings")
    assert 'value="365"' in page.get_data(as_text=True)
    for bad in ("7", "99999999999999", "abc", ""):
        response = client.post("/admin/settings", data={"retention_days": bad})
        assert response.status_code == 200 and retention_days() == 365, bad
    assert client.post("/admin/settings", data={"retention_days": "30"}).status_code == 302
    assert retention_days() == 30
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.label == "retention_days")).one()
    assert entry.changes == {"retention_days": [365, 30]}


def test_the_dashboard_lists_who_is_due_within_30_days(people, client, login):
    advisor, li, aynur, _ = people
    set_retention_days(advisor, 3650)
    commit()
    login(Role.ADVISOR)
    assert "Personal data to be removed within 30 days" not in text_of(client.get("/"))
    set_retention_days(advisor, 420)  # Li Wei's mission ended 400 days ago: due in 20 days
    commit()
    page = text_of(client.get("/"))
    assert "Personal data to be removed within 30 days" in page and "Zwaluw-4471" in page
    assert "Linde-7305" not in page.split("Personal data to be removed within 30 days")[1].split("<h3")[0]


# ---- access (Art. 15) --------------------------------------------------------------------------------------


def test_access_shows_everything_kept_as_a_page_and_as_json_and_is_logged(people, client, login):
    advisor, li, aynur, item = people
    login(Role.ADVISOR)
    asked = client.get(f"/participants/{li.id}/data")
    assert asked.status_code == 200 and "Li Wei" not in asked.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "participant.access_export")) == 0

    page = text_of(client.post(f"/participants/{li.id}/data", data={"format": "html"}))
    for kept in ("Li Wei", "Signal +86 139 1234 5678", "Wuxi, Jiangsu", "Arbeidersnetwerk Wuxi", "Via haar broer",
                 "Huiszoeking in 2025", "Theehuis", "Ja, zonder namen in agenda's.", "Gesprek", "Oud bezoek",
                 "participant.create"):
        assert kept in page, kept
    response = client.post(f"/participants/{li.id}/data", data={"format": "json"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    stored = response.get_json()
    assert stored["participant"]["real_name"] == "Li Wei" and stored["participant"]["contact"].startswith("Signal")
    assert stored["consent"][0]["note"] == "Via haar broer" and stored["safety_assessments"][0]["venue"] == "Theehuis"
    assert stored["consultations"][0]["answer"] == "Ja, zonder namen in agenda's."
    assert stored["programme"][0]["item"] == "Gesprek"
    assert {e["action"] for e in stored["audit"]} >= {"participant.create", "consent.give", "safety.assess"}
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "participant.access_export")) == 2


@pytest.mark.parametrize("alias", ['Mus-1"; filename*=UTF-8\'\'notes.html; x="', "麻雀-2"])
def test_the_download_name_of_an_access_export_is_built_by_werkzeug_whatever_the_alias(ctx, make_user, client,
                                                                                       login, alias):
    """Issue 21, part 7: an alias with quotes cannot add parameters to the header (a file name of its own), and one
    outside Latin-1 still downloads."""
    from werkzeug.http import parse_options_header

    person = create_participant(make_user(Role.ADVISOR), real_name="Wang Lei", alias=alias, kind="defender")
    commit()
    login(Role.ADVISOR)

    response = client.post(f"/participants/{person.id}/data", data={"format": "json"})

    assert response.status_code == 200 and response.get_json()["participant"]["alias"] == alias
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert list(options) == ["filename"] and options["filename"] == f"{alias}-data.json"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.APPROVER, Role.DELEGATE])
def test_access_and_erasure_are_for_the_advisor_and_the_administrator_only(people, client, login, role):
    advisor, li, *_ = people
    login(role)
    assert client.post(f"/participants/{li.id}/data", data={"format": "json"}).status_code == 403
    assert client.post(f"/participants/{li.id}/erase", data={"alias": li.alias}).status_code == 403
    db.session.expire_all()
    assert li.real_name == "Li Wei"


# ---- erasure (Art. 17) -------------------------------------------------------------------------------------


def test_erasure_removes_the_person_from_every_record_and_leaves_only_the_alias(people, client, login):
    advisor, li, aynur, item = people
    update_participant(advisor, li, expected_version=li.version, real_name="Li Wei", alias=li.alias,
                       organisation="Arbeidersnetwerk Jiangsu", kind="defender", residence="Wuxi", at_risk=True)
    commit()
    login(Role.ADMIN)
    wrong = client.post(f"/participants/{li.id}/erase", data={"alias": "Zwaluw"})
    assert wrong.status_code == 200 and "Type the alias exactly" in text_of(wrong)
    db.session.expire_all()
    assert li.real_name == "Li Wei" and li.erased_at is None

    done = client.post(f"/participants/{li.id}/erase", data={"alias": "Zwaluw-4471"})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.get(Participant, li.id)
    assert (person.real_name, person.organisation, person.residence, person.contact) == ("", "", "", "")
    assert person.alias == "Zwaluw-4471" and person.erased_at is not None
    for model in (ConsentRecord, SafetyAssessment):
        assert db.session.scalar(select(func.count()).where(model.participant_id == li.id)) == 0
    assert db.session.scalar(select(func.count()).where(ConsultationCover.participant_id == li.id)) == 0
    assert db.session.scalar(select(func.count()).where(item_participants.c.participant_id == li.id)) == 0
    facts = json.dumps([(e.label, e.changes) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Participant", AuditEntry.object_id == li.id))])
    assert "Zwaluw-4471" in facts
    for gone in ("Li Wei", "Arbeidersnetwerk", "Wuxi", "Via haar broer", "Huiszoeking"):
        assert gone not in facts, gone
    assert db.session.get(Participant, aynur.id).real_name == "Aynur Tursun"
    assert "only the alias is left" in text_of(client.get(f"/participants/{li.id}"))
    assert client.post(f"/participants/{li.id}/erase", data={"alias": "Zwaluw-4471"}).status_code == 200  # once


def test_a_participant_due_today_is_due_whatever_the_clock_says(people):
    """The day a participant falls due is counted from the last mission's end, not from when they were recorded."""
    advisor, li, aynur, _ = people
    from visitplanner.participants.retention import due_by

    due = {d.participant.alias: d for d in due_by(TODAY)}
    assert due["Zwaluw-4471"].due_on == TODAY - timedelta(days=35) and "Linde-7305" not in due
    assert due["Zwaluw-4471"].last_mission_end == TODAY - timedelta(days=400)
    assert date.today() >= due["Zwaluw-4471"].due_on
