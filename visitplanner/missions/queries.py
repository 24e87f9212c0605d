"""Reading missions, with what their pages show loaded in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..participants.models import Participant
from ..partnerships.models import Partnership
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
            selectinload(Mission.items).selectinload(ProgrammeItem.participants).selectinload(Participant.consents),
            selectinload(Mission.items).selectinload(ProgrammeItem.participants)
            .selectinload(Participant.assessments),
            selectinload(Mission.sign_offs),
            selectinload(Mission.confirmations),
            joinedload(Mission.partnership).selectinload(Partnership.dossier_entries),
            joinedload(Mission.partnership).selectinload(Partnership.focal_themes),
            joinedload(Mission.partnership).selectinload(Partnership.objectives),
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


def missions_for_checklist(mission_ids: list[int] | None = None) -> list[Mission]:
    """Missions with everything the checks read, loaded in a fixed number of queries."""
    stmt = select(Mission.id).order_by(Mission.id)
    if mission_ids:
        stmt = stmt.where(Mission.id.in_(mission_ids))
    return [m for m in (mission_for_page(i) for i in db.session.scalars(stmt)) if m is not None]


def accounts_for_delegation() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
