"""Code names for civil-society participants and the register's organisations: neutral, unrelated to whom they
stand for, never reused, and never naming two records (a participant and an organisation) at once."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ..extensions import db
from ..stakeholders.models import Stakeholder
from .models import Participant

WORDS = (
    "Berk", "Den", "Eik", "Els", "Esdoorn", "Hazelaar", "Hulst", "Iep", "Jasmijn", "Kastanje", "Linde",
    "Lotus", "Magnolia", "Mirte", "Olijf", "Populier", "Reiger", "Roos", "Spar", "Tulp", "Valk", "Wilg",
    "Zwaluw", "Kraanvogel", "Ooievaar", "Lijster", "Merel", "Meeuw", "Zilverreiger", "Vlier",
)


def alias_taken(alias: str, *, participant_id: int | None = None, stakeholder_id: int | None = None) -> bool:
    """Whether a participant or an organisation other than the one given already goes by ``alias``."""
    people = select(Participant.id).where(Participant.alias == alias)
    organisations = select(Stakeholder.id).where(Stakeholder.alias == alias)
    if participant_id is not None:
        people = people.where(Participant.id != participant_id)
    if stakeholder_id is not None:
        organisations = organisations.where(Stakeholder.id != stakeholder_id)
    return db.session.scalar(people) is not None or db.session.scalar(organisations) is not None


def generate_alias() -> str:
    """A fresh code name such as 'Reiger-4821' that no participant and no organisation has yet."""
    while True:
        alias = f"{secrets.choice(WORDS)}-{secrets.randbelow(9000) + 1000}"
        if not alias_taken(alias):
            return alias
