"""The one commit: everything that follows a change, in the order it happens.

A flush does nothing but note the roots of the rows it writes (``revisions.TrackedSession``). Committing a
transaction is this function, and nothing else runs at a COMMIT:

1. flush what is pending;
2. raise the revisions of the missions, partnerships and accounts the rows written belong to (``revisions.py``);
3. settle readiness: a submitted or finalised mission whose vouched content moved is voided, with what changed,
   audited as the actor's (``readiness/binding.py``); a void writes, so 1–3 run again until nothing new is written;
4. follow calendars: what each audience is shown of every item whose events the rows written can alter (the item
   itself, a participant's items, every item of a cancelled mission: ``revisions.py`` says which;
   ``calendar/following.py``);
5. stamp the revisions' time under the revision clock's lock, so that Last-Modified follows the order of the
   commits (``revisions.stamp_revised``);
6. COMMIT;
7. after it, forget the kept feed bodies again when a name left the data (``cache.forget_bodies``).

Views never call it: the request shell does (``visitplanner/shell.py``), as do the command-line tools and the
tests. A plain ``commit()`` of changes not yet followed is refused. The engineers' guide says this in one paragraph,
with where a new column declares its facts (``docs/engineers.md``, "The commit pipeline and where a new column
declares its facts").
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from . import cache
from .auth.models import User
from .calendar.following import follow_items
from .extensions import db
from .readiness.binding import Voided, void_what_moved
from .revisions import raise_revisions, stamp_revised
from .timeutil import today_utc


def commit(actor: User | None = None, session: Session | None = None) -> None:
    """Commit the transaction (of ``db.session``, or ``session``), following its changes first; ``actor`` made them
    (None: the system)."""
    session = session if session is not None else db.session()
    follow_changes(actor, session)
    forget_bodies = session.changes.forget_bodies
    session.commit()
    if forget_bodies:
        cache.forget()


def follow_changes(actor: User | None = None, session: Session | None = None) -> None:
    """Steps 1 to 5: everything that follows the transaction's changes, in the transaction, before its COMMIT."""
    session = session if session is not None else db.session()
    settle_changes(actor, session)
    follow_items(session, session.changes.follow)
    stamp_revised(session)


def settle_changes(actor: User | None = None, session: Session | None = None) -> list[Voided]:
    """Steps 1 to 3: flush, raise the revisions, void what moved, until nothing new is written; returns what was
    voided, so that the request shell can ask before it commits (a rollback undoes it all). Running it again, as the
    commit does, finds nothing new."""
    session = session if session is not None else db.session()
    today = today_utc()
    voided: list[Voided] = []
    while True:
        session.flush()
        roots = session.changes.noted
        if not roots:
            return voided
        session.changes.noted = set()
        signed = raise_revisions(session, roots)
        voided += void_what_moved(session, signed, actor, today)
