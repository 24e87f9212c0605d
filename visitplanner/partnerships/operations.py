"""Changes to partnerships."""

from __future__ import annotations

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import StaleEdit
from ..extensions import db
from .models import Partnership

FIELDS = Partnership.AUDITED


def create_partnership(actor: User, **data) -> Partnership:
    """Record a new partnership."""
    partnership = Partnership(**{k: data[k] for k in FIELDS})
    db.session.add(partnership)
    db.session.flush()
    record(actor, "partnership.create", partnership, label=partnership.label,
           partnership_id=partnership.id, changes=changed({}, snapshot(partnership, FIELDS)))
    return partnership


def update_partnership(actor: User, partnership: Partnership, *, expected_version: int | None, **data) -> Partnership:
    """Change a partnership's details; refuses a save based on a stale version."""
    if expected_version != partnership.version:
        raise StaleEdit()
    before = snapshot(partnership, FIELDS)
    for key in FIELDS:
        setattr(partnership, key, data[key])
    changes = changed(before, snapshot(partnership, FIELDS))
    if changes:
        db.session.flush()
        record(actor, "partnership.update", partnership, label=partnership.label,
               partnership_id=partnership.id, changes=changes)
    return partnership
