"""Reading the company register, each page in a fixed number of queries whatever the number of companies, briefings
and missions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from ..missions.models import Company, Mission
from ..partnerships.models import Objective
from .models import CompanyBriefing, DueDiligenceChange


def register() -> list[Company]:
    """Every company in the register, by name, with its briefings and missions (the list's columns)."""
    stmt = (select(Company).order_by(Company.name)
            .options(selectinload(Company.briefings), selectinload(Company.missions)))
    return list(db.session.scalars(stmt))


def company_for_page(company_id: int) -> Company | None:
    """A company with everything its page shows: briefings (who, topics, objectives), the history of its due
    diligence, meetings with defenders, contacts with foreign civil society, its objectives and missions."""
    stmt = (select(Company).where(Company.id == company_id).options(
        selectinload(Company.briefings).selectinload(CompanyBriefing.topics),
        selectinload(Company.briefings).selectinload(CompanyBriefing.objectives),
        selectinload(Company.due_diligence_history).joinedload(DueDiligenceChange.changed_by),
        selectinload(Company.defender_meetings),
        selectinload(Company.connections),
        selectinload(Company.objectives).joinedload(Objective.partnership),
        selectinload(Company.missions).joinedload(Mission.partnership),
    ))
    return db.session.scalar(stmt)


def objective_choices() -> list[Objective]:
    """Every objective of every partnership's action plan, by partnership, for the forms that link to them."""
    stmt = select(Objective).options(joinedload(Objective.partnership)).order_by(Objective.partnership_id,
                                                                                 Objective.id)
    return list(db.session.scalars(stmt))


def briefers() -> list[User]:
    """Who can be named as having given a briefing: every active account, by name."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))


def companies_to_pick(mission: Mission) -> list[Company]:
    """The register's companies not yet in ``mission``, by name: what a mission picks from."""
    taken = {c.id for c in mission.companies}
    return [c for c in db.session.scalars(select(Company).order_by(Company.name)) if c.id not in taken]
