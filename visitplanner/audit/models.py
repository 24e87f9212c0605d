"""The audit log: who changed what, when. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ..facts import facts
from ..personal_data import ACTED, CIVIL, COMPANY_CONTACT, DELEGATION, KEY, NAMED, USER, Category, personal
from ..timeutil import UTCDateTime, now_utc

#: The labels and changes of entries hold aliases and the values of what changed (never a real name, a residence or
#: contact details: those are logged as "changed").
_WHAT_CHANGED = personal(Category.ACTIVITY, USER, CIVIL, DELEGATION, COMPANY_CONTACT, NAMED)


def _logged(privacy) -> dict:
    return facts(ignored="the log of changes: every entry is written beside the change it describes, which raises "
                         "its own roots; the history page reads it fresh", fingerprint=False, privacy=privacy,
                 audit=False)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True, info=_logged(KEY))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True, info=_logged(ACTED))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_logged(ACTED))
    #: A dotted verb, e.g. ``item.update``.
    action: Mapped[str] = mapped_column(String(64), info=_logged(ACTED))
    object_type: Mapped[str] = mapped_column(String(40), info=_logged(ACTED))
    #: Plain integers, no foreign keys: an entry outlives what it describes.
    object_id: Mapped[int | None] = mapped_column(info=_logged(ACTED))
    mission_id: Mapped[int | None] = mapped_column(index=True, info=_logged(ACTED))
    partnership_id: Mapped[int | None] = mapped_column(index=True, info=_logged(ACTED))
    #: The human-readable label of the object at the time of the change.
    label: Mapped[str] = mapped_column(Text, default="", info=_logged(_WHAT_CHANGED))
    #: ``{field: [old, new]}`` for updates, ``{field: [None, new]}`` for creations.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=_logged(_WHAT_CHANGED))

    actor = relationship("User", lazy="joined")


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
