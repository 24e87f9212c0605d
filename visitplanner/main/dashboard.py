"""The staff dashboard: what needs doing, each line one click from where it is fixed.

A pure selection by date over a fixed number of queries, so that it can be tested with frozen time. Its cost follows
what it lists: consents and assessments running out come from aggregate queries, and a mission's programme is read
only to run its checks when they have not been run on its current revision today.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from .. import cache
from ..enums import LabelledEnum
from ..extensions import db
from ..followup.models import FollowUp, FollowUpStatus
from ..missions.models import BriefingState, Company, Mission, MissionStatus
from ..missions.queries import missions_with_programme
from ..itinerary.models import ProgrammeItem
from ..participants.models import (
    ConsentKind,
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
    item_participants,
)
from ..participants.retention import due_soon
from ..partnerships.models import Objective, Partnership
from ..partnerships.queries import last_reviews, themes_raised
from ..readiness.checks import Status, check_title, meeting_day, run_checks
from ..readiness.lifecycle import open_sign_off_roles
from ..readiness.operations import context
from ..stakeholders.queries import objectives_lacking_input

#: How far ahead the dashboard looks for things that expire or fall due.
HORIZON = timedelta(days=14)
#: Raise when what the checks decide changes for the same data (a new rule, another title): results kept under the
#: old revisions are then run again.
CHECKS_FORMAT = 5
#: A research dossier not reviewed for this long needs review.
DOSSIER_STALE = timedelta(days=365)


@dataclass
class Dashboard:
    attention: list[tuple[Mission, list]] = field(default_factory=list)  # (mission, [Failing])
    expiring_consents: list[tuple] = field(default_factory=list)  # (participant, mission, reconfirm_by)
    expiring_assessments: list[tuple] = field(default_factory=list)  # (participant, item, valid_until)
    #: Valid today, but ending before the day of a meeting they are needed for (rules 4 and 5).
    consents_before_meeting: list[tuple] = field(default_factory=list)  # (participant, mission, reconfirm_by, day)
    assessments_before_meeting: list[tuple] = field(default_factory=list)  # (participant, item, valid_until, day)
    follow_ups: list[FollowUp] = field(default_factory=list)
    evaluations: list[Objective] = field(default_factory=list)
    stale_dossiers: list[Partnership] = field(default_factory=list)
    #: Partnerships whose periodic review falls due within the horizon or is overdue, with its day.
    reviews_due: list[tuple] = field(default_factory=list)  # (partnership, ReviewDue)
    advised_against: list[Partnership] = field(default_factory=list)
    unbriefed: list[tuple] = field(default_factory=list)  # (company, mission, briefing state)
    silent_themes: list[tuple] = field(default_factory=list)  # (partnership, focal theme) not raised of late
    #: Objectives resting on no civil-society input, or none from the partner region (B.b).
    lacking_input: list = field(default_factory=list)  # stakeholders.queries.Lacking
    retention_due: list = field(default_factory=list)  # participants.retention.Due within 30 days
    #: Civil-society participants not yet ready to take part, each with the step it waits for (the advisor's queue).
    waiting_participants: list[Waiting] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.attention, self.expiring_consents, self.expiring_assessments,
                        self.consents_before_meeting, self.assessments_before_meeting, self.follow_ups,
                        self.evaluations, self.stale_dossiers, self.reviews_due, self.advised_against, self.unbriefed,
                        self.silent_themes, self.lacking_input, self.retention_due, self.waiting_participants))


def build_dashboard(today: date, *, participants: bool = False, review_months: int = 12) -> Dashboard:
    """What needs doing, from queries whose cost follows what they list: the programmes themselves are read only
    for a mission whose checks have not been run on its current revision today (``failing_checks``).
    ``participants``: with the queue of civil-society participants waiting for a step (for those who take them);
    ``review_months``: how long after its last review a partnership is reviewed again
    (``PARTNERSHIP_REVIEW_MONTHS``)."""
    board = Dashboard()
    until = today + HORIZON
    active = list(db.session.scalars(
        select(Mission).where(Mission.status.notin_([MissionStatus.COMPLETED.value, MissionStatus.CANCELLED.value]))
        .options(joinedload(Mission.partnership), selectinload(Mission.companies).selectinload(Company.briefings))
        .order_by(Mission.start_date, Mission.id)))
    active_ids = [m.id for m in active]
    failing_of = failing_checks(active, today)
    months = current_app.config["COMPANY_BRIEFING_VALID_MONTHS"]
    for mission in active:
        failing = failing_of[mission.id]
        if failing or mission.needs_attention:
            board.attention.append((mission, failing))
        for company in mission.companies:
            state = company.briefing_before(mission.start_date, today, months)
            if state != BriefingState.HELD and mission.end_date >= today:
                board.unbriefed.append((company, mission, state))
    board.expiring_consents = expiring_consents(active_ids, today, until)
    board.expiring_assessments = expiring_assessments(active_ids, today, until)
    board.consents_before_meeting = consents_before_meeting(active_ids, today)
    board.assessments_before_meeting = assessments_before_meeting(active_ids, today)
    board.follow_ups = list(db.session.scalars(
        select(FollowUp).where(FollowUp.status != FollowUpStatus.DONE.value, FollowUp.due_date <= until)
        .order_by(FollowUp.due_date)))
    board.evaluations = list(db.session.scalars(
        select(Objective).where(Objective.evaluation_due.is_not(None), Objective.evaluation_due <= until)
        .order_by(Objective.evaluation_due)))
    partnerships = list(db.session.scalars(select(Partnership).order_by(Partnership.partner_region)))
    board.stale_dossiers = [p for p in partnerships if p.dossier_due_for_review(today, DOSSIER_STALE)]
    board.advised_against = [p for p in partnerships if p.advised_against]
    reviewed = last_reviews()
    board.reviews_due = [(p, due) for p in partnerships
                         if (due := p.review_due(reviewed.get(p.id), review_months, today)).on <= until]
    by_id = {p.id: p for p in partnerships}
    board.silent_themes = [(by_id[pid], record.theme) for pid, records in themes_raised().items()
                           for record in records if record.silent]
    board.lacking_input = objectives_lacking_input()
    board.retention_due = due_soon(today)
    if participants:
        board.waiting_participants = waiting_participants(active, today)
    board.attention.sort(key=lambda pair: pair[0].start_date)
    return board


class Step(LabelledEnum):
    """What a civil-society participant waits for before they may take part, in the order it is done."""

    REAL_NAME = "real_name"
    CONSENT = "consent"
    ASSESSMENT = "assessment"
    CONSULTATION = "consultation"

    __labels__ = {
        REAL_NAME: _l("waits for the real name"),
        CONSENT: _l("waits for consent to take part"),
        ASSESSMENT: _l("waits for a safety assessment"),
        CONSULTATION: _l("waits for a consultation of the embassy or another trusted channel"),
    }


@dataclass(frozen=True)
class Waiting:
    """One participant, in one mission (None: proposed, in no programme yet), and the first step it waits for; the
    item for an assessment or a consultation."""

    participant: Participant
    step: Step
    mission: Mission | None = None
    item: ProgrammeItem | None = None


def waiting_participants(active: list[Mission], today: date) -> list[Waiting]:
    """The advisor's queue: every participant proposed by alias whose real name is still to come, and every
    participant in a live item of an active mission who is not yet ready for it: per mission, the first step it
    waits for (real name, consent to take part, a current safety assessment for each item, and for an outbound
    mission a current consultation of a trusted channel covering them at each item). One query, however many
    people, items and missions: each person's live items with, beside each, whether each step is taken."""
    by_id = {m.id: m for m in active}
    live = and_(ProgrammeItem.id == item_participants.c.item_id, ProgrammeItem.removed_at.is_(None),
                ProgrammeItem.mission_id.in_(list(by_id)))
    awaits_name = and_(Participant.real_name_index.is_(None), Participant.pseudonymised_at.is_(None),
                       Participant.erased_at.is_(None))
    earlier = aliased(ConsentRecord)
    consented = exists().where(
        ConsentRecord.id == select(func.max(earlier.id)).where(
            earlier.participant_id == Participant.id, earlier.mission_id == ProgrammeItem.mission_id
        ).correlate(Participant, ProgrammeItem).scalar_subquery(),
        ConsentRecord.kind == ConsentKind.GIVEN.value, ConsentRecord.take_part.is_(True),
        ConsentRecord.reconfirm_by >= today)
    older = aliased(SafetyAssessment)
    assessed = exists().where(
        SafetyAssessment.id == select(func.max(older.id)).where(
            older.participant_id == Participant.id, older.item_id == ProgrammeItem.id
        ).correlate(Participant, ProgrammeItem).scalar_subquery(),
        SafetyAssessment.valid_until >= today)
    consulted = exists().where(
        ConsultationCover.participant_id == Participant.id, ConsultationCover.item_id == ProgrammeItem.id,
        Consultation.id == ConsultationCover.consultation_id, Consultation.consulted_on <= today,
        Consultation.valid_until >= today)
    rows = db.session.execute(
        select(Participant, ProgrammeItem, consented.label("consented"), assessed.label("assessed"),
               consulted.label("consulted"))
        .select_from(Participant)
        .outerjoin(item_participants, item_participants.c.participant_id == Participant.id)
        .outerjoin(ProgrammeItem, live)
        .where(or_(ProgrammeItem.id.is_not(None), awaits_name))
        .options(load_only(Participant.id, Participant.alias, Participant.real_name_index,
                           Participant.pseudonymised_at, Participant.erased_at),
                 load_only(ProgrammeItem.id, ProgrammeItem.title, ProgrammeItem.mission_id, ProgrammeItem.starts_at))
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.id, Participant.alias)).all()
    order = list(Step)
    queue: dict[tuple[int, int | None], Waiting] = {
        (person.id, None): Waiting(person, Step.REAL_NAME) for person, *_rest in rows
        if person.real_name_index is None and person.pseudonymised_at is None and person.erased_at is None}
    for person, item, has_consent, has_assessment, has_consultation in rows:  # by start: the first item is named
        if item is None:
            continue
        mission = by_id[item.mission_id]
        if (person.id, None) in queue:
            found = Waiting(person, Step.REAL_NAME, mission)
        elif not has_consent:
            found = Waiting(person, Step.CONSENT, mission)
        elif not has_assessment:
            found = Waiting(person, Step.ASSESSMENT, mission, item)
        elif mission.is_outbound and not has_consultation:
            found = Waiting(person, Step.CONSULTATION, mission, item)
        else:
            continue
        before = queue.get((person.id, mission.id))
        if before is None or order.index(found.step) < order.index(before.step):
            queue[(person.id, mission.id)] = found
    in_programme = {p for p, m in queue if m is not None}
    waiting = [w for (p, m), w in queue.items() if m is not None or p not in in_programme]
    return sorted(waiting, key=lambda w: (w.mission.start_date if w.mission else date.max,
                                          w.mission.id if w.mission else 0, w.participant.alias))


