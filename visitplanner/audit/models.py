"""The audit log: who changed what, when. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, now_utc


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A dotted verb, e.g. ``item.update``.
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    #: Plain integers, no foreign keys: an entry outlives what it describes.
    object_id: Mapped[int | None]
    mission_id: Mapped[int | None] = mapped_column(index=True)
    partnership_id: Mapped[int | None] = mapped_column(index=True)
    #: The human-readable label of the object at the time of the change.
    label: Mapped[str] = mapped_column(Text, default="")
    #: ``{field: [old, new]}`` for updates, ``{field: [None, new]}`` for creations.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
