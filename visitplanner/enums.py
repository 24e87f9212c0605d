"""Choices that several areas share, and the SQL check that keeps a column to an enum's values."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


def sql_in(enum: type[StrEnum]) -> str:
    """The values of ``enum`` as an SQL list, for ``CheckConstraint(f"col IN ({sql_in(E)})")``."""
    return ", ".join(f"'{member.value}'" for member in enum)


class RiskLevel(StrEnum):
    """How grave the risk is: of a partnership (to the region's people), or to one participant."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return str({RiskLevel.LOW: _l("Low"), RiskLevel.MEDIUM: _l("Medium"), RiskLevel.HIGH: _l("High"),
                    RiskLevel.CRITICAL: _l("Critical")}[self])
