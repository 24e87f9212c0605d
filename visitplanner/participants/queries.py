"""Reading participants."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..missions.models import Mission
from .models import Participant


def all_participants() -> list[Participant]:
    return list(db.session.scalars(select(Participant).order_by(Participant.alias)))


def participant_for_page(participant_id: int) -> Participant | None:
    stmt = (
        select(Participant).where(Participant.id == participant_id)
        .options(selectinload(Participant.consents), selectinload(Participant.assessments))
    )
    return db.session.scalar(stmt)


def programme_of(participant: Participant) -> list[tuple[Mission, list[ProgrammeItem]]]:
    """The missions in whose live programme the participant takes part, by first day, each with the items they take
    part in, by start: one query, however many items and missions."""
    stmt = (
        select(ProgrammeItem).join(ProgrammeItem.mission)
        .where(ProgrammeItem.participants.contains(participant), ProgrammeItem.removed_at.is_(None))
        .options(contains_eager(ProgrammeItem.mission))
        .order_by(Mission.start_date, Mission.id, ProgrammeItem.starts_at, ProgrammeItem.id)
    )
    found: dict[Mission, list[ProgrammeItem]] = {}
    for item in db.session.scalars(stmt):
        found.setdefault(item.mission, []).append(item)
    return list(found.items())


def other_items_of(participant: Participant, item: ProgrammeItem) -> list[ProgrammeItem]:
    """The other live items of the same mission the participant takes part in, by start: one query."""
    return list(db.session.scalars(
        select(ProgrammeItem)
        .where(ProgrammeItem.mission_id == item.mission_id, ProgrammeItem.id != item.id,
               ProgrammeItem.removed_at.is_(None), ProgrammeItem.participants.contains(participant))
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)))
