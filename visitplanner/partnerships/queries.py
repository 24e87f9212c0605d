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
