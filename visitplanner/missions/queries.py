"""Reading missions, with what their pages show loaded in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..participants.models import Consultation, Participant
from ..partnerships.models import Partnership
from .models import Company, DelegationMember, Mission


def programme_options():
    """Eager loading of everything a mission page, checklist, export or feed reads: a fixed number of queries."""
    return (
        joinedload(Mission.partnership),
        selectinload(Mission.members).joinedload(DelegationMember.user),
        selectinload(Mission.companies).selectinload(Company.briefings),
        selectinload(Mission.items).selectinload(ProgrammeItem.attendees),
        selectinload(Mission.items).selectinload(ProgrammeItem.focal_themes),
        selectinload(Mission.items).selectinload(ProgrammeItem.participants).selectinload(Participant.consents),
        selectinload(Mission.items).selectinload(ProgrammeItem.participants)
        .selectinload(Participant.assessments),
        selectinload(Mission.consultations).selectinload(Consultation.covers),
        selectinload(Mission.sign_offs),
        selectinload(Mission.confirmations),
        joinedload(Mission.partnership).selectinload(Partnership.dossier_entries),
        joinedload(Mission.partnership).selectinload(Partnership.focal_themes),
        joinedload(Mission.partnership).selectinload(Partnership.objectives),
    )


def mission_for_page(mission_id: int) -> Mission | None:
    """A mission with its partnership, delegation, companies, items, participants and sign-offs."""
    return db.session.scalar(select(Mission).where(Mission.id == mission_id).options(*programme_options()))


def missions_with_programme(mission_ids) -> list[Mission]:
    """Several missions, each loaded as for its page, in the same fixed number of queries."""
    if not mission_ids:
        return []
    stmt = select(Mission).where(Mission.id.in_(list(mission_ids))).options(*programme_options())
    return sorted(db.session.scalars(stmt).unique(), key=lambda m: (m.start_date, m.id))


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
    return sorted(missions_with_programme(db.session.scalars(stmt).all()), key=lambda m: m.id)


def accounts_for_delegation() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
