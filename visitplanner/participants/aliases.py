"""Code names for civil-society participants: neutral, unrelated to the person, never reused."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ..extensions import db
from .models import Participant

WORDS = (
    "Berk", "Den", "Eik", "Els", "Esdoorn", "Hazelaar", "Hulst", "Iep", "Jasmijn", "Kastanje", "Linde",
    "Lotus", "Magnolia", "Mirte", "Olijf", "Populier", "Reiger", "Roos", "Spar", "Tulp", "Valk", "Wilg",
    "Zwaluw", "Kraanvogel", "Ooievaar", "Lijster", "Merel", "Meeuw", "Zilverreiger", "Vlier",
)


def generate_alias() -> str:
    """A fresh code name such as 'Reiger-4821' that no participant has yet."""
    while True:
        alias = f"{secrets.choice(WORDS)}-{secrets.randbelow(9000) + 1000}"
        if db.session.scalar(select(Participant.id).where(Participant.alias == alias)) is None:
            return alias
