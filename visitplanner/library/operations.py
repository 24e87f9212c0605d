"""Changes to the talking-points library and the own policy, and composing a meeting's talking points from it."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..itinerary.operations import amend_talking_points
from ..partnerships.models import FocalTheme
from ..timeutil import now_utc
from .models import ComposedFrom, EntryKind, LibraryEntry, LibraryVersion, PolicyVersion


def _text_problems(title: str | None, text: str, sources: str) -> list[RuleViolation]:
    problems = []
    if title is not None and not title.strip():
        problems.append(RuleViolation(_("Give the entry a short title."), "title"))
    if not text.strip():
        problems.append(RuleViolation(_("Write the talking point or the answer."), "text"))
    if not sources.strip():
        problems.append(RuleViolation(_("Give at least one source: a link or a citation, with its date."), "sources"))
    return problems


def add_entry(actor: User, theme: FocalTheme, *, kind: str, title: str, text: str, sources: str) -> LibraryEntry:
    """Prepare a talking point or an answer to whataboutism on a focal theme: the entry and its first version."""
    problems = _text_problems(title, text, sources)
    if kind not in {k.value for k in EntryKind}:
        problems.insert(0, RuleViolation(_("Choose what the entry prepares."), "kind"))
    if problems:
        raise RuleViolation.of(problems)
    entry = LibraryEntry(theme=theme, kind=kind)
    version = LibraryVersion(entry=entry, number=1, title=title.strip(), text=text.strip(), sources=sources.strip(),
                             author_id=actor.id)
    db.session.add_all([entry, version])
    db.session.flush()
    record(actor, "library.add", entry, label=version.title,
           changes={"kind": [None, kind], **changed({}, snapshot(version, LibraryVersion.AUDITED))})
    return entry


def revise_entry(actor: User, entry: LibraryEntry, *, based_on: int | None, title: str, text: str,
                 sources: str) -> LibraryVersion:
    """Edit an entry: a new version; every earlier one stays as it was (meetings composed from them keep them)."""
    if entry.retired:
        raise RuleViolation(_("This entry is retired and can no longer be changed."))
    current = entry.current
    if based_on != current.number:
        raise StaleEdit()
    problems = _text_problems(title, text, sources)
    if problems:
        raise RuleViolation.of(problems)
    values = {"title": title.strip(), "text": text.strip(), "sources": sources.strip()}
    changes = changed(snapshot(current, LibraryVersion.AUDITED), values)
    if not changes:
        raise RuleViolation(_("This is the same as version %(number)d: change the title, the text or the sources to "
                              "make a new version.", number=current.number))
    version = LibraryVersion(entry=entry, number=current.number + 1, author_id=actor.id, **values)
    db.session.add(version)
    db.session.flush()
    record(actor, "library.revise", entry, label=version.title, changes={"version": [current.number, version.number],
                                                                         **changes})
    return version


def retire_entry(actor: User, entry: LibraryEntry) -> LibraryEntry:
    """No longer offer an entry to compose from; it stays, with its versions, for the meetings that used it."""
    if entry.retired:
        raise RuleViolation(_("This entry is already retired."))
    entry.retired_at, entry.retired_by_id = now_utc(), actor.id
    db.session.flush()
    record(actor, "library.retire", entry, label=entry.label, changes={"retired": [False, True]})
    return entry


def composed_text(talking_points: str, texts: list[str]) -> str:
    """An item's talking points with the library's texts added after what is there."""
    return "\n\n".join([(talking_points or "").strip(), *texts]).strip()


def compose_talking_points(actor: User, item: ProgrammeItem, version_ids: list[int], *,
                           expected_version: int | None) -> list[LibraryVersion]:
    """Compose an item's talking points from the library: each chosen version's text is copied into them (after what
    is there) and the item is linked to the version, so that later edits of the library never change what was
    prepared. An item edit (``itinerary.operations.amend_talking_points``): audited, voiding a sign-off that vouched
    for the talking points before."""
    wanted = list(dict.fromkeys(version_ids or []))
    if not wanted:
        raise RuleViolation(_("Choose at least one entry of the library."), "versions")
    themes = {t.id for t in item.mission.partnership.focal_themes}
    found = {v.id: v for v in db.session.scalars(
        select(LibraryVersion).join(LibraryEntry).where(LibraryVersion.id.in_(wanted)))}
    if set(found) != set(wanted) or any(
            v.entry.retired or v.entry.theme_id not in themes or v.id != v.entry.current.id for v in found.values()):
        raise RuleViolation(_("Choose entries from the list: the current version of an entry on this partnership's "
                              "focal themes."), "versions")
    already = set(db.session.scalars(select(ComposedFrom.version_id).where(ComposedFrom.item_id == item.id)))
    if already & set(wanted):
        raise RuleViolation(_("These talking points were already composed from that version."), "versions")
    chosen = [found[i] for i in wanted]
    text = composed_text(item.talking_points, [v.text for v in chosen])
    amend_talking_points(actor, item, expected_version=expected_version, talking_points=text,
                         theme_ids=[v.entry.theme_id for v in chosen],
                         noted={"composed_from": [None, [f"{v.title} ({v.number})" for v in chosen]]})
    for version in chosen:
        db.session.add(ComposedFrom(item=item, version=version, composed_by_id=actor.id))
    db.session.flush()
    return chosen


def revise_policy(actor: User, *, based_on: int | None, text: str, sources: str) -> PolicyVersion:
    """State or edit the organisation's own human-rights policy and openness commitments: a new version."""
    current = db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1))
    if based_on != (current.number if current else 0):
        raise StaleEdit()
    problems = [p for p in _text_problems(None, text, sources) if p.field != "text"]
    if not text.strip():
        problems.insert(0, RuleViolation(_("Write the policy and its openness commitments."), "text"))
    if problems:
        raise RuleViolation.of(problems)
    values = {"text": text.strip(), "sources": sources.strip()}
    changes = changed(snapshot(current, PolicyVersion.AUDITED) if current else {}, values)
    if not changes:
        raise RuleViolation(_("This is the same as version %(number)d: change the text or the sources to make a new "
                              "version.", number=current.number))
    version = PolicyVersion(number=(current.number if current else 0) + 1, author_id=actor.id, **values)
    db.session.add(version)
    db.session.flush()
    record(actor, "policy.revise", version, label=version.label,
           changes={"version": [current.number if current else None, version.number], **changes})
    return version
