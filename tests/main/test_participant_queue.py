"""The dashboard's queue of civil-society participants waiting for a step (issue 23, part 6): which step each waits
for, a link to where it is done, and a fixed number of queries however many people wait."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import event
from support.readiness import freeze_today

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.main.dashboard import Step, build_dashboard
from visitplanner.participants.models import Consultation, ConsultationCover, Scope
from visitplanner.participants.operations import (
    create_participant,
    propose_participant,
    record_assessment,
    record_consent,
)

TODAY = date(2027, 3, 1)


def consent(advisor, person, mission):
    record_consent(advisor, person, mission, scopes=[Scope.TAKE_PART], method="in_person",
                   information_version="v1", reconfirm_by=mission.end_date, today=TODAY)


def assess(advisor, person, item):
    record_assessment(advisor, person, item, risk_level="medium", threats="", vulnerabilities="", capacities="",
                      person_consulted=True, meeting_visibility="confidential", partner_informed=False,
                      names_shared_with_partner=False, family_at_risk=False, venue="", photos_allowed=False,
                      social_media_allowed=False, device_precautions="", interpreter_vetted=True,
                      expectations_discussed=True, mitigations="", decision="proceed", assessed_on=TODAY,
                      valid_until=TODAY + timedelta(days=60))


def consult(mission, person, item):
    mission.consultations.append(Consultation(
        channel="consulate", consulted="Consulaat-generaal Shanghai", question="Veilig?", answer="Ja.",
        consulted_on=TODAY, valid_until=TODAY + timedelta(days=60),
        covers=[ConsultationCover(participant_id=person.id, item_id=item.id)]))
    db.session.flush()


@pytest.fixture
def waiting(ctx, monkeypatch, make_user, make_mission, make_item):
    """One person at each step of an outbound mission, one proposed for an inbound one, one proposed in no programme
    and one who is ready."""
    freeze_today(monkeypatch, TODAY)
    advisor, protocol = make_user(Role.ADVISOR), make_user(Role.PROTOCOL)
    outbound = make_mission("outbound", title="Werkbezoek Wuxi")
    inbound = make_mission("inbound", timezone="Europe/Amsterdam", title="Bezoek delegatie")
    meeting = make_item(outbound, kind="ngo_visit", title="Gesprek")
    evening = make_item(inbound, kind="citizen_meeting", title="Bewonersavond")
    people = {}
    for alias in ("Consent-1", "Assess-2", "Consult-3", "Ready-4"):
        people[alias] = create_participant(advisor, real_name=f"Naam {alias}", alias=alias, kind="ngo")
        meeting.participants.append(people[alias])
    people["Proposed-5"] = propose_participant(protocol, alias="Proposed-5", kind="resident", item=evening)
    people["Lonely-6"] = propose_participant(protocol, alias="Lonely-6", kind="resident")
    for alias in ("Assess-2", "Consult-3", "Ready-4"):
        consent(advisor, people[alias], outbound)
    for alias in ("Consult-3", "Ready-4"):
        assess(advisor, people[alias], meeting)
    consult(outbound, people["Ready-4"], meeting)
    commit()
    return people, outbound, inbound, meeting


def test_each_participant_waits_for_the_first_step_not_yet_taken(waiting):
    people, outbound, inbound, meeting = waiting
    queue = build_dashboard(TODAY, participants=True).waiting_participants
    found = {(w.participant.alias, w.mission.title if w.mission else None): w.step for w in queue}
    assert found == {
        ("Consent-1", "Werkbezoek Wuxi"): Step.CONSENT,
        ("Assess-2", "Werkbezoek Wuxi"): Step.ASSESSMENT,
        ("Consult-3", "Werkbezoek Wuxi"): Step.CONSULTATION,
        ("Proposed-5", "Bezoek delegatie"): Step.REAL_NAME,
        ("Lonely-6", None): Step.REAL_NAME,
    }
    assert build_dashboard(TODAY).waiting_participants == [], "only for those who take or wait for the steps"


def test_a_consultation_is_asked_only_for_an_outbound_mission(waiting, make_user):
    people, outbound, inbound, meeting = waiting
    advisor = make_user(Role.ADVISOR)
    evening = inbound.items[0]
    someone = people["Proposed-5"]
    someone.real_name = "Naam Proposed-5"
    consent(advisor, someone, inbound)
    assess(advisor, someone, evening)
    commit()
    aliases = [w.participant.alias for w in build_dashboard(TODAY, participants=True).waiting_participants]
    assert "Proposed-5" not in aliases


def links(html: str) -> dict[str, str]:
    section = html[html.index('id="participants-queue"'):]
    section = section[:section.index("</ul>")]
    return {re.sub(r"\s+", " ", text).strip() + step: href
            for href, text, step in re.findall(r'<a class="utrecht-link" href="([^"]+)">(.*?)</a>: ([^<]+)</li>',
                                               section, re.S)}


def test_the_advisor_follows_each_line_to_where_the_step_is_taken(waiting, client, en, login):
    people, outbound, inbound, meeting = waiting
    login(Role.ADVISOR)
    html = unescape(client.get("/").get_data(as_text=True))
    assert "Civil-society participants waiting for a step" in html
    ids = {alias: p.id for alias, p in people.items()}
    assert links(html) == {
        "Proposed-5 in “Bezoek delegatie”waits for the real name": f"/participants/{ids['Proposed-5']}/edit",
        "Lonely-6, proposed, in no programme yetwaits for the real name": f"/participants/{ids['Lonely-6']}/edit",
        "Consent-1 in “Werkbezoek Wuxi”waits for consent to take part":
            f"/participants/{ids['Consent-1']}/missions/{outbound.id}/consent",
        "Assess-2 at “Gesprek” (Werkbezoek Wuxi)waits for a safety assessment":
            f"/participants/{ids['Assess-2']}/items/{meeting.id}/assess",
        "Consult-3 at “Gesprek” (Werkbezoek Wuxi)waits for a consultation of the embassy or another trusted channel":
            f"/participants/missions/{outbound.id}/consultations/new",
    }
    for target in links(html).values():
        assert client.get(target).status_code == 200, target


def test_a_protocol_officer_sees_the_queue_with_links_to_the_people(waiting, client, en, login, auth):
    people, *_ = waiting
    login(Role.PROTOCOL)
    html = unescape(client.get("/").get_data(as_text=True))
    assert set(links(html).values()) == {f"/participants/{people[a].id}"
                                         for a in ("Consent-1", "Assess-2", "Consult-3", "Proposed-5", "Lonely-6")}
    auth.logout()
    login(Role.APPROVER)
    assert "participants-queue" not in client.get("/").get_data(as_text=True)


def count_queries(action) -> int:
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(seen)


def test_the_queue_takes_the_same_number_of_queries_for_3_and_30_people_waiting(ctx, monkeypatch, client, login,
                                                                              make_user, make_mission, make_item):
    freeze_today(monkeypatch, TODAY)
    advisor_id = make_user(Role.ADVISOR).id
    login(Role.ADVISOR)
    counts = {}
    for total, add in ((3, 3), (30, 27)):
        advisor = db.session.get(User, advisor_id)
        for n in range(add):
            mission = make_mission("outbound", title=f"Bezoek {total}-{n}")
            item = make_item(mission, kind="ngo_visit", title=f"Gesprek {total}-{n}")
            person = create_participant(advisor, real_name=f"Naam {total}-{n}", alias=f"Vogel-{total}-{n}",
                                        kind="ngo")
            item.participants.append(person)
            if n % 3:
                consent(advisor, person, mission)
            if n % 3 == 2:
                assess(advisor, person, item)
            propose_participant(advisor, alias=f"Nieuw-{total}-{n}", kind="resident",
                                item=item if n % 2 else None)
        commit()
        db.session.close()
        assert len(build_dashboard(TODAY, participants=True).waiting_participants) == 2 * total
        db.session.close()
        queue = count_queries(lambda: build_dashboard(TODAY, participants=True))
        db.session.close()
        without = count_queries(lambda: build_dashboard(TODAY))
        responses = []
        page = count_queries(lambda: responses.append(client.get("/")))
        assert responses[0].status_code == 200
        assert responses[0].get_data(as_text=True).count('data-step="') == 2 * total
        counts[total] = (queue, queue - without, page)
    assert counts[3] == counts[30], counts
    assert counts[3][1] == 1, "the queue takes one query of its own"
