"""Civil-society participants: aliases, append-only consent that is withdrawn as easily as given, safety
assessments, and who may see a real name — in every page and in the checklist."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select
from support.readiness import (
    ALIAS,
    REAL_NAME,
    add_participant,
    finalise,
    freeze_today,
    give_consent,
    join,
    ready_mission,
)

from visitplanner.commit import commit
from visitplanner.messages import shown
from visitplanner.auth.models import Role
from visitplanner.extensions import db
from visitplanner.participants.models import (
    ConsentRecord,
    Participant,
    SafetyAssessment,
    Scope,
)

NAMING = (Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION, Scope.NAMED_PARTNER)
AUDIENCES = ("internal", "delegation", "partner", "public")


@pytest.fixture(autouse=True)
def _frozen(ctx, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def scenario(make_user, make_mission, make_item):
    def build(direction="outbound", **kwargs):
        return ready_mission(make_user, make_mission, make_item, direction, **kwargs)
    return build


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.DOTALL)
    assert match, f"no error at {field}"
    return match.group(1)


# ---- recording a participant ----------------------------------------------------------------------------


def test_recording_a_participant_without_an_alias_generates_a_code_name(client, en, login):
    login(Role.ADVISOR)
    response = client.post("/participants/new", data={
        "real_name": "Aynur Tursun", "alias": "", "organisation": "Oeigoerse gemeenschap", "kind": "resident",
        "residence": "Voorbeeldstad", "at_risk": "y",
    })
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    assert re.fullmatch(r"[A-Z][a-z]+-\d{4}", participant.alias), participant.alias
    assert "Tursun" not in participant.alias and "Aynur" not in participant.alias
    assert response.headers["Location"].endswith(f"/participants/{participant.id}")
    assert participant.at_risk and participant.kind == "resident"


def test_an_alias_in_use_is_refused_at_its_field(client, en, login, make_user):
    add_participant(make_user(Role.ADVISOR), alias="Valk-1187")
    commit()
    login(Role.ADVISOR)
    html = page(client, "/participants/new")
    response = client.post("/participants/new", data={"real_name": "Pieter de Wit", "alias": "Valk-1187",
                                                       "kind": "academic"})
    assert response.status_code == 200 and html
    assert "already in use" in field_error(response.get_data(as_text=True), "alias")
    assert count(Participant) == 1


# ---- consent: append-only, every box unticked, withdrawal as easy as giving ---------------------------------


def test_every_scope_box_on_the_consent_form_starts_unticked(scenario, client, en, login):
    s = scenario()
    login(Role.ADVISOR)
    html = page(client, f"/participants/{s.participant.id}/missions/{s.mission.id}/consent")
    for scope in Scope:
        tag = re.search(rf'<input[^>]*name="{scope.value}"[^>]*>', html)
        assert tag, scope
        assert 'type="checkbox"' in tag.group(0) and "checked" not in tag.group(0), tag.group(0)


def test_consent_records_are_only_ever_added(scenario, client, en, login):
    s = scenario()
    first = db.session.scalar(select(ConsentRecord))
    first_values = {c.name: getattr(first, c.name) for c in ConsentRecord.__table__.columns}
    login(Role.ADVISOR)
    url = f"/participants/{s.participant.id}/missions/{s.mission.id}"

    response = client.post(f"{url}/consent", data={
        "take_part": "y", "named_internal": "y", "named_delegation": "y", "method": "in_person",
        "information_version": "Informatieblad v4", "reconfirm_by": "2027-05-31",
    })
    assert response.status_code == 302
    response = client.post(f"{url}/withdraw", data={"method": "phone", "note": "Belde zelf af."})
    assert response.status_code == 302

    db.session.expire_all()
    records = list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    assert [r.kind for r in records] == ["given", "given", "withdrawn"]
    assert records[1].scopes == {Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION}
    assert records[2].scopes == frozenset() and records[2].method == "phone"
    assert {c.name: getattr(records[0], c.name) for c in ConsentRecord.__table__.columns} == first_values


def test_the_consent_form_warns_without_refusing_when_the_consent_ends_before_the_meeting(scenario, client, en, login):
    """Issue 21, part 3: what the person agreed to is recorded as they said it; the advisor learns at once that it
    will not hold at the meeting (14 April, in Wuxi), and the form says the day before anything is typed."""
    s = scenario()
    login(Role.ADVISOR)
    url = f"/participants/{s.participant.id}/missions/{s.mission.id}/consent"
    assert "The last meeting in this mission is on 14 Apr 2027" in unescape(page(client, url))
    data = {"take_part": "y", "named_internal": "y", "method": "in_person", "information_version": "Informatieblad v4"}

    response = client.post(url, data={**data, "reconfirm_by": "2027-04-01"}, follow_redirects=True)

    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Consent recorded." in html
    assert (f"The consent of {ALIAS} ends on 1 Apr 2027, before the meeting on 14 Apr 2027: the consent check fails "
            "until it is reconfirmed until that day.") in html
    assert "This consent ends before the meeting on 14 Apr 2027" in html  # on the participant's page, too
    db.session.expire_all()
    latest = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
    assert latest.reconfirm_by == date(2027, 4, 1) and latest.information_version == "Informatieblad v4"

    on_the_day = unescape(client.post(url, data={**data, "reconfirm_by": "2027-04-14"}, follow_redirects=True)
                          .get_data(as_text=True))
    assert "Consent recorded." in on_the_day and "before the meeting" not in on_the_day


def test_no_route_edits_or_deletes_a_consent_record(app):
    rules = list(app.url_map.iter_rules())
    consent_routes = {r.endpoint for r in rules if "consent" in r.rule or "withdraw" in r.rule}
    assert consent_routes == {"participants.consent", "participants.withdraw"}
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS", "POST"}, rule
        assert "delete" not in rule.endpoint, rule


def test_withdrawal_is_one_post_and_takes_effect_at_once_everywhere(scenario, client, en, login):
    s = scenario(scopes=NAMING)
    finalise(s)
    login(Role.ADVISOR)
    programme = f"/missions/{s.mission.id}/programme?audience=internal"
    assert REAL_NAME in page(client, programme)

    response = client.post(f"/participants/{s.participant.id}/missions/{s.mission.id}/withdraw",
                           data={"method": "secure_messenger"})
    assert response.status_code == 302

    html = page(client, programme)
    assert REAL_NAME not in html and ALIAS in html
    assert REAL_NAME not in page(client, f"/missions/{s.mission.id}/programme?audience=delegation")
    mission_page = page(client, f"/missions/{s.mission.id}")
    assert "This mission needs attention: its sign-off was voided." in mission_page
    assert f"{ALIAS} withdrew consent." in mission_page


def test_the_consent_history_is_on_the_participant_page(scenario, client, en, login):
    s = scenario()
    login(Role.ADVISOR)
    client.post(f"/participants/{s.participant.id}/missions/{s.mission.id}/withdraw", data={"method": "phone"})
    html = page(client, f"/participants/{s.participant.id}")
    history = re.search(r"Consent history, newest first.*?</table>", html, re.DOTALL).group(0)
    rows = re.findall(r'<tr class="utrecht-table__row">\s*<td', history)
    assert len(rows) == 2
    assert history.index("Withdrawn") < history.index("Informatieblad v3")
    assert "Take part, Be named in internal documents" in history
    assert "Consent withdrawn." in html


# ---- who sees a real name ---------------------------------------------------------------------------------


@pytest.fixture
def named(scenario, make_item):
    """A participant who agreed to be named everywhere, in an item every audience sees, and in a second item
    that has no safety assessment yet (so that the checklist speaks of them)."""
    s = scenario(scopes=NAMING)
    s.hr_item.visibility = "public"
    second = make_item(s.mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="citizen_meeting",
                       title="Tweede gesprek", visibility="partner")
    join(s.participant, second)
    commit()
    return s


def staff_pages(s) -> list[str]:
    m = s.mission.id
    return [
        "/participants/", f"/participants/{s.participant.id}", f"/missions/{m}", f"/missions/{m}/checklist",
        f"/missions/{m}/history", *(f"/missions/{m}/programme?audience={a}" for a in AUDIENCES),
        *(f"/missions/{m}/programme/print?audience={a}" for a in AUDIENCES),
    ]


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.APPROVER, Role.ADMIN])
def test_the_roles_that_need_it_see_the_real_name(named, client, en, login, role):
    s = named
    login(role)
    assert REAL_NAME in page(client, "/participants/")
    assert REAL_NAME in page(client, f"/participants/{s.participant.id}")
    assert REAL_NAME in page(client, f"/missions/{s.mission.id}/programme?audience=internal")
    # The checklist names participants by alias only, whoever reads it.
    checklist = page(client, f"/missions/{s.mission.id}/checklist")
    assert f"{ALIAS} at “Tweede gesprek”: no safety assessment" in checklist
    assert REAL_NAME not in checklist


def test_the_protocol_officer_never_sees_the_real_name(named, client, en, login):
    s = named
    login(Role.PROTOCOL)
    urls = staff_pages(s) + [f"/items/{s.hr_item.id}/edit", f"/missions/{s.mission.id}/items/new"]
    for url in urls:
        assert REAL_NAME not in page(client, url), url
    assert ALIAS in page(client, "/participants/")
    assert ALIAS in page(client, f"/missions/{s.mission.id}/programme?audience=internal")
    assert ALIAS in page(client, f"/missions/{s.mission.id}/history")
    assert f"{ALIAS} at “Tweede gesprek”: no safety assessment" in page(client, f"/missions/{s.mission.id}/checklist")
    page(client, f"/participants/{s.participant.id}/edit", 403)


def test_a_delegate_never_sees_the_real_name_and_may_not_open_participant_pages(named, client, en, login, make_member):
    s = named
    delegate = login(Role.DELEGATE)
    make_member(s.mission, delegate)
    m, p = s.mission.id, s.participant.id
    for audience in AUDIENCES:  # "internal" is not theirs: they get the delegation's programme
        for url in (f"/missions/{m}/programme?audience={audience}", f"/missions/{m}/programme/print?audience={audience}"):
            assert REAL_NAME not in page(client, url), url
    assert ALIAS in page(client, f"/missions/{m}/programme?audience=delegation")
    assert REAL_NAME not in page(client, f"/missions/{m}")
    for url in ("/participants/", "/participants/new", f"/participants/{p}", f"/participants/{p}/edit",
                f"/participants/{p}/missions/{m}/consent", f"/participants/{p}/missions/{m}/withdraw",
                f"/participants/{p}/items/{s.hr_item.id}/assess", f"/missions/{m}/checklist",
                f"/missions/{m}/history"):
        assert REAL_NAME not in page(client, url, 403), url
    assert client.post(f"/participants/{p}/missions/{m}/withdraw", data={"method": "phone"}).status_code == 403


def test_the_real_name_never_enters_the_audit_log(named, client, en, login):
    login(Role.ADMIN)
    html = page(client, "/admin/audit")
    assert ALIAS in html and REAL_NAME not in html


def test_without_consent_to_internal_naming_even_the_advisor_sees_the_alias_on_the_programme(
    scenario, client, en, login
):
    s = scenario(scopes=[Scope.TAKE_PART])
    login(Role.ADVISOR)
    html = page(client, f"/missions/{s.mission.id}/programme?audience=internal")
    assert ALIAS in html and REAL_NAME not in html
    assert REAL_NAME in page(client, f"/participants/{s.participant.id}")  # their own page is not the programme


def test_the_partner_never_learns_of_a_participant_without_consent_to_name_them_to_the_partner(
    scenario, client, en, login, make_user
):
    s = scenario(scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION])
    s.hr_item.visibility = "partner"
    s.hr_item.title = "Gesprek met het netwerk"
    other = add_participant(s.advisor, real_name="Pieter de Wit", alias="Valk-1187", at_risk=False)
    join(other, s.hr_item)
    give_consent(s.advisor, other, s.mission, [Scope.TAKE_PART, Scope.NAMED_PARTNER])
    commit()
    login(Role.ADVISOR)
    for url in (f"/missions/{s.mission.id}/programme?audience=partner",
                f"/missions/{s.mission.id}/programme/print?audience=partner"):
        html = page(client, url)
        assert "Gesprek met het netwerk" in html
        assert REAL_NAME not in html and ALIAS not in html, url
        assert "Pieter de Wit" in html  # consent covers naming this one to the partner
    delegation = page(client, f"/missions/{s.mission.id}/programme?audience=delegation")
    assert REAL_NAME in delegation and "Valk-1187" in delegation  # named to the delegation / alias only


# ---- safety assessment form ---------------------------------------------------------------------------------

ASSESSMENT = {
    "risk_level": "high", "meeting_visibility": "confidential", "decision": "proceed_with_mitigations",
    "assessed_on": "2027-02-25", "valid_until": "2027-06-30", "person_consulted": "y",
}


@pytest.mark.parametrize("changes, field, message", [
    ({"valid_until": "2027-02-24"}, "valid_until", "cannot be before the assessment date"),
    ({"decision": "maybe"}, "decision", "Not a valid choice"),
])
def test_an_invalid_safety_assessment_is_refused_at_its_field_and_nothing_is_saved(
    scenario, client, en, login, changes, field, message
):
    s = scenario()
    before = count(SafetyAssessment)
    login(Role.ADVISOR)
    url = f"/participants/{s.participant.id}/items/{s.hr_item.id}/assess"
    response = client.post(url, data={**ASSESSMENT, **changes})
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert count(SafetyAssessment) == before

    assert client.post(url, data=ASSESSMENT).status_code == 302
    assert count(SafetyAssessment) == before + 1


def test_the_advisor_records_a_consultation_covering_participants_at_items_and_the_office_reads_it(
    scenario, client, en, login, make_user
):
    from visitplanner.audit.models import AuditEntry
    from visitplanner.participants.models import Consultation

    s = scenario()
    login(Role.ADVISOR)
    form_page = unescape(client.get(f"/participants/missions/{s.mission.id}/consultations/new").get_data(as_text=True))
    assert f"{ALIAS} — “{s.hr_item.title}”" in form_page and REAL_NAME not in form_page
    data = {"channel": "embassy", "consulted": "Ambassade Beijing, politieke afdeling",
            "question": "Is de ontmoeting veilig?", "answer": "Ja, buiten het programma van de partner.",
            "consulted_on": "2027-02-25", "valid_until": "2027-06-30", "covers": [f"{s.participant.id}:{s.hr_item.id}"]}
    refused = client.post(f"/participants/missions/{s.mission.id}/consultations/new", data={**data, "covers": []})
    assert refused.status_code == 200
    assert "Choose the participants and items the consultation was about." in field_error(
        refused.get_data(as_text=True), "covers")
    forged = client.post(f"/participants/missions/{s.mission.id}/consultations/new", data={**data, "covers": ["99999:1"]})
    assert forged.status_code == 200
    assert client.post(f"/participants/missions/{s.mission.id}/consultations/new", data=data).status_code == 302
    latest = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    assert latest.consulted == "Ambassade Beijing, politieke afdeling"
    assert [(c.participant_id, c.item_id) for c in latest.covers] == [(s.participant.id, s.hr_item.id)]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.record")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.changes["covers"][1] == [f"{ALIAS} @ {s.hr_item.title}"]
    assert "Is de ontmoeting veilig?" not in str(entry.changes)

    client.post("/logout")
    login(Role.APPROVER)
    listing = page(client, f"/participants/missions/{s.mission.id}/consultations")
    assert "Ambassade Beijing, politieke afdeling" in listing and "Ja, buiten het programma" in listing
    assert client.get(f"/participants/missions/{s.mission.id}/consultations/new").status_code == 403


def test_a_changed_safety_decision_on_the_page_voids_the_sign_off(scenario, client, login):
    s = scenario()
    finalise(s)
    login(Role.ADVISOR)
    client.post(f"/participants/{s.participant.id}/items/{s.hr_item.id}/assess",
                data={**ASSESSMENT, "decision": "do_not_proceed"})
    db.session.expire_all()
    assert s.mission.status == "draft" and ALIAS in shown(s.mission.attention_reason)
    assert date(2027, 2, 25) == db.session.scalar(
        select(SafetyAssessment.assessed_on).order_by(SafetyAssessment.id.desc()).limit(1))


def test_one_assessment_form_covers_several_items_of_the_same_mission(scenario, client, en, login, make_item,
                                                                      make_mission):
    from visitplanner.audit.models import AuditEntry

    s = scenario()
    second = make_item(s.mission, "2027-04-14T09:00", "2027-04-14T10:00", kind="citizen_meeting", title="Tweede")
    third = make_item(s.mission, "2027-04-15T09:00", "2027-04-15T10:00", kind="ngo_visit", title="Derde")
    elsewhere = make_item(make_mission(), kind="ngo_visit", title="In een andere missie")
    for item in (second, third, elsewhere):
        join(s.participant, item)
    commit()
    login(Role.ADVISOR)
    url = f"/participants/{s.participant.id}/items/{s.hr_item.id}/assess"
    before = count(SafetyAssessment)
    form = unescape(page(client, url))
    assert "The same assessment also for" in form
    assert "“Tweede”" in form and "“Derde”" in form
    assert "In een andere missie" not in form and "“Ontmoeting met het meldpunt”" not in form.split("also for")[1]

    refused = client.post(url, data={**ASSESSMENT, "also_for": [str(second.id), str(elsewhere.id)]})
    assert refused.status_code == 200 and "is not a valid choice" in field_error(refused.get_data(as_text=True),
                                                                            "also_for")
    assert count(SafetyAssessment) == before, "nothing recorded when one of the items is refused"

    before_audit = count(AuditEntry)
    done = client.post(url, data={**ASSESSMENT, "also_for": [str(second.id), str(third.id)]}, follow_redirects=True)
    assert "Safety assessment recorded for 3 items." in done.get_data(as_text=True)
    recorded = db.session.scalars(select(SafetyAssessment).order_by(SafetyAssessment.id.desc()).limit(3)).all()
    assert count(SafetyAssessment) == before + 3
    assert sorted(a.item_id for a in recorded) == sorted([s.hr_item.id, second.id, third.id])
    assert {(a.risk_level, a.decision, a.valid_until) for a in recorded} == {
        ("high", "proceed_with_mitigations", date(2027, 6, 30))}
    assert count(AuditEntry) - before_audit == 3, "each item's assessment audited on its own"


def test_a_participant_not_in_the_item_cannot_be_assessed_for_it(scenario, client, login):
    s = scenario()
    login(Role.ADVISOR)
    page(client, f"/participants/{s.participant.id}/items/{s.meeting.id}/assess", 404)


def test_consent_is_asked_only_for_a_mission_the_participant_takes_part_in(scenario, client, login, make_mission):
    s = scenario()
    elsewhere = make_mission(title="Handelsmissie zonder deze persoon")
    login(Role.ADVISOR)
    before = count(ConsentRecord)

    page(client, f"/participants/{s.participant.id}/missions/{s.mission.id}/consent")
    for action in ("consent", "withdraw"):
        page(client, f"/participants/{s.participant.id}/missions/{elsewhere.id}/{action}", 404)
        assert client.post(f"/participants/{s.participant.id}/missions/{elsewhere.id}/{action}",
                           data={"method": "in_person"}).status_code == 404
    assert count(ConsentRecord) == before, "nothing recorded for a mission the person is not part of"


# ---- proposing and finding one's way (issue 13, part 3, in part) ------------------------------------------------


def test_a_protocol_officer_proposes_a_participant_by_alias_and_the_advisor_completes_the_name(
    client, en, ctx, login, make_user
):
    from visitplanner.audit.models import AuditEntry
    from visitplanner.participants.models import Participant

    login(Role.PROTOCOL)
    index = client.get("/participants/").get_data(as_text=True)
    assert 'href="/participants/propose"' in index and 'href="/participants/new"' not in index
    assert client.get("/participants/new").status_code == 403
    response = client.post("/participants/propose", data={"alias": "Kraanvogel-12", "organisation": "Bewonersraad",
                                                          "kind": "resident", "at_risk": "y"})
    assert response.status_code == 302
    person = db.session.scalars(select(Participant)).one()
    assert (person.alias, person.real_name, person.real_name_index) == ("Kraanvogel-12", "", None)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.propose")).one()
    assert entry.label == "Kraanvogel-12"
    client.post("/logout")

    login(Role.ADVISOR)
    page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert "Proposed by alias" in page and f'href="/participants/{person.id}/edit"' in page
    saved = client.post(f"/participants/{person.id}/edit", data={
        "version": person.version, "real_name": "Chen Mei", "alias": "Kraanvogel-12", "organisation": "Bewonersraad",
        "kind": "resident", "residence": "", "contact": "", "at_risk": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert person.real_name == "Chen Mei" and person.real_name_index is not None
    assert "Proposed by alias" not in client.get(f"/participants/{person.id}").get_data(as_text=True)


def test_a_participants_page_links_to_the_missions_and_items_they_are_in(client, ctx, login, make_user, make_mission,
                                                                        make_item):
    from visitplanner.participants.operations import create_participant

    mission = make_mission(title="Werkbezoek Wuxi")
    item = make_item(mission, kind="ngo_visit", title="Gesprek")
    person = create_participant(make_user(Role.ADVISOR), real_name="Li Wei", alias="Zwaluw-4471", kind="defender")
    lonely = create_participant(make_user(Role.ADVISOR), real_name="Wang Fang", alias="Mus-0001", kind="ngo")
    item.participants.append(person)
    commit()
    login(Role.PROTOCOL)
    page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert f'href="/missions/{mission.id}"' in page
    assert f'href="/missions/{mission.id}/programme#item-{item.id}"' in page
    alone = client.get(f"/participants/{lonely.id}").get_data(as_text=True)
    # Someone in no programme yet is added to an item on their own page (issue 23, part 6).
    assert 'href="#attach-heading"' in alone
    assert f'<option value="{item.id}">Gesprek' in alone
