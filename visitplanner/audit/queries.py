"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry


def mission_history(mission_id: int) -> list[AuditEntry]:
    """Every entry about a mission and what belongs to it, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.mission_id == mission_id).order_by(AuditEntry.id.desc())
    return list(db.session.scalars(stmt))


def recent(limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))
