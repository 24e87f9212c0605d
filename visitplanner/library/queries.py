"""Reading the talking-points library, what meetings used of it, and the own policy. Each page's reads take a fixed
number of queries, whatever the number of entries, versions and meetings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..followup.models import MeetingOutcome
from ..itinerary.models import ItemKind, ProgrammeItem, item_focal_themes
from ..missions.models import Mission, MissionStatus
from ..partnerships.models import FocalTheme, Partnership, partnership_focal_themes
from ..timeutil import in_zone
from .models import ComposedFrom, LibraryEntry, LibraryVersion, PolicyVersion


def theme_with_library(theme_id: int) -> FocalTheme | None:
    return db.session.get(FocalTheme, theme_id)


def entries_of(theme_ids: list[int], *, retired: bool = True) -> list[LibraryEntry]:
    """The library's entries on these themes, with every version and its author (two queries): answers to
    whataboutism after the talking points, the oldest first; retired ones last (or left out)."""
    stmt = (select(LibraryEntry).where(LibraryEntry.theme_id.in_(theme_ids))
            .options(selectinload(LibraryEntry.versions).joinedload(LibraryVersion.author),
                     selectinload(LibraryEntry.theme))
            .order_by(LibraryEntry.retired_at.is_not(None), LibraryEntry.theme_id, LibraryEntry.kind, LibraryEntry.id))
    if not retired:
        stmt = stmt.where(LibraryEntry.retired_at.is_(None))
    return list(db.session.scalars(stmt))


def entry_with_versions(entry_id: int) -> LibraryEntry | None:
    stmt = (select(LibraryEntry).where(LibraryEntry.id == entry_id)
            .options(selectinload(LibraryEntry.versions).joinedload(LibraryVersion.author),
                     selectinload(LibraryEntry.theme)))
    return db.session.scalar(stmt)


def partnerships_with(theme_id: int) -> list[Partnership]:
    """The partnerships that chose the theme."""
    return list(db.session.scalars(
        select(Partnership).join(partnership_focal_themes, partnership_focal_themes.c.partnership_id == Partnership.id)
        .where(partnership_focal_themes.c.theme_id == theme_id).order_by(Partnership.partner_region)))


@dataclass
class EarlierMeeting:
    """An official meeting that raised the theme: the talking points it used, where they came from in the library,
    what was raised and what the partner answered (recorded after the visit)."""

    mission_id: int
    mission_title: str
    partnership: str
    item_id: int
    item_title: str
    day: date
    talking_points: str
    raised: str | None
    response: str | None
    composed: list[ComposedFrom] = field(default_factory=list)


def earlier_meetings(theme_id: int) -> list[EarlierMeeting]:
    """The official meetings (not removed, their missions not cancelled) that raised the theme with talking points,
    the latest first, with their outcomes and the library versions they were composed from. Two queries."""
    rows = db.session.execute(
        select(Mission.id, Mission.title, Partnership.own_organisation, Partnership.partner_region, ProgrammeItem.id,
               ProgrammeItem.title, ProgrammeItem.starts_at, ProgrammeItem.timezone, ProgrammeItem.talking_points,
               MeetingOutcome.raised, MeetingOutcome.partner_response)
        .select_from(item_focal_themes)
        .join(ProgrammeItem, ProgrammeItem.id == item_focal_themes.c.item_id)
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .join(Partnership, Partnership.id == Mission.partnership_id)
        .outerjoin(MeetingOutcome, MeetingOutcome.item_id == ProgrammeItem.id)
        .where(item_focal_themes.c.theme_id == theme_id, Mission.status != MissionStatus.CANCELLED.value,
               ProgrammeItem.kind == ItemKind.OFFICIAL_MEETING.value, ProgrammeItem.removed_at.is_(None),
               func.length(func.trim(ProgrammeItem.talking_points)) > 0)
        .order_by(ProgrammeItem.starts_at.desc(), ProgrammeItem.id.desc())).all()
    meetings = [EarlierMeeting(mission_id, mission_title, f"{own} – {region}", item_id, item_title,
                               in_zone(starts_at, zone).date(), talking_points, raised or None, response or None)
                for (mission_id, mission_title, own, region, item_id, item_title, starts_at, zone, talking_points,
                     raised, response) in rows]
    links = composed_for([m.item_id for m in meetings])
    for meeting in meetings:
        meeting.composed = links.get(meeting.item_id, [])
    return meetings


def composed_for(item_ids: list[int]) -> dict[int, list[ComposedFrom]]:
    """Per item, the library versions its talking points were composed from, in the order composed. One query."""
    if not item_ids:
        return {}
    stmt = (select(ComposedFrom).where(ComposedFrom.item_id.in_(item_ids))
            .options(selectinload(ComposedFrom.version).selectinload(LibraryVersion.entry))
            .order_by(ComposedFrom.composed_at, ComposedFrom.version_id))
    found: dict[int, list[ComposedFrom]] = {}
    for link in db.session.scalars(stmt):
        found.setdefault(link.item_id, []).append(link)
    return found


def policy_versions() -> list[PolicyVersion]:
    """Every version of the own policy, the latest first."""
    stmt = select(PolicyVersion).options(selectinload(PolicyVersion.author)).order_by(PolicyVersion.number.desc())
    return list(db.session.scalars(stmt))


def current_policy() -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1))
