"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..missions.models import Mission
from .models import AuditEntry


def mission_history(mission_id: int) -> list[AuditEntry]:
    """Every entry about a mission and what belongs to it, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.mission_id == mission_id).order_by(AuditEntry.id.desc())
    return list(db.session.scalars(stmt))


def recent(limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))


def mission_titles(entries: list[AuditEntry]) -> dict[int, str]:
    """The titles of the missions ``entries`` are about, by id: the log names a mission, never its number."""
    ids = {e.mission_id for e in entries if e.mission_id}
    if not ids:
        return {}
    rows = db.session.execute(select(Mission.id, Mission.title).where(Mission.id.in_(ids)))
    return {row.id: row.title for row in rows}
