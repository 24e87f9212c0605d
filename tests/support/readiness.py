"""Scenario builders for the readiness tests: a mission that passes every pre-sign-off check, and its finalisation.

Plain functions taking the objects they need (users, a mission, the conftest factories), so that tests read
like scenarios: ``s = ready_mission(...)``, break one thing, look at the checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from support.clock import replace_clock
from support.pages import form_values

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ItemKind, ProgrammeItem
from visitplanner.companies.models import CompanyBriefing
from visitplanner.missions.models import Company, Mission
from visitplanner.participants.models import (
    Decision,
    MeetingVisibility,
    Participant,
    RiskLevel,
    Scope,
)
from visitplanner.participants.operations import (
    create_participant,
    record_assessment,
    record_consent,
    record_consultation,
)
from visitplanner.partnerships.models import DossierTopic, FocalTheme, Partnership
from visitplanner.partnerships.operations import (
    add_dossier_entry,
    add_objective,
    set_focal_themes,
)
from visitplanner.readiness.models import ManualCheck, SignOffRole
from visitplanner.readiness.operations import (
    confirm_manual_check,
    required_manual_checks,
    sign_off,
    submit_for_signoff,
)

#: The day the tests pretend it is: before the missions (April 2027), inside every consent and assessment.
TODAY = date(2027, 3, 1)
#: A real name that must never appear where only the alias may go.
REAL_NAME = "Chen Xiaoli"
ALIAS = "Reiger-2041"
RECONFIRM_BY = date(2027, 5, 15)
VALID_UNTIL = date(2027, 6, 30)
ZONES = {"outbound": "Asia/Shanghai", "inbound": "Europe/Amsterdam"}


def freeze_today(monkeypatch, day: date = TODAY) -> None:
    """Set the application's clock to 09:00 on ``day``, and let it run from there: today is ``day`` everywhere
    (pages, the command line, the demo), and moments stored meanwhile still follow one another."""
    started, frozen = datetime.now(UTC), datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    replace_clock(monkeypatch, lambda: frozen + (datetime.now(UTC) - started))


# ---- groundwork, participants, consent, safety -----------------------------------------------------------


def add_groundwork(advisor: User, partnership: Partnership) -> FocalTheme:
    """A dossier entry, one focal theme from the catalogue and an objective on it; returns the theme."""
    add_dossier_entry(advisor, partnership, topic=DossierTopic.REGION.value, entry_date=date(2026, 9, 15),
                      summary="Arbeidsrechtenactivisten melden intimidatie.", sources="China Labour Bulletin")
    theme = db.session.scalar(select(FocalTheme).where(FocalTheme.key == "labour_rights"))
    set_focal_themes(advisor, partnership, [theme.id])
    add_objective(advisor, partnership, what="Arbeidsrechten agenderen bij elk officieel bezoek",
                  focal_theme_id=theme.id, benchmark="", target_date=date(2027, 12, 31), evaluation_due=None)
    return theme


def add_participant(advisor: User, *, real_name: str = REAL_NAME, alias: str = ALIAS, at_risk: bool = True,
                    kind: str = "defender") -> Participant:
    # Scenarios built side by side in one test are different people, even under the default name.
    return create_participant(advisor, real_name=real_name, alias=alias, kind=kind, organisation="Netwerk",
                              residence="Wuxi, China", at_risk=at_risk, another_person=True)


def join(participant: Participant, item: ProgrammeItem) -> None:
    """Put a participant in a programme item (as the item form does, without the voiding)."""
    item.participants.append(participant)
    db.session.flush()


def give_consent(advisor: User, participant: Participant, mission: Mission,
                 scopes=(Scope.TAKE_PART, Scope.NAMED_INTERNAL), *, reconfirm_by: date = RECONFIRM_BY,
                 today: date = TODAY):
    return record_consent(advisor, participant, mission, scopes=list(scopes), method="intermediary",
                          information_version="Informatieblad v3", reconfirm_by=reconfirm_by, today=today)


def assessment_data(**overrides) -> dict:
    """Every field of a safety assessment that lets the person take part (outbound: consulate consulted)."""
    values = dict(
        risk_level=RiskLevel.HIGH.value, threats="Surveillance.", vulnerabilities="", capacities="",
        person_consulted=True, meeting_visibility=MeetingVisibility.CONFIDENTIAL.value, partner_informed=False,
        names_shared_with_partner=False, family_at_risk=False, venue="Private room", photos_allowed=False,
        social_media_allowed=False, device_precautions="Signal only", interpreter_vetted=True,
        expectations_discussed=True, mitigations="No names in invitations.", decision=Decision.MITIGATE.value,
        assessed_on=date(2027, 2, 20), valid_until=VALID_UNTIL,
    )
    values.update(overrides)
    return values


def assess(advisor: User, participant: Participant, item: ProgrammeItem, **overrides):
    return record_assessment(advisor, participant, item, **assessment_data(**overrides))


def consult(advisor: User, mission: Mission, pairs, *, consulted_on: date = date(2027, 2, 20),
            valid_until: date = VALID_UNTIL):
    """A consultation of the consulate covering ``pairs`` of (participant, item)."""
    return record_consultation(
        advisor, mission, channel="consulate", consulted="Consulaat-generaal Shanghai",
        question="Is een ontmoeting veilig?", answer="Ja, zonder namen in agenda's.", consulted_on=consulted_on,
        valid_until=valid_until, covers=[(p.id, i.id) for p, i in pairs])


def add_company(mission: Mission, name: str = "Mulder Waterbouw B.V.") -> Company:
    company = Company(name=name)
    mission.companies.append(company)
    db.session.flush()
    return company


def brief(company: Company, day: date | None, held: bool = True) -> Company:
    """Give the company a human-rights briefing in the register's history on ``day`` (held, or only planned); none
    when ``day`` is None."""
    if day is not None:
        company.briefings.append(CompanyBriefing(briefed_on=day, held=held))
    db.session.flush()
    return company


def confirm_all(actor: User, mission: Mission) -> None:
    """Confirm every manual checklist item that applies and is not yet confirmed."""
    done = {c.key for c in mission.confirmations}
    for check in required_manual_checks(mission):
        if check.value not in done:
            confirm_manual_check(actor, mission, ManualCheck(check))


# ---- whole scenarios -------------------------------------------------------------------------------------


@dataclass
class Scenario:
    mission: Mission
    participant: Participant
    #: The human-rights component the participant takes part in.
    hr_item: ProgrammeItem
    #: An official meeting with the partner, with talking points.
    meeting: ProgrammeItem
    protocol: User
    advisor: User
    approver: User


def ready_mission(make_user, make_mission, make_item, direction: str = "outbound", *,
                  scopes=(Scope.TAKE_PART, Scope.NAMED_INTERNAL), real_name: str = REAL_NAME, alias: str = ALIAS,
                  confirm: bool = True, today: date = TODAY) -> Scenario:
    """A draft mission that passes every pre-sign-off check, with its manual items confirmed (committed).

    Outbound: an official meeting with talking points and an NGO visit in Wuxi where a defender takes part,
    with consent and a safety assessment for which the consulate was consulted.
    Inbound: the same meeting, an NGO visit and a meeting with residents where the participant takes part.
    """
    protocol, advisor, approver = make_user(Role.PROTOCOL), make_user(Role.ADVISOR), make_user(Role.APPROVER)
    mission = make_mission(direction, timezone=ZONES[direction])
    theme = add_groundwork(advisor, mission.partnership)
    meeting = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", kind=ItemKind.OFFICIAL_MEETING.value,
                        title="Ontvangst door het stadsbestuur", visibility="partner",
                        talking_points="Arbeidsrechten; privacy bij slimme steden.", focal_themes=[theme])
    if direction == "outbound":
        hr_item = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind=ItemKind.NGO_VISIT.value,
                            title="Gesprek over arbeidsrechten", visibility="internal", focal_themes=[theme])
    else:
        make_item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind=ItemKind.NGO_VISIT.value,
                  title="Bezoek Huis van de Mensenrechten", visibility="delegation", focal_themes=[theme])
        hr_item = make_item(mission, "2027-04-14T19:00", "2027-04-14T21:00", kind=ItemKind.CITIZEN_MEETING.value,
                            title="Bewonersavond", visibility="internal")
    # Outbound: a defender in the partner region; inbound: a resident concerned with human rights in China.
    participant = add_participant(advisor, real_name=real_name, alias=alias,
                                  kind="defender" if direction == "outbound" else "resident")
    join(participant, hr_item)
    give_consent(advisor, participant, mission, scopes, today=today)
    assess(advisor, participant, hr_item)
    if direction == "outbound":  # the consulate was consulted on meeting the defender
        consult(advisor, mission, [(participant, hr_item)])
    if confirm:
        confirm_all(protocol, mission)
    commit()
    return Scenario(mission, participant, hr_item, meeting, protocol, advisor, approver)


def finalise(s: Scenario, today: date = TODAY) -> None:
    """Submit (protocol officer) and sign off (advisor, then approver); commits."""
    submit_for_signoff(s.protocol, s.mission, today)
    sign_off(s.advisor, s.mission, SignOffRole.ADVISOR, today)
    sign_off(s.approver, s.mission, SignOffRole.APPROVER, today)
    commit()


def audit_count(action: str, mission: Mission | None = None) -> int:
    stmt = select(func.count(AuditEntry.id)).where(AuditEntry.action == action)
    if mission is not None:
        stmt = stmt.where(AuditEntry.mission_id == mission.id)
    return db.session.scalar(stmt)


def post_and_void(client, url: str, data: dict):
    """Post ``data`` to ``url`` as a person whose change voids a sign-off: asked first which sign-offs it voids
    (nothing saved yet), they confirm; returns the answer to the confirmation."""
    asked = client.post(url, data=data)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirm_void"' in html, "the change was not asked about first"
    return client.post(url, data=form_values(html))


def saved_changes(action: str) -> list[dict]:
    """What each audited save of this kind changed, oldest first (read afresh from the database)."""
    db.session.expire_all()
    return [e.changes for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                  .order_by(AuditEntry.id))]
