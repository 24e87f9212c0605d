"""Reading the register and who an objective's input rests on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..missions.models import Company
from ..participants.models import Participant
from ..partnerships.models import Objective, ObjectiveKind, Partnership
from .models import InputGap, Involvement, Stakeholder, input_gaps


def all_stakeholders() -> list[Stakeholder]:
    return list(db.session.scalars(select(Stakeholder).order_by(Stakeholder.alias)))


def people() -> list[Participant]:
    """The people of the register: civil-society participants, whether they take part in meetings or not."""
    return list(db.session.scalars(select(Participant).where(Participant.erased_at.is_(None))
                                   .order_by(Participant.alias)))


def companies() -> list[Company]:
    return list(db.session.scalars(select(Company).order_by(Company.name)))


def stakeholder_page(stakeholder_id: int) -> Stakeholder | None:
    """An organisation with its involvement and each objective's partnership (two queries)."""
    return db.session.scalar(
        select(Stakeholder).where(Stakeholder.id == stakeholder_id)
        .options(selectinload(Stakeholder.involvements).joinedload(Involvement.objective)
                 .joinedload(Objective.partnership)))


def involvement_of(objective_ids: list[int]) -> dict[int, list[Involvement]]:
    """Per objective, who was consulted or involved, newest first (one query)."""
    found: dict[int, list[Involvement]] = {i: [] for i in objective_ids}
    rows = db.session.scalars(select(Involvement).where(Involvement.objective_id.in_(objective_ids))
                              .order_by(Involvement.held_on.desc(), Involvement.id.desc()))
    for involvement in rows.unique():
        found[involvement.objective_id].append(involvement)
    return found


@dataclass(frozen=True)
class Lacking:
    """An objective whose recorded input lacks civil society's, or the partner region's (B.b)."""

    partnership: Partnership
    objective: Objective
    gaps: tuple[InputGap, ...]


def objectives_lacking_input(partnership_ids: list[int] | None = None) -> list[Lacking]:
    """Every objective (of the given partnerships; a project with a local partner is carried out with them, not
    consulted on) resting on no civil-society input, or none from the partner
    region; two queries whatever the number of objectives."""
    stmt = (select(Objective).where(Objective.kind == ObjectiveKind.OBJECTIVE.value)
            .options(joinedload(Objective.partnership)).order_by(Objective.partnership_id, Objective.target_date))
    if partnership_ids is not None:
        stmt = stmt.where(Objective.partnership_id.in_(partnership_ids))
    objectives = list(db.session.scalars(stmt).unique())
    involved = involvement_of([o.id for o in objectives])
    lacking = [Lacking(o.partnership, o, tuple(input_gaps(involved[o.id]))) for o in objectives]
    return [entry for entry in lacking if entry.gaps]
