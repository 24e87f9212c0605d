"""Recording what happened after a visit and following it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..contacts.models import Contact
from ..errors import RuleViolation
from ..extensions import db
from ..itinerary.models import ItemKind, ProgrammeItem
from ..missions.models import Mission
from ..partnerships.models import Evaluation, Objective, Partnership, ProgressRating
from ..timeutil import now_utc
from .models import FollowUp, FollowUpStatus, MeetingOutcome


def _audit(actor, action, follow_up: FollowUp, changes) -> None:
    """In the audit log of its mission, or of its partnership when it was made between visits."""
    if follow_up.mission_id is not None:
        mission = db.session.get(Mission, follow_up.mission_id)
        where = {"mission_id": mission.id, "partnership_id": mission.partnership_id}
    else:
        where = {"partnership_id": follow_up.partnership_id}
    record(actor, action, follow_up, label=follow_up.label, changes=changes, **where)


def record_outcome(actor: User, item: ProgrammeItem, *, raised: str, partner_response: str) -> MeetingOutcome:
    """Record what was raised in an official meeting of a completed mission and how the partner responded."""
    if not item.mission.is_completed:
        raise RuleViolation(_("Outcomes are recorded once the mission is completed."))
    if item.kind != ItemKind.OFFICIAL_MEETING or item.removed_at is not None:
        raise RuleViolation(_("Outcomes are recorded for official meetings only."))
    outcome = db.session.query(MeetingOutcome).filter_by(item_id=item.id).one_or_none()
    before = snapshot(outcome, MeetingOutcome.AUDITED) if outcome else {}
    if outcome is None:
        outcome = MeetingOutcome(item_id=item.id)
        db.session.add(outcome)
    outcome.raised, outcome.partner_response = raised, partner_response
    outcome.recorded_by_id, outcome.recorded_at = actor.id, now_utc()
    db.session.flush()
    record(actor, "outcome.record", outcome, label=item.title, mission_id=item.mission_id,
           partnership_id=item.mission.partnership_id, changes=changed(before, snapshot(outcome, MeetingOutcome.AUDITED)))
    return outcome


def add_follow_up(actor: User, mission: Mission, *, what: str, with_whom: str, owner: User | None, due_date: date,
                  objective: Objective | None = None) -> FollowUp:
    """Add a follow-up action to a completed mission."""
    if not mission.is_completed:
        raise RuleViolation(_("Follow-up actions are added once the mission is completed."))
    if objective is not None and objective.partnership_id != mission.partnership_id:
        raise RuleViolation(_("Choose an objective of this partnership's action plan."), "objective_id")
    follow_up = FollowUp(mission_id=mission.id, what=what, with_whom=with_whom, owner=owner, due_date=due_date,
                         objective=objective)
    mission.follow_ups.append(follow_up)
    db.session.flush()
    _audit(actor, "followup.add", follow_up, changed({}, snapshot(follow_up, FollowUp.AUDITED)))
    return follow_up


def add_partnership_follow_up(actor: User, partnership: Partnership, *, what: str, with_whom: str,
                              owner: User | None, due_date: date, objective: Objective | None = None,
                              contact: Contact | None = None) -> FollowUp:
    """Add a follow-up action to the partnership between visits (B.c "regelmatige opvolging"), perhaps from one of
    its contacts with the partner region."""
    if contact is not None and contact.partnership_id != partnership.id:
        raise RuleViolation(_("Choose a contact of this partnership."))
    if objective is not None and objective.partnership_id != partnership.id:
        raise RuleViolation(_("Choose an objective of this partnership's action plan."), "objective_id")
    follow_up = FollowUp(partnership_id=partnership.id, contact=contact, what=what, with_whom=with_whom, owner=owner,
                         due_date=due_date, objective=objective)
    db.session.add(follow_up)
    db.session.flush()
    _audit(actor, "followup.add", follow_up, changed({}, snapshot(follow_up, FollowUp.AUDITED)))
    return follow_up


def set_follow_up_status(actor: User, follow_up: FollowUp, status: str) -> FollowUp:
    """Move a follow-up action to open, in progress or done."""
    if status not in {s.value for s in FollowUpStatus}:
        raise RuleViolation(_("Choose a status."), "status")
    before = snapshot(follow_up, FollowUp.AUDITED)
    follow_up.status, follow_up.updated_at = status, now_utc()
    db.session.flush()
    _audit(actor, "followup.update", follow_up, changed(before, snapshot(follow_up, FollowUp.AUDITED)))
    return follow_up


@dataclass(frozen=True)
class StatusesSaved:
    """What saving the follow-up table did: the rows changed, and those left as someone else had just set them."""

    changed: list[FollowUp]
    clashes: list[FollowUp]


def set_follow_up_statuses(actor: User, follow_ups: list[FollowUp],
                           chosen: dict[int, tuple[str | None, str]]) -> StatusesSaved:
    """Save a follow-up table (a mission's, or a partnership's between visits) at once: ``chosen`` maps a follow-up's
    id to (the status the person's page showed, the status chosen). A row the person left alone is not touched, so it
    never undoes what someone else saved meanwhile; a row both changed keeps theirs (a clash, to tell the person);
    every changed row is audited."""
    changed, clashes = [], []
    for follow_up in follow_ups:
        if follow_up.id not in chosen:
            continue  # added since the page was loaded
        was, mine = chosen[follow_up.id]
        if mine == was or mine == follow_up.status:
            continue
        if was is not None and follow_up.status != was:
            clashes.append(follow_up)
            continue
        changed.append(set_follow_up_status(actor, follow_up, mine))
    return StatusesSaved(changed, clashes)


def add_evaluation(actor: User, objective: Objective, *, evaluated_on: date, progress: str, findings: str,
                   next_steps: str, next_due: date | None = None) -> Evaluation:
    """Evaluate an action-plan objective against its benchmark; the next evaluation falls due on ``next_due``."""
    if progress not in {p.value for p in ProgressRating}:
        raise RuleViolation(_("Choose a progress rating."), "progress")
    evaluation = Evaluation(objective_id=objective.id, evaluated_on=evaluated_on, progress=progress,
                            findings=findings, next_steps=next_steps, author_id=actor.id)
    objective.evaluations.append(evaluation)
    objective.evaluation_due = next_due
    db.session.flush()
    record(actor, "evaluation.add", evaluation, label=objective.label, partnership_id=objective.partnership_id,
           changes=changed({}, snapshot(evaluation, Evaluation.AUDITED)))
    return evaluation
