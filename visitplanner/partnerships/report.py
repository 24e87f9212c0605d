"""The review of a partnership as one audience reads it: the page, and the printable report for the office or the
council (never the partner: ``disclosure.ReportAudience``).

Built section by section from what ``queries.review_sources`` read; what the council's edition leaves out is left out
here, by asking ``disclosure``, so that no template decides it. Each section has a template of its own
(``templates/partnerships/review/``), composed in ``_sections.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..auth.models import User
from ..contacts.models import Contact
from ..disclosure import (
    ReportAudience,
    involvement_in_report,
    report_shows_dossier_text,
    report_shows_internal,
)
from ..followup.models import FollowUp
from ..missions.models import Mission
from ..stakeholders.models import InputGap, Involvement, input_gaps
from .models import Objective, Partnership, PartnershipReview, ReviewDue
from .queries import ReviewSources, ThemeRecord


@dataclass(frozen=True)
class EvaluationLine:
    evaluated_on: date
    progress: str
    findings: str
    next_steps: str


@dataclass(frozen=True)
class FollowUpLine:
    id: int
    what: str
    due_date: date
    status: str
    overdue: bool
    mission_id: int
    mission_title: str
    #: With whom it is followed up: None in the council's edition.
    with_whom: str | None


@dataclass(frozen=True)
class InvolvementLine:
    """Who was consulted on an objective, named as the edition may: in the office's edition as the reader's role
    may see them; in the council's, a protected party only by its kind."""

    party: str
    way: str
    held_on: date
    #: What they said: None where the edition or the reader may not read it.
    said: str | None


@dataclass(frozen=True)
class ContactLine:
    """A contact with the partner region between visits, and the partner's response."""

    id: int
    happened_on: date
    kind: str
    subject: str
    themes: tuple[str, ...]
    response: str


@dataclass(frozen=True)
class ObjectiveLine:
    """An objective or a project, with its evaluations, the follow-ups linked to it and the latest review's note."""

    id: int
    what: str
    is_project: bool
    local_partner: str
    focal_theme: str | None
    benchmark: str
    target_date: date
    evaluation_due: date | None
    evaluations: tuple[EvaluationLine, ...]
    follow_ups: tuple[FollowUpLine, ...]
    note: str | None
    #: Who the objective's input rests on (B.b), and what it lacks.
    involved: tuple[InvolvementLine, ...] = ()
    gaps: tuple[InputGap, ...] = ()

    @property
    def latest(self) -> EvaluationLine | None:
        return self.evaluations[-1] if self.evaluations else None


@dataclass(frozen=True)
class MissionLine:
    id: int
    title: str
    direction: str
    start_date: date
    end_date: date
    status: str
    is_outbound: bool
    room_requested_on: date | None
    room_request: str
    room_answer: str | None
    room_answered_on: date | None
    #: For the office only: notes on the partner's answer, and why the mission is in high-risk mode.
    room_answer_notes: str | None
    safety_note: str | None


@dataclass(frozen=True)
class DossierLine:
    topic: str
    entry_date: date
    #: None where the edition leaves the text out (entries from people, in the council's edition).
    summary: str | None
    sources: str | None


@dataclass(frozen=True)
class ReviewLine:
    id: int
    held_on: date
    reviewer: str
    conclusion: str
    next_steps: str
    #: Risk and safety details: for the office only.
    internal_notes: str | None


@dataclass(frozen=True)
class ReviewReport:
    """The review of a partnership, for one audience."""

    partnership: Partnership
    audience: ReportAudience
    #: Whether it carries what is for the office only (and is marked confidential when printed).
    internal: bool
    today: date
    risk: str
    advised_against: bool
    advice_reason: str | None
    last_review: date | None
    #: When the next review falls due, and whether it is due or overdue today.
    review_due: ReviewDue
    objectives: tuple[ObjectiveLine, ...]
    projects: tuple[ObjectiveLine, ...]
    themes: tuple[ThemeRecord, ...]
    missions: tuple[MissionLine, ...]
    dossier: tuple[DossierLine, ...]
    reviews: tuple[ReviewLine, ...]
    #: Contacts with the partner region between visits, latest first (B.c).
    contacts: tuple[ContactLine, ...] = ()

    @property
    def due_on(self) -> date:
        return self.review_due.on

    @property
    def overdue(self) -> bool:
        return self.review_due.overdue

    @property
    def due(self) -> bool:
        """The review falls due today or fell due before."""
        return self.review_due.due