@dataclass(frozen=True)
class Failing:
    """A failing check as the dashboard names it."""

    name: str

    @property
    def title(self) -> str:
        return check_title(self.name)


def _checks_key(mission: Mission, today: date) -> str:
    """What a mission's check results are a function of: its revision and its partnership's (which every change
    they show raises, ``visitplanner/revisions.py``) and the day. The names are kept; titles come in the reader's
    language when shown."""
    partnership = mission.partnership
    return "checks:" + hashlib.sha256(repr((
        CHECKS_FORMAT, mission.id, mission.revision, mission.revised_ms, partnership.id, partnership.revision,
        partnership.revised_ms, today.isoformat(), current_app.config["COMPANY_BRIEFING_VALID_MONTHS"],
    )).encode()).hexdigest()


def failing_checks(missions: list[Mission], today: date) -> dict[int, list[Failing]]:
    """The failing checks of each mission, that warrant attention on the dashboard. Kept (``visitplanner/cache.py``)
    under the revisions they were run on: a programme is read again only when something it shows changed, or the
    day did."""
    found: dict[int, list[Failing]] = {}
    for mission in missions:
        kept = cache.get_plain(_checks_key(mission, today))
        if kept is not None:
            found[mission.id] = [Failing(name) for name in kept]
    stale = [m.id for m in missions if m.id not in found]
    ctx = context(today)
    for mission in missions_with_programme(stale):
        failing = [Failing(r.name) for r in run_checks(mission, ctx)
                   if r.status == Status.FAIL and (r.name != "four_eyes" or mission.status == MissionStatus.READY)]
        cache.set_plain(_checks_key(mission, today), [f.name for f in failing])
        found[mission.id] = failing
    return found


