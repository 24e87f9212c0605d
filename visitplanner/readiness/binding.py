"""Sign-offs bound to what they vouch for: after every flush, the submitted or finalised missions whose revision
rose are read again, and where the fingerprint of what was vouched for moved, the sign-offs are void.

No operation voids by hand: an item moved, talking points cleared, the end date extended, a consent withdrawn,
a company's briefing undone all raise the mission's revision (``visitplanner/revisions.py``), and a moved
fingerprint voids here, in the same transaction. Lapses by date (nothing written, only the day moved) are
applied by ``flask --app visitplanner checklist`` from cron; pages show them without writing.

The void is taken by the system. Its audit entry is written just after the entry of the change that caused it,
and is attributed to the person who made that change; with no such entry (cron), to nobody.
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..audit.models import AuditEntry
from ..missions.models import Mission
from ..missions.queries import programme_options
from ..revisions import SIGNED_MISSIONS_REVISED
from ..timeutil import today_utc
from .lifecycle import Action
from .operations import moved_since_vouched, void_changes, void_reason, void_state

#: Voids taken during a flush, whose audit entries wait for the entry of the change that caused them.
QUEUED = "binding.queued_audit"


@event.listens_for(Session, "after_flush_postexec")
def _void_what_moved(session: Session, flush_context) -> None:
    ids = session.info.pop(SIGNED_MISSIONS_REVISED, None)
    if not ids:
        return
    today = today_utc()
    with session.no_autoflush:
        # Read afresh: what this transaction wrote, and on PostgreSQL what others committed before the revision
        # UPDATE took the row lock.
        missions = session.scalars(
            select(Mission).where(Mission.id.in_(sorted(ids))).options(*programme_options())
            .execution_options(populate_existing=True)).all()
        for mission in missions:
            moved = moved_since_vouched(mission, today)
            if moved is None:
                continue
            reason = void_reason(moved)
            before = void_state(mission, Action.VOID, reason)
            session.info.setdefault(QUEUED, []).append((mission, void_changes(before, reason, moved)))


def _write_queued(session: Session, actor_id: int | None) -> None:
    for mission, changes in session.info.pop(QUEUED, []):
        session.add(AuditEntry(actor_id=actor_id, action="mission.void_sign_off", object_type="Mission",
                               object_id=mission.id, mission_id=mission.id, partnership_id=mission.partnership_id,
                               label=mission.title, changes=changes))


@event.listens_for(Session, "before_flush")
def _audit_after_the_change(session: Session, flush_context, instances) -> None:
    """Once the change's own audit entry is in a flush, the void's entry follows it, by the same person."""
    if not session.info.get(QUEUED):
        return
    entries = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if entries:
        _write_queued(session, next((e.actor_id for e in entries if e.actor_id is not None), None))


@event.listens_for(Session, "before_commit")
def _audit_the_rest(session: Session) -> None:
    """A void no audited change caused (a change made outside an operation): the system's, on its own."""
    if session.info.get(QUEUED):
        _write_queued(session, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(QUEUED, None)
