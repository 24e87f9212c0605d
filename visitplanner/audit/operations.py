"""Writing the audit log, always in the transaction of the change it describes."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, Iterable

from ..extensions import db
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_plain(v) for v in value)
    if value is None or isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of ``obj`` as plain JSON values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record(
    actor,
    action: str,
    obj: Any,
    *,
    label: str = "",
    changes: dict[str, list[Any]] | None = None,
    mission_id: int | None = None,
    partnership_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry for ``obj`` to the current transaction (flushed, not committed)."""
    db.session.flush()  # the object needs its id before it can be named
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "Database",  # None: the whole database
        object_id=getattr(obj, "id", None),
        mission_id=mission_id,
        partnership_id=partnership_id,
        label=label,
        changes=changes or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
