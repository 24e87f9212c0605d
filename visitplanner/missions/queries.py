"""Reading missions, with what their pages show loaded in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from .models import DelegationMember, Mission


def mission_for_page(mission_id: int) -> Mission | None:
    """A mission with its partnership, delegation, companies and items (with attendees)."""
    stmt = (
        select(Mission)
        .where(Mission.id == mission_id)
        .options(
            joinedload(Mission.partnership),
            selectinload(Mission.members).joinedload(DelegationMember.user),
            selectinload(Mission.companies),
            selectinload(Mission.items).selectinload(ProgrammeItem.attendees),
        )
    )
    return db.session.scalar(stmt)


def missions_of(user: User) -> list[Mission]:
    """The missions a person takes part in as a delegation member."""
    stmt = (
        select(Mission)
        .join(DelegationMember, DelegationMember.mission_id == Mission.id)
        .where(DelegationMember.user_id == user.id)
        .options(joinedload(Mission.partnership))
        .order_by(Mission.start_date)
    )
    return list(db.session.scalars(stmt).unique())


def all_missions() -> list[Mission]:
    stmt = select(Mission).options(joinedload(Mission.partnership)).order_by(Mission.start_date)
    return list(db.session.scalars(stmt))


def accounts_for_delegation() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