def build_review(sources: ReviewSources, audience: ReportAudience, today: date, months: int, *,
                 involved: dict[int, list[Involvement]] | None = None, contacts: list[Contact] = (),
                 viewer: User | None = None) -> ReviewReport:
    """The review of ``sources.partnership`` as ``audience`` reads it (``viewer``: who reads the office's edition);
    the next one falls due ``months`` after the last (or after the partnership's creation). ``involved``: who was
    consulted on each objective; ``contacts``: the partnership's contacts between visits."""
    internal = report_shows_internal(audience)
    involved = involved or {}
    partnership = sources.partnership
    missions = {m.id: m for m in partnership.missions}
    latest = sources.reviews[0] if sources.reviews else None
    notes = {n.objective_id: n.note for n in latest.notes} if latest else {}
    lines = [_objective(o, sources.follow_ups.get(o.id, []), missions, notes.get(o.id), internal, today,
                        involved.get(o.id, []), audience, viewer)
             for o in partnership.objectives]
    return ReviewReport(
        partnership=partnership, audience=audience, internal=internal, today=today,
        risk=partnership.risk_label, advised_against=partnership.advised_against,
        advice_reason=partnership.advised_against_reason if internal else None,
        last_review=latest.held_on if latest else None,
        review_due=partnership.review_due(latest.held_on if latest else None, months, today),
        objectives=tuple(line for line in lines if not line.is_project),
        projects=tuple(line for line in lines if line.is_project),
        themes=tuple(sources.themes),
        missions=tuple(_mission(m, internal) for m in partnership.missions),
        dossier=tuple(DossierLine(e.topic_label, e.entry_date,
                                  e.summary if report_shows_dossier_text(audience, e.topic) else None,
                                  e.sources if report_shows_dossier_text(audience, e.topic) else None)
                      for e in partnership.dossier_entries),
        reviews=tuple(_review(r, internal) for r in sources.reviews),
        contacts=tuple(ContactLine(c.id, c.happened_on, c.kind_label, c.subject,
                                   tuple(t.label for t in c.focal_themes), c.partner_response) for c in contacts),
    )


def _involvement(involvement: Involvement, audience: ReportAudience, viewer: User | None) -> InvolvementLine:
    party, said = involvement_in_report(involvement, audience, viewer)
    return InvolvementLine(party, involvement.way_label, involvement.held_on, said or None)


def _objective(objective: Objective, follow_ups: list[FollowUp], missions: dict[int, Mission], note: str | None,
               internal: bool, today: date, involved: list[Involvement], audience: ReportAudience,
               viewer: User | None) -> ObjectiveLine:
    return ObjectiveLine(
        id=objective.id, what=objective.what, is_project=objective.is_project, local_partner=objective.local_partner,
        focal_theme=objective.focal_theme.label if objective.focal_theme else None, benchmark=objective.benchmark,
        target_date=objective.target_date, evaluation_due=objective.evaluation_due,
        evaluations=tuple(EvaluationLine(e.evaluated_on, e.progress_label, e.findings, e.next_steps)
                          for e in objective.evaluations),
        follow_ups=tuple(FollowUpLine(f.id, f.what, f.due_date, f.status_label, f.is_overdue(today), f.mission_id,
                                      missions[f.mission_id].title if f.mission_id in missions else "",
                                      f.with_whom if internal else None) for f in follow_ups),
        note=note,
        involved=tuple(_involvement(i, audience, viewer) for i in involved),
        gaps=() if objective.is_project else tuple(input_gaps(involved)),
    )


def _mission(mission: Mission, internal: bool) -> MissionLine:
    return MissionLine(
        id=mission.id, title=mission.title, direction=mission.direction_label, start_date=mission.start_date,
        end_date=mission.end_date, status=mission.status_label, is_outbound=mission.is_outbound,
        room_requested_on=mission.room_requested_on, room_request=mission.room_request,
        room_answer=mission.room_answer_label, room_answered_on=mission.room_answered_on,
        room_answer_notes=mission.room_answer_notes if internal else None,
        safety_note=mission.high_risk_reason if internal else None,
    )


def _review(review: PartnershipReview, internal: bool) -> ReviewLine:
    return ReviewLine(review.id, review.held_on, review.reviewed_by.name if review.reviewed_by else "",
                      review.conclusion, review.next_steps, review.internal_notes if internal else None)
