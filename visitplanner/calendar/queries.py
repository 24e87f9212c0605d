"""What a feed covers, read again at every fetch with the owner's current rights."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..missions.models import DelegationMember, Mission
from ..followup.models import FollowUp
from ..participants.models import ConsentRecord
from ..partnerships.models import Evaluation, Objective
from .models import CalendarFeed, FeedKind


def scope_mission_ids(feed: CalendarFeed) -> list[int]:
    """The missions the feed's owner may see today, within what the feed covers."""
    owner = feed.owner
    if feed.kind == FeedKind.PERSON:
        stmt = select(DelegationMember.mission_id).where(DelegationMember.user_id == owner.id)
    elif feed.kind == FeedKind.MISSION:
        if owner.is_staff:
            stmt = select(Mission.id).where(Mission.id == feed.mission_id)
        else:
            stmt = select(DelegationMember.mission_id).where(
                DelegationMember.user_id == owner.id, DelegationMember.mission_id == feed.mission_id)
    elif not owner.is_staff:
        return []
    elif feed.kind == FeedKind.PARTNERSHIP:
        stmt = select(Mission.id).where(Mission.partnership_id == feed.partnership_id)
    else:
        stmt = select(Mission.id)
    return sorted(set(db.session.scalars(stmt)))


def feed_version(feed: CalendarFeed, mission_ids: list[int], today: date) -> str:
    """A strong validator for the feed, from a few aggregates (no calendar built).

    Everything that changes the output moves one of these: an item changed, added or removed (updated_at,
    count), consent given or withdrawn (newest consent id), the delegation (members), the mission itself,
    the owner's account (version), and the date (consents lapse and cancellations age by day).
    """
    items = db.session.execute(
        select(func.count(ProgrammeItem.id), func.max(ProgrammeItem.updated_at))
        .where(ProgrammeItem.mission_id.in_(mission_ids))
    ).one()
    consents = db.session.execute(
        select(func.count(ConsentRecord.id), func.max(ConsentRecord.id), func.max(ConsentRecord.recorded_at))
        .where(ConsentRecord.mission_id.in_(mission_ids))
    ).one()
    members = db.session.execute(
        select(func.count(DelegationMember.id), func.max(DelegationMember.id))
        .where(DelegationMember.mission_id.in_(mission_ids))
    ).one()
    missions = db.session.execute(
        select(func.max(Mission.updated_at)).where(Mission.id.in_(mission_ids))
    ).one()
    reminders = ()
    if feed.kind == FeedKind.ORGANISATION:
        reminders = tuple(db.session.execute(
            select(func.count(FollowUp.id), func.max(FollowUp.updated_at))).one()) + tuple(db.session.execute(
            select(func.count(Objective.id), func.max(Objective.evaluation_due), func.max(Evaluation.id))
            .select_from(Objective).outerjoin(Evaluation, Evaluation.objective_id == Objective.id)).one())
    key = repr((feed.id, feed.audience, feed.owner.version, mission_ids, tuple(items), tuple(consents),
                tuple(members), tuple(missions), reminders, today.isoformat()))
    return hashlib.sha256(key.encode()).hexdigest()