def expiring_consents(mission_ids: list[int], today: date, until: date) -> list[tuple]:
    """(participant, mission, reconfirm-by) of each person in a live item whose current consent for the mission
    runs out within the horizon: the latest record per person and mission is a consent, not yet lapsed."""
    if not mission_ids:
        return []
    latest = select(func.max(ConsentRecord.id)).group_by(ConsentRecord.participant_id, ConsentRecord.mission_id)
    linked = (select(item_participants.c.participant_id, ProgrammeItem.mission_id)
              .join(ProgrammeItem, ProgrammeItem.id == item_participants.c.item_id)
              .where(ProgrammeItem.removed_at.is_(None), ProgrammeItem.mission_id.in_(mission_ids))
              .distinct().subquery())
    rows = db.session.execute(
        select(Participant, Mission, ConsentRecord.reconfirm_by)
        .join(ConsentRecord, ConsentRecord.participant_id == Participant.id)
        .join(Mission, Mission.id == ConsentRecord.mission_id)
        .join(linked, and_(linked.c.participant_id == ConsentRecord.participant_id,
                           linked.c.mission_id == ConsentRecord.mission_id))
        .where(ConsentRecord.id.in_(latest), ConsentRecord.kind == ConsentKind.GIVEN.value,
               ConsentRecord.reconfirm_by >= today, ConsentRecord.reconfirm_by <= until)
        .options(load_only(Participant.id, Participant.alias))
        .order_by(Mission.start_date, Mission.id, Participant.id))
    return [tuple(row) for row in rows]


