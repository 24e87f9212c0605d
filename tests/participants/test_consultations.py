"""Consultations of the embassy or another trusted channel (issue 21, part 6): what they say (who was consulted, the
question, the answer) names people, so it is for the roles that may see real names; a protocol officer sees that a
consultation exists. Retention and erasure blank it; another person's access export carries it only when the
consultation is about that person alone."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select
from support.readiness import ALIAS, REAL_NAME, add_participant, assess, freeze_today, give_consent, join, ready_mission

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.participants.models import Consultation, ConsultationCover, Participant
from visitplanner.participants.operations import record_consultation
from visitplanner.participants.retention import erase, pseudonymise, stored_about

OTHER_NAME, OTHER_ALIAS = "Liu Fang", "Zwaluw-7310"
#: What the two consultations say: each names someone, and none of it may reach a protocol officer.
FREE_TEXT = ("Consulaat-generaal Shanghai", "Is een ontmoeting veilig?", "Ja, zonder namen in agenda's.",
             "Ambassade Beijing, de heer Jansen", f"Kunnen {REAL_NAME} en {OTHER_NAME} samen worden ontmoet?",
             f"Alleen buiten kantoortijd; {OTHER_NAME} wordt gevolgd.")


@pytest.fixture(autouse=True)
def _frozen(ctx, monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def consulted(make_user, make_mission, make_item):
    """The ready outbound mission: the consulate was consulted on the defender alone (``ready_mission``); later the
    embassy on the defender and a second person together, at the same NGO visit."""
    s = ready_mission(make_user, make_mission, make_item, "outbound")
    other = add_participant(s.advisor, real_name=OTHER_NAME, alias=OTHER_ALIAS)
    join(other, s.hr_item)
    give_consent(s.advisor, other, s.mission)
    assess(s.advisor, other, s.hr_item)
    shared = record_consultation(
        s.advisor, s.mission, channel="embassy", consulted=FREE_TEXT[3], question=FREE_TEXT[4], answer=FREE_TEXT[5],
        consulted_on=date(2027, 2, 25), valid_until=date(2027, 6, 30),
        covers=[(s.participant.id, s.hr_item.id), (other.id, s.hr_item.id)])
    commit()
    alone = db.session.scalar(select(Consultation).where(Consultation.channel == "consulate"))
    return s, other, alone, shared


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_a_protocol_officer_sees_that_consultations_exist_and_nothing_they_say(consulted, client, en, login):
    s, other, alone, shared = consulted
    login(Role.PROTOCOL)
    m = s.mission.id

    page = text_of(client.get(f"/participants/missions/{m}/consultations"))

    for fact in ("A consulate", "The embassy", "20 Feb 2027", "25 Feb 2027", "30 Jun 2027",
                 f"{ALIAS} — “Gesprek over arbeidsrechten”", f"{OTHER_ALIAS} — “Gesprek over arbeidsrechten”"):
        assert fact in page, fact
    for url in (f"/participants/missions/{m}/consultations", f"/missions/{m}", f"/missions/{m}/checklist",
                f"/missions/{m}/history", f"/missions/{m}/programme?audience=internal",
                f"/participants/{s.participant.id}", "/"):
        html = text_of(client.get(url))
        for said in (*FREE_TEXT, REAL_NAME, OTHER_NAME):
            assert said not in html, f"{said!r} on {url}"


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.APPROVER, Role.ADMIN])
def test_the_roles_that_may_see_real_names_read_what_a_consultation_says(consulted, client, en, login, role):
    s, *_ = consulted
    login(role)
    page = text_of(client.get(f"/participants/missions/{s.mission.id}/consultations"))
    for said in FREE_TEXT:
        assert said in page, said


def test_the_audit_entry_of_a_consultation_names_its_channel_and_day_not_who_was_consulted(
    consulted, client, en, login
):
    s, other, alone, shared = consulted
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.record")
                                 .order_by(AuditEntry.id)).all()
    assert [e.label for e in entries] == ["consulate/2027-02-20", "embassy/2027-02-25"]
    assert not any(said in json.dumps([e.label, e.changes], ensure_ascii=False) for said in FREE_TEXT for e in entries)
    login(Role.PROTOCOL)
    history = text_of(client.get(f"/missions/{s.mission.id}/history"))
    assert "Consultation of the embassy or a trusted channel recorded: The embassy, 25 Feb 2027" in history


def test_an_audit_entry_written_before_with_the_consulted_post_as_its_label_shows_channel_and_day(
    consulted, client, en, login
):
    s, other, alone, shared = consulted
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.record")
                               .order_by(AuditEntry.id)).first()
    db.session.execute(AuditEntry.__table__.update().where(AuditEntry.__table__.c.id == entry.id)
                       .values(label=FREE_TEXT[0]))  # as versions before this one wrote it
    commit()
    login(Role.PROTOCOL)
    history = text_of(client.get(f"/missions/{s.mission.id}/history"))
    assert "Consultation of the embassy or a trusted channel recorded: A consulate, 20 Feb 2027" in history
    assert FREE_TEXT[0] not in history


# ---- retention and erasure ------------------------------------------------------------------------------------


def blanked(consultation: Consultation) -> bool:
    return (consultation.consulted, consultation.question, consultation.answer) == ("", "", "")


def test_erasure_blanks_what_every_consultation_covering_the_person_says_before_it_removes_their_covers(
    consulted, client, en, login
):
    s, other, alone, shared = consulted
    erase(s.advisor, other)
    commit()
    db.session.expire_all()

    assert blanked(shared) and not blanked(alone)
    assert (shared.channel, shared.consulted_on, shared.valid_until) == ("embassy", date(2027, 2, 25),
                                                                         date(2027, 6, 30))
    assert [c.participant_id for c in shared.covers] == [s.participant.id]  # the other person's cover stays
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.erase")).one()
    assert entry.changes["removed"][1] >= ["consultations.answer", "consultations.consulted",
                                           "consultations.question"]
    assert not any(said in json.dumps(entry.changes, ensure_ascii=False) for said in FREE_TEXT)

    login(Role.ADVISOR)
    page = text_of(client.get(f"/participants/missions/{s.mission.id}/consultations"))
    assert "Removed with the personal data of a person it covered." in page
    assert FREE_TEXT[5] not in page and FREE_TEXT[2] in page


def test_retention_blanks_what_consultations_covering_the_person_say_and_keeps_the_covers(consulted):
    s, other, alone, shared = consulted
    pseudonymise(None, s.participant)
    commit()
    db.session.expire_all()

    assert blanked(alone) and blanked(shared)
    assert db.session.scalars(select(ConsultationCover.participant_id).where(
        ConsultationCover.consultation_id == shared.id).order_by(ConsultationCover.participant_id)).all() == sorted(
        [s.participant.id, other.id])
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.pseudonymise")).one()
    assert {"consultations.answer", "consultations.consulted", "consultations.question"} <= set(
        entry.changes["removed"][1])


# ---- access (Art. 15) -------------------------------------------------------------------------------------------


def test_an_access_export_carries_what_a_consultation_says_only_when_it_is_about_that_person_alone(consulted):
    s, other, alone, shared = consulted

    mine = {c["channel"]: c for c in stored_about(s.participant)["consultations"]}
    theirs = {c["channel"]: c for c in stored_about(db.session.get(Participant, other.id))["consultations"]}

    assert mine["consulate"]["question"] == FREE_TEXT[1] and mine["consulate"]["answer"] == FREE_TEXT[2]
    assert mine["consulate"]["consulted"] == FREE_TEXT[0]
    for listed in (mine["embassy"], theirs["embassy"]):
        assert listed["consulted_on"] == "2027-02-25" and listed["valid_until"] == "2027-06-30"
        assert listed["covers"] == ["Gesprek over arbeidsrechten"]
        assert not {"consulted", "question", "answer"} & listed.keys()
        assert not any(said in json.dumps(listed, ensure_ascii=False) for said in FREE_TEXT)
    assert list(theirs) == ["embassy"]
