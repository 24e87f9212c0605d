"""Reading partnerships."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..missions.models import Mission
from .models import Objective, Partnership


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
    from sqlalchemy import func

    from ..itinerary.models import ProgrammeItem, item_focal_themes

    rows = db.session.execute(
        select(item_focal_themes.c.theme_id, func.count())
        .join(ProgrammeItem, ProgrammeItem.id == item_focal_themes.c.item_id)
        .join(Mission, Mission.id == ProgrammeItem.mission_id)
        .where(Mission.partnership_id == partnership_id, ProgrammeItem.removed_at.is_(None))
        .group_by(item_focal_themes.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}
