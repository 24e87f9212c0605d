"""Reading participants."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..crypto import keyring
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..missions.models import Mission, MissionStatus
from .models import ConsentRecord, Participant, item_participants


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


def items_to_attach(participant: Participant) -> list[ProgrammeItem]:
    """The live items of the missions still being prepared or under way that the participant is not linked to, by
    mission and start, each with its mission: one query."""
    linked = select(item_participants.c.item_id).where(item_participants.c.participant_id == participant.id)
    stmt = (
        select(ProgrammeItem).join(ProgrammeItem.mission)
        .where(ProgrammeItem.removed_at.is_(None), ProgrammeItem.id.notin_(linked),
               Mission.status.notin_([MissionStatus.COMPLETED.value, MissionStatus.CANCELLED.value]))
        .options(contains_eager(ProgrammeItem.mission))
        .order_by(Mission.start_date, Mission.id, ProgrammeItem.starts_at, ProgrammeItem.id)
    )
    return list(db.session.scalars(stmt))


def participants_of_mission(mission_id: int) -> list[Participant]:
    """The mission's own participants: linked to one of its live items, or holding a consent record for it. One
    query, by alias."""
    linked = (select(item_participants.c.participant_id)
              .join(ProgrammeItem, ProgrammeItem.id == item_participants.c.item_id)
              .where(ProgrammeItem.mission_id == mission_id, ProgrammeItem.removed_at.is_(None)))
    consented = select(ConsentRecord.participant_id).where(ConsentRecord.mission_id == mission_id)
    return list(db.session.scalars(
        select(Participant).where(or_(Participant.id.in_(linked), Participant.id.in_(consented)))
        .order_by(Participant.alias)))


def participants_in_no_programme() -> list[Participant]:
    """Those just recorded or proposed, in no live item of any mission yet (and not erased): offered on every item
    form beside the mission's own, so that someone proposed a moment ago can be ticked. One query, by alias."""
    placed = (select(item_participants.c.participant_id)
              .join(ProgrammeItem, ProgrammeItem.id == item_participants.c.item_id)
              .where(ProgrammeItem.removed_at.is_(None)))
    return list(db.session.scalars(
        select(Participant).where(Participant.id.notin_(placed), Participant.erased_at.is_(None))
        .order_by(Participant.alias)))


#: The most participants a search shows: a search names someone, it does not list the register.
FOUND_AT_MOST = 30


def find_participants(text: str, *, by_real_name: bool) -> list[Participant]:
    """Participants whose alias or organisation contains ``text`` (any case); for the roles that may see real names,
    also the one whose real name is exactly ``text`` (real names are kept encrypted and found by their blind index
    only, ``crypto``). One query, by alias, at most ``FOUND_AT_MOST``."""
    text = text.strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = [Participant.alias.ilike(pattern, escape="\\"), Participant.organisation.ilike(pattern, escape="\\")]
    if by_real_name:
        found.append(Participant.real_name_index.in_(keyring().blind_indexes(text)))
    return list(db.session.scalars(
        select(Participant).where(or_(*found), Participant.erased_at.is_(None))
        .order_by(Participant.alias).limit(FOUND_AT_MOST)))


def participants_by_id(ids) -> list[Participant]:
    """The participants with these ids (those that exist), by alias: one query."""
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Participant).where(Participant.id.in_(ids)).order_by(Participant.alias)))
