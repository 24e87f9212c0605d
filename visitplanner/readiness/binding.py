"""Sign-offs bound to what they vouch for: a step of the one commit (``visitplanner/commit.py``).

Once the revisions of a transaction's changes are raised, the submitted or finalised missions among them are read
again, and where the fingerprint of what was vouched for moved, the sign-offs are void. No operation voids by hand:
an item moved, talking points cleared, the end date extended, a consent withdrawn, a company's briefing undone all
raise the mission's revision (``visitplanner/revisions.py``), and a moved fingerprint voids here, in the same
transaction. Lapses by date (nothing written, only the day moved) are applied by ``flask --app visitplanner
checklist`` from cron; pages show them without writing.

The void is taken by the system, and its audit entry names the person whose change caused it (the actor the commit
was given; with none, as from cron, nobody). It follows that change's own entry, which was written with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.models import AuditEntry
from ..auth.models import User
from ..missions.models import Mission
from ..missions.queries import programme_options
from .lifecycle import Action
from .operations import moved_since_vouched, standing_sign_offs, void_changes, void_reason, void_state


@dataclass(frozen=True)
class VoidedSignOff:
    """A sign-off a change voided, as it stood: who signed, in which role, when."""

    id: int
    role_label: str
    name: str
    signed_at: datetime


@dataclass(frozen=True)
class Voided:
    """A mission a change took back to draft: its submission and the sign-offs it voided, with what moved."""

    mission_id: int
    title: str
    sign_offs: tuple[VoidedSignOff, ...]
    changes: tuple

    @property
    def keys(self) -> frozenset[str]:
        """What a person confirms voiding: the submission and each sign-off (``m<mission>``, ``s<sign-off>``)."""
        return frozenset({f"m{self.mission_id}", *(f"s{s.id}" for s in self.sign_offs)})


def void_what_moved(session: Session, mission_ids: set[int], actor: User | None, today: date) -> list[Voided]:
    """Void the sign-offs of each of these (submitted or finalised) missions whose vouched content moved, audited as
    ``actor``'s; returns what was voided."""
    if not mission_ids:
        return []
    voided = []
    with session.no_autoflush:
        # Read afresh: what this transaction wrote, and on PostgreSQL what others committed before the revision
        # UPDATE took the row lock.
        missions = session.scalars(
            select(Mission).where(Mission.id.in_(sorted(mission_ids))).options(*programme_options())
            .execution_options(populate_existing=True)).all()
        for mission in missions:
            moved = moved_since_vouched(mission, today)
            if moved is None:
                continue
            reason = void_reason(moved)
            standing = tuple(VoidedSignOff(s.id, str(s.role_label), s.user.name, s.signed_at)
                             for s in standing_sign_offs(mission))
            before = void_state(mission, Action.VOID, reason)
            session.add(AuditEntry(actor_id=actor.id if actor is not None else None, action="mission.void_sign_off",
                                   object_type="Mission", object_id=mission.id, mission_id=mission.id,
                                   partnership_id=mission.partnership_id, label=mission.title,
                                   changes=void_changes(before, reason, moved)))
            voided.append(Voided(mission.id, mission.title, standing, tuple(moved)))
    return voided
