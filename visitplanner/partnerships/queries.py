"""Reading partnerships."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from ..contacts.models import Contact, contact_focal_themes
from ..extensions import db
from ..followup.models import FollowUp, MeetingOutcome
from ..itinerary.models import ItemKind, ProgrammeItem, item_focal_themes
from ..missions.models import Mission, MissionStatus
from ..timeutil import in_zone
from .models import FocalTheme, Objective, Partnership, PartnershipReview


def all_partnerships() -> list[Partnership]:
    stmt = select(Partnership).options(selectinload(Partnership.missions)).order_by(Partnership.partner_region)
    return list(db.session.scalars(stmt))


def partnership_with_missions(partnership_id: int) -> Partnership | None:
    stmt = (
        select(Partnership)
        .where(Partnership.id == partnership_id)
        .options(
            selectinload(Partnership.missions).selectinload(Mission.members),
            selectinload(Partnership.dossier_entries),
            selectinload(Partnership.focal_themes),
            selectinload(Partnership.objectives).selectinload(Objective.evaluations),
        )
    )
    return db.session.scalar(stmt)


def items_per_theme(partnership_id: int) -> dict[int, int]:
    """How many programme items (not removed) of the partnership's missions raise each focal theme."""
    rows = db.session.execute(
        select(item_focal_themes.c.theme_id, func.count())
        .join(ProgrammeItem, ProgrammeItem.id == item_focal_themes.c.item_id)
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .where(Mission.partnership_id == partnership_id, ProgrammeItem.removed_at.is_(None))
        .group_by(item_focal_themes.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


#: Self-censorship is judged over this many of a partnership's latest missions and contacts with the partner region
#: together, by date (cancelled missions left out): "the window of the last three".
RECENT_MISSIONS = 3


@dataclass(frozen=True)
class RaisedIn:
    """An official meeting that raised a focal theme, and what the partner answered (after the visit)."""

    mission_id: int
    mission_title: str
    item_id: int
    item_title: str
    day: date
    response: str | None


@dataclass(frozen=True)
class RaisedAt:
    """A contact with the partner region between visits that raised a focal theme, and what the partner answered."""

    contact_id: int
    kind: str
    subject: str
    day: date
    response: str | None


@dataclass
class ThemeRecord:
    """How a focal theme fared with the partner: where it was raised, and whether it went unraised of late."""

    theme: FocalTheme
    meetings: list[RaisedIn] = field(default_factory=list)
    #: The contacts between visits that raised it, oldest first.
    contacts: list[RaisedAt] = field(default_factory=list)
    #: Raised neither in an official meeting nor in a contact of the partnership's latest three missions and contacts
    #: together: the failure mode of B.a.
    silent: bool = False


def themes_raised(partnership_ids: list[int] | None = None) -> dict[int, list[ThemeRecord]]:
    """Per partnership, per focal theme: the official meetings that raised it (a theme linked to a meeting with
    human-rights talking points) and the contacts between visits that raised it, with the partner's responses. A
    theme raised in none of the latest three missions and contacts together (by date) is silent.

    Five queries, whatever the number of partnerships, missions, meetings and contacts.
    """
    chosen = select(Partnership).options(selectinload(Partnership.focal_themes))
    if partnership_ids is not None:
        chosen = chosen.where(Partnership.id.in_(partnership_ids))
    partnerships = list(db.session.scalars(chosen))
    ids = [p.id for p in partnerships]
    # The missions and the contacts of each partnership on one time line, latest first: a mission counts on its
    # first day, a contact on its own.
    timeline = union_all(
        select(Mission.partnership_id.label("partnership_id"), literal("mission").label("what"),
               Mission.id.label("id"), Mission.start_date.label("day"))
        .where(Mission.partnership_id.in_(ids), Mission.status != MissionStatus.CANCELLED.value),
        select(Contact.partnership_id, literal("contact"), Contact.id, Contact.happened_on)
        .where(Contact.partnership_id.in_(ids)),
    ).subquery()
    recent: dict[int, set[tuple[str, int]]] = {}
    for partnership_id, what, row_id, _day in db.session.execute(
            select(timeline).order_by(timeline.c.partnership_id, timeline.c.day.desc(), timeline.c.what,
                                      timeline.c.id.desc())):
        latest = recent.setdefault(partnership_id, set())
        if len(latest) < RECENT_MISSIONS:
            latest.add((what, row_id))
    rows = db.session.execute(
        select(item_focal_themes.c.theme_id, Mission.partnership_id, Mission.id, Mission.title, ProgrammeItem.id,
               ProgrammeItem.title, ProgrammeItem.starts_at, ProgrammeItem.timezone, MeetingOutcome.partner_response)
        .join(ProgrammeItem, ProgrammeItem.id == item_focal_themes.c.item_id)
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .outerjoin(MeetingOutcome, MeetingOutcome.item_id == ProgrammeItem.id)
        .where(Mission.partnership_id.in_(ids), Mission.status != MissionStatus.CANCELLED.value,
               ProgrammeItem.kind == ItemKind.OFFICIAL_MEETING.value, ProgrammeItem.removed_at.is_(None),
               func.length(func.trim(ProgrammeItem.talking_points)) > 0)
        .order_by(ProgrammeItem.starts_at)).all()
    found: dict[tuple[int, int], list[tuple[tuple[str, int], RaisedIn]]] = {}
    for theme_id, partnership_id, mission_id, mission_title, item_id, item_title, starts_at, zone, response in rows:
        found.setdefault((partnership_id, theme_id), []).append((("mission", mission_id), RaisedIn(
            mission_id, mission_title, item_id, item_title, in_zone(starts_at, zone).date(), response or None)))
    contacts = db.session.execute(
        select(contact_focal_themes.c.theme_id, Contact.partnership_id, Contact.id, Contact.kind, Contact.subject,
               Contact.happened_on, Contact.partner_response)
        .join(Contact, Contact.id == contact_focal_themes.c.contact_id)
        .where(Contact.partnership_id.in_(ids))
        .order_by(Contact.happened_on, Contact.id)).all()
    in_contacts: dict[tuple[int, int], list[RaisedAt]] = {}
    for theme_id, partnership_id, contact_id, kind, subject, day, response in contacts:
        in_contacts.setdefault((partnership_id, theme_id), []).append(
            RaisedAt(contact_id, kind, subject, day, response or None))
    result = {}
    for partnership in partnerships:
        records = []
        latest = recent.get(partnership.id, set())
        for theme in partnership.focal_themes:
            raised = found.get((partnership.id, theme.id), [])
            by_contact = in_contacts.get((partnership.id, theme.id), [])
            where = {key for key, _ in raised} | {("contact", c.contact_id) for c in by_contact}
            records.append(ThemeRecord(theme, [r for _, r in raised], by_contact,
                                       silent=bool(latest) and not where & latest))
        result[partnership.id] = records
    return result


def last_reviews(partnership_ids: list[int] | None = None) -> dict[int, date]:
    """The day of each partnership's latest periodic review (those never reviewed are left out). One query."""
    stmt = select(PartnershipReview.partnership_id, func.max(PartnershipReview.held_on)).group_by(
        PartnershipReview.partnership_id)
    if partnership_ids is not None:
        stmt = stmt.where(PartnershipReview.partnership_id.in_(partnership_ids))
    return {partnership_id: held_on for partnership_id, held_on in db.session.execute(stmt)}


@dataclass
class ReviewSources:
    """Everything a partnership's review reads: the partnership with its missions, dossier, themes and objectives
    (with their evaluations), its reviews (newest first, with their notes), the follow-ups linked to its objectives,
    and its focal themes' record with the partner."""

    partnership: Partnership
    reviews: list[PartnershipReview]
    follow_ups: dict[int, list[FollowUp]]
    themes: list[ThemeRecord]


def review_sources(partnership: Partnership) -> ReviewSources:
    """What the review of a partnership (loaded as :func:`partnership_with_missions` loads it) reads, in a fixed
    number of queries whatever the amount of data."""
    partnership_id = partnership.id
    reviews = list(db.session.scalars(
        select(PartnershipReview).where(PartnershipReview.partnership_id == partnership_id)
        .options(selectinload(PartnershipReview.notes))
        .order_by(PartnershipReview.held_on.desc(), PartnershipReview.id.desc())))
    follow_ups: dict[int, list[FollowUp]] = {}
    for follow_up in db.session.scalars(
            select(FollowUp).where(FollowUp.objective_id.in_([o.id for o in partnership.objectives]))
            .order_by(FollowUp.due_date, FollowUp.id)):
        follow_ups.setdefault(follow_up.objective_id, []).append(follow_up)
    return ReviewSources(partnership, reviews, follow_ups, themes_raised([partnership_id])[partnership_id])