def expiring_assessments(mission_ids: list[int], today: date, until: date) -> list[tuple]:
    """(participant, item, valid until) of each person's latest assessment for a live item they are in, where it
    runs out within the horizon."""
    if not mission_ids:
        return []
    latest = select(func.max(SafetyAssessment.id)).group_by(SafetyAssessment.participant_id,
                                                             SafetyAssessment.item_id)
    rows = db.session.execute(
        select(Participant, ProgrammeItem, SafetyAssessment.valid_until)
        .join(SafetyAssessment, SafetyAssessment.participant_id == Participant.id)
        .join(ProgrammeItem, ProgrammeItem.id == SafetyAssessment.item_id)
        .join(item_participants, and_(item_participants.c.item_id == SafetyAssessment.item_id,
                                      item_participants.c.participant_id == SafetyAssessment.participant_id))
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .where(SafetyAssessment.id.in_(latest), ProgrammeItem.removed_at.is_(None),
               ProgrammeItem.mission_id.in_(mission_ids),
               SafetyAssessment.valid_until >= today, SafetyAssessment.valid_until <= until)
        .options(load_only(Participant.id, Participant.alias),
                 load_only(ProgrammeItem.id, ProgrammeItem.title, ProgrammeItem.mission_id))
        .order_by(Mission.start_date, Mission.id, ProgrammeItem.starts_at, ProgrammeItem.id, Participant.id))
    return [tuple(row) for row in rows]


def _upcoming(today: date):
    """Items whose day (where they happen) may still come: a record valid today can end before only those. An item's
    day is at most one day after its day in UTC, so any item starting before today in UTC is past."""
    return ProgrammeItem.starts_at >= datetime.combine(today, time.min, tzinfo=timezone.utc)


