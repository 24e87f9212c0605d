"""Reading participants."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Participant


def all_participants() -> list[Participant]:
    return list(db.session.scalars(select(Participant).order_by(Participant.alias)))


def participant_for_page(participant_id: int) -> Participant | None:
    stmt = (
        select(Participant).where(Participant.id == participant_id)
        .options(selectinload(Participant.consents), selectinload(Participant.assessments))
    )
    return db.session.scalar(stmt)
