"""The staff dashboard: what needs doing, each line one click from where it is fixed.

A pure selection by date over a fixed number of queries, so that it can be tested with frozen time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..followup.models import FollowUp, FollowUpStatus
from ..missions.models import BriefingState, Mission, MissionStatus
from ..missions.queries import missions_with_programme
from ..participants.models import consent_state, current_assessment
from ..participants.retention import due_soon
from ..partnerships.models import Objective, Partnership
from ..partnerships.queries import themes_raised
from ..readiness.checks import CheckResult, Status, participant_links, run_checks
from ..readiness.operations import context

#: How far ahead the dashboard looks for things that expire or fall due.
HORIZON = timedelta(days=14)
#: A research dossier not reviewed for this long needs review.
DOSSIER_STALE = timedelta(days=365)


@dataclass
class Dashboard:
    attention: list[tuple[Mission, list[CheckResult]]] = field(default_factory=list)
    expiring_consents: list[tuple] = field(default_factory=list)  # (participant, mission, reconfirm_by)
    expiring_assessments: list[tuple] = field(default_factory=list)  # (participant, item, valid_until)
    follow_ups: list[FollowUp] = field(default_factory=list)
    evaluations: list[Objective] = field(default_factory=list)
    stale_dossiers: list[Partnership] = field(default_factory=list)
    advised_against: list[Partnership] = field(default_factory=list)
    unbriefed: list[tuple] = field(default_factory=list)  # (company, mission, briefing state)
    silent_themes: list[tuple] = field(default_factory=list)  # (partnership, focal theme) not raised of late
    retention_due: list = field(default_factory=list)  # participants.retention.Due within 30 days

    @property
    def empty(self) -> bool:
        return not any((self.attention, self.expiring_consents, self.expiring_assessments, self.follow_ups,
                        self.evaluations, self.stale_dossiers, self.advised_against, self.unbriefed,
                        self.silent_themes, self.retention_due))


def build_dashboard(today: date) -> Dashboard:
    board = Dashboard()
    until = today + HORIZON
    active_ids = db.session.scalars(select(Mission.id).where(
        Mission.status.notin_([MissionStatus.COMPLETED.value, MissionStatus.CANCELLED.value]))).all()
    ctx = context(today)
    for mission in missions_with_programme(active_ids):
        failing = [r for r in run_checks(mission, ctx)
                   if r.status == Status.FAIL and (r.name != "four_eyes" or mission.status == MissionStatus.READY)]
        if failing or mission.needs_attention:
            board.attention.append((mission, failing))
        seen = set()
        for item, person in participant_links(mission):
            state = consent_state(person.consents, mission.id, today)
            if (person.id not in seen and state.record is not None and not state.withdrawn
                    and not state.expired and today <= state.record.reconfirm_by <= until):
                board.expiring_consents.append((person, mission, state.record.reconfirm_by))
            seen.add(person.id)
            assessment = current_assessment(person.assessments, item.id)
            if assessment is not None and today <= assessment.valid_until <= until:
                board.expiring_assessments.append((person, item, assessment.valid_until))
        for company in mission.companies:
            state = company.briefing_before(mission.start_date, today)
            if state != BriefingState.HELD and mission.end_date >= today:
                board.unbriefed.append((company, mission, state))
    board.follow_ups = list(db.session.scalars(
        select(FollowUp).where(FollowUp.status != FollowUpStatus.DONE.value, FollowUp.due_date <= until)
        .order_by(FollowUp.due_date)))
    board.evaluations = list(db.session.scalars(
        select(Objective).where(Objective.evaluation_due.is_not(None), Objective.evaluation_due <= until)
        .order_by(Objective.evaluation_due)))
    partnerships = list(db.session.scalars(select(Partnership).order_by(Partnership.partner_region)))
    board.stale_dossiers = [p for p in partnerships if p.dossier_due_for_review(today, DOSSIER_STALE)]
    board.advised_against = [p for p in partnerships if p.advised_against]
    by_id = {p.id: p for p in partnerships}
    board.silent_themes = [(by_id[pid], record.theme) for pid, records in themes_raised().items()
                           for record in records if record.silent]
    board.retention_due = due_soon(today)
    board.attention.sort(key=lambda pair: pair[0].start_date)
    return board



def waiting_for_sign_off(user) -> list[Mission]:
    """The missions ready for sign-off that ``user`` could sign off now (the advisor, the approver)."""
    from sqlalchemy.orm import selectinload

    from ..readiness.lifecycle import open_sign_off_roles

    ready = db.session.scalars(select(Mission).where(Mission.status == MissionStatus.READY.value)
                               .options(selectinload(Mission.sign_offs)).order_by(Mission.start_date))
    return [mission for mission in ready if open_sign_off_roles(mission, user)]