def consents_before_meeting(mission_ids: list[int], today: date) -> list[tuple]:
    """(participant, mission, reconfirm-by, day of the meeting) of each person in a live item whose consent for the
    mission holds today but ends before the day of the last item they attend. One query; the day of an item in its
    own time zone is taken here (``checks.meeting_day``), as no portable SQL expression gives it."""
    if not mission_ids:
        return []
    latest = select(func.max(ConsentRecord.id)).group_by(ConsentRecord.participant_id, ConsentRecord.mission_id)
    rows = db.session.execute(
        select(Participant, Mission, ConsentRecord, ProgrammeItem)
        .join(ConsentRecord, ConsentRecord.participant_id == Participant.id)
        .join(Mission, Mission.id == ConsentRecord.mission_id)
        .join(item_participants, item_participants.c.participant_id == Participant.id)
        .join(ProgrammeItem, and_(ProgrammeItem.id == item_participants.c.item_id,
                                  ProgrammeItem.mission_id == ConsentRecord.mission_id))
        .where(ConsentRecord.id.in_(latest), ConsentRecord.kind == ConsentKind.GIVEN.value,
               ConsentRecord.reconfirm_by >= today, ProgrammeItem.removed_at.is_(None),
               ProgrammeItem.mission_id.in_(mission_ids), _upcoming(today))
        .options(load_only(Participant.id, Participant.alias),
                 load_only(ConsentRecord.id, ConsentRecord.reconfirm_by),
                 load_only(ProgrammeItem.id, ProgrammeItem.starts_at, ProgrammeItem.timezone))
        .order_by(Mission.start_date, Mission.id, Participant.id))
    last: dict[tuple[int, int], tuple] = {}
    for person, mission, record, item in rows:
        key, day = (person.id, mission.id), meeting_day(item)
        if key not in last or day > last[key][3]:
            last[key] = (person, mission, record, day)
    return [(person, mission, record.reconfirm_by, day) for person, mission, record, day in last.values()
            if not record.holds_on(day)]


def assessments_before_meeting(mission_ids: list[int], today: date) -> list[tuple]:
    """(participant, item, valid until, day of the item) of each person's latest assessment for a live item they are
    in, valid today but not on the item's day (where it happens)."""
    if not mission_ids:
        return []
    latest = select(func.max(SafetyAssessment.id)).group_by(SafetyAssessment.participant_id,
                                                             SafetyAssessment.item_id)
    rows = db.session.execute(
        select(Participant, ProgrammeItem, SafetyAssessment)
        .join(SafetyAssessment, SafetyAssessment.participant_id == Participant.id)
        .join(ProgrammeItem, ProgrammeItem.id == SafetyAssessment.item_id)
        .join(item_participants, and_(item_participants.c.item_id == SafetyAssessment.item_id,
                                      item_participants.c.participant_id == SafetyAssessment.participant_id))
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .where(SafetyAssessment.id.in_(latest), ProgrammeItem.removed_at.is_(None),
               ProgrammeItem.mission_id.in_(mission_ids), SafetyAssessment.valid_until >= today, _upcoming(today))
        .options(load_only(Participant.id, Participant.alias),
                 load_only(ProgrammeItem.id, ProgrammeItem.title, ProgrammeItem.mission_id, ProgrammeItem.starts_at,
                           ProgrammeItem.timezone),
                 load_only(SafetyAssessment.id, SafetyAssessment.valid_until))
        .order_by(Mission.start_date, Mission.id, ProgrammeItem.starts_at, ProgrammeItem.id, Participant.id))
    return [(person, item, assessment.valid_until, meeting_day(item)) for person, item, assessment in rows
            if not assessment.holds_on(meeting_day(item))]


def waiting_for_sign_off(user) -> list[Mission]:
    """The missions ready for sign-off that ``user`` could sign off now (the advisor, the approver)."""
    ready = db.session.scalars(select(Mission).where(Mission.status == MissionStatus.READY.value)
                               .options(selectinload(Mission.sign_offs)).order_by(Mission.start_date))
    return [mission for mission in ready if open_sign_off_roles(mission, user)]
