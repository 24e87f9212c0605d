"""Writing notices, in the transaction of the change that causes them, and a person's choices about them.

The operations that cause a notice call these (``readiness/operations.py`` on submitting, finalising and voiding:
``void_state``, which the commit pipeline's step ``readiness/binding.py`` and a lapse by date both pass through);
the time-driven kinds are written by ``flask notify`` (``notices/due.py``), each (kind, subject, date) once per
person. Nothing is written for a deactivated account, for a person whose roles do not admit them to the page the
notice links to, or for a kind they turned off.

A notice's parameters are checked here: numbers, flags, ISO dates and role codes only, so that no free text of the
office (a title, a name, an alias, a place) can reach an e-mail, whatever a caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..audit.operations import record
from ..auth.models import Role, User
from ..errors import RuleViolation
from ..extensions import db
from ..missions.models import Mission
from ..timeutil import now_utc
from .models import Notice, NoticeKind, NoticeOptOut

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODES = frozenset(role.value for role in Role)


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as a notice may keep them: dates as ISO text; numbers, flags, role codes as they are. Anything else
    (text of the office above all) is refused: a programming error, never a person's."""
    kept: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        if isinstance(value, int):  # a flag is an int too
            kept[name] = value
        elif isinstance(value, str) and (_ISO_DAY.match(value) or value in _CODES):
            kept[name] = value
        else:
            raise ValueError(f"a notice keeps dates, numbers, flags and role codes only, not {name}={value!r}")
    return kept


def _may_get(user: User | None, kind: NoticeKind) -> bool:
    return user is not None and user.active and kind.for_user(user)


def opted_out(user_ids: Iterable[int], kind: NoticeKind, session: Session | None = None) -> set[int]:
    """Who among ``user_ids`` turned ``kind`` off."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    session = session if session is not None else db.session()
    return set(session.scalars(select(NoticeOptOut.user_id).where(
        NoticeOptOut.user_id.in_(ids), NoticeOptOut.kind == kind.value)))


def notify(users: Iterable[User], kind: NoticeKind, link: str, values: dict[str, Any], params: dict[str, Any],
           session: Session | None = None) -> list[Notice]:
    """Write a notice of ``kind`` to each of ``users`` who may get it, in this transaction (added; the commit
    flushes it, so that the pipeline's step that calls this writes nothing behind its loop's back)."""
    session = session if session is not None else db.session()
    users = {u.id: u for u in users if _may_get(u, kind)}
    off = opted_out(users, kind, session)
    written = [Notice(user_id=user.id, kind=kind.value, params=plain(params), link_endpoint=link,
                      link_values=plain(values), attempts=0, last_error="", next_attempt_at=now_utc())
               for uid, user in sorted(users.items()) if uid not in off]
    session.add_all(written)
    return written


def notify_once(user: User | None, kind: NoticeKind, link: str, values: dict[str, Any], params: dict[str, Any],
                subject: str) -> bool:
    """Write a time-driven notice of ``kind`` about ``subject`` (e.g. ``consent:12:2027-04-20``) to ``user``, unless
    it was written before (its dedupe key is unique: two runs at once write it once). Returns whether it was."""
    if not _may_get(user, kind) or opted_out([user.id], kind):
        return False
    key = f"{kind.value}:{subject}:{user.id}"
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(Notice.__table__).values(
        user_id=user.id, kind=kind.value, params=plain(params), link_endpoint=link, link_values=plain(values),
        dedupe_key=key, created_at=now_utc(), next_attempt_at=now_utc(), attempts=0, last_error="",
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Notice.__table__.c.id)
    return db.session.execute(statement).scalar_one_or_none() is not None


def _active_accounts() -> list[User]:
    """Every active account, in a fixed order (the kind's roles pick among them)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))


def _mission_params(mission: Mission) -> dict[str, Any]:
    return {"starts_on": mission.start_date, "ends_on": mission.end_date}


def sign_off_requested(actor: User | None, mission: Mission) -> list[Notice]:
    """A mission was submitted: the advisors and approvers are asked to sign it off (not whoever submitted it)."""
    kind = NoticeKind.SIGNOFF_REQUESTED
    users = [u for u in _active_accounts() if kind.for_user(u) and (actor is None or u.id != actor.id)]
    return notify(users, kind, "readiness.checklist", {"mission_id": mission.id}, _mission_params(mission))


def sign_offs_voided(mission: Mission, submitter_id: int | None, signer_ids: Iterable[int]) -> list[Notice]:
    """A change voided a mission's submission and sign-offs: its submitter and its signers are told how many
    (``readiness.operations.void_state``, which every void passes)."""
    signer_ids = list(signer_ids)
    ids = sorted(set(signer_ids) | ({submitter_id} if submitter_id is not None else set()))
    users = list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))) if ids else []
    return notify(users, NoticeKind.SIGNOFFS_VOIDED, "readiness.checklist", {"mission_id": mission.id},
                  {**_mission_params(mission), "count": len(signer_ids)})


def mission_finalised(mission: Mission) -> list[Notice]:
    """A mission is finalised: its delegation members with an account get a link to it, nothing more."""
    users = [member.user for member in mission.members if member.user is not None]
    return notify(users, NoticeKind.MISSION_FINALISED, "missions.show", {"mission_id": mission.id},
                  _mission_params(mission))


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def set_notice_choices(actor: User, off: Iterable[str], language: str) -> bool:
    """The signed-in person turns kinds of notices off (or on again) and chooses their language; audited.
    Returns whether anything changed."""
    wanted = {NoticeKind(kind) for kind in off if kind in set(NoticeKind)}
    wanted = {kind for kind in wanted if kind.for_user(actor)}
    if language not in languages():
        raise RuleViolation(_("Choose Dutch or English."), "language")
    rows = list(db.session.scalars(select(NoticeOptOut).where(NoticeOptOut.user_id == actor.id)))
    before = {NoticeKind(r.kind) for r in rows}
    for row in rows:
        if NoticeKind(row.kind) not in wanted:
            db.session.delete(row)
    for kind in sorted(wanted - before):
        db.session.add(NoticeOptOut(user_id=actor.id, kind=kind.value))
    changes: dict[str, list] = {}
    if before != wanted:
        changes["notices_off"] = [sorted(k.value for k in before), sorted(k.value for k in wanted)]
    if actor.language != language:
        changes["language"] = [actor.language, language]
        actor.language = language
    db.session.flush()
    if changes:
        record(actor, "user.notices", actor, label=actor.email, changes=changes)
    return bool(changes)


#: Notices are kept this long after they were written, then ``flask retention`` deletes them.
NOTICES_KEPT = timedelta(days=180)


def old_notices(now: datetime) -> int:
    """How many notices are older than ``NOTICES_KEPT``."""
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.created_at < now - NOTICES_KEPT))


def forget_old_notices(now: datetime) -> int:
    """Delete the notices written longer than ``NOTICES_KEPT`` ago (sent or not); returns how many, audited when any
    went."""
    removed = db.session.execute(delete(Notice).where(Notice.created_at < now - NOTICES_KEPT)).rowcount
    if removed:
        record(None, "notices.pruned", None, changes={"notices_removed": [None, removed]})
    return removed
