"""What each audience has been shown of a programme item, followed mechanically before every commit.

A calendar client keeps what it was sent until a higher SEQUENCE for the same UID replaces it; a client that merges
rather than replaces keeps an event that simply vanishes. So, for every audience, what it is sent must be followed:

- before every commit, each item whose events the transaction's changes can alter (the item itself, the items of a
  participant whose consent changed, every item of a cancelled mission: ``visitplanner/revisions.py`` says which) is
  read again and its event built for every audience as a calendar would get it (:func:`event_content`): a step of the
  one commit (``visitplanner/commit.py``);
- when what an audience gets changed (a new title, time or place, full ↔ "private appointment", a new description,
  a name that went), that audience's SEQUENCE rises;
- when an audience no longer sees the item (removed, its mission cancelled, or its visibility narrowed), it is
  *withdrawn* from that audience, which then gets it ``STATUS:CANCELLED``, with the same UID and a higher SEQUENCE,
  for 30 days; seen again later, it comes back with a higher SEQUENCE still.

Every audience is followed, the travel-safe one too although no feed carries it: a travel-safe file downloaded again
and imported over the last one must replace it, so its SEQUENCE rises with what that copy shows, not with what
another audience was sent.

Nothing here is a list of columns: the digest is taken of the event itself, so whatever a future column adds to an
event moves it. The result is stored in ``ProgrammeItem.shown`` (and the highest SEQUENCE in ``sequence``) with a
plain UPDATE in the same transaction, which moves neither the item's version nor its ``updated_at``.

The digest is keyed (``Keyring.digest``: HMAC under a key derived from the data key, with the key's id): the event it
is taken of holds real names, and everything else in it is in the database in clear, so a plain hash would let a copy
of the database confirm a guessed name. A digest under an older key, or a plain one kept before digests were keyed,
is compared under what made it and, when the event is the same, kept under the current key without raising any
SEQUENCE (:func:`rekey`, run by ``flask keys rotate``; the daily ``checklist`` follows every item, and so rekeys too).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import HoldsRoles, Role
from ..crypto import keyring
from ..disclosure import Audience, ItemView, kept_out_of_feeds, present_live
from ..itinerary.models import ProgrammeItem
from ..missions.models import DelegationMember
from ..participants.models import Participant
from ..revisions import ALL, keep_as_is, raise_revisions
from ..timeutil import now_utc, today_utc
from .ical import describe, event

#: The properties of an event that say *when* it was sent, not *what*: left out of its digest.
STAMPS = ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED")


class _Anyone(HoldsRoles):
    """The most privileged viewer, holding every role: whatever any viewer could be shown, the digest covers."""

    role_names = frozenset(Role)
    #: Our side's talking points too, in a delegation of ours and visitors (``disclosure.gets_talking_points``).
    sees_every_side = True


def event_content(item: ProgrammeItem, audience: Audience, today: date, made: dict | None = None
                  ) -> tuple[bytes, ItemView] | None:
    """Everything ``audience`` could be sent of the item while in the programme, in a feed and in a file, as the bytes
    its digest is taken of, with the feed's view; None when no feed may carry it (what feeds were sent is what must
    be followed: files carry no cancellations). Taken in one language, so that who saved it does not matter.
    ``made`` keeps the events already serialised for this item: equal views, equal events."""
    made = {} if made is None else made
    parts = []
    with force_locale("nl"):
        views = [present_live(item, audience, _Anyone(), today, for_feed) for for_feed in (True, False)]
        if views[0] is None:  # in no feed (high-risk mode), whatever a file would show: withdrawn from feeds
            return None
        for view in views:
            key = replace(view, sequence=0, last_modified=None)
            if key not in made:
                made[key] = _content(event(view, describe(view)))
            parts.append(made[key])
    return b"\0".join(parts), views[0]


def _content(vevent) -> bytes:
    """An event's properties with their parameters, without the stamps: what a client reads (unfolded)."""
    return b"\n".join(
        b"%s;%s:%s" % (name.encode(), value.params.to_ical(), value.to_ical())
        for name, value in vevent.property_items(recursive=False)
        if name not in ("BEGIN", "END", *STAMPS))


def follow(item: ProgrammeItem, today: date, now: datetime) -> dict:
    """What each audience has now been shown of ``item``, from what it had been shown before (``item.shown``)."""
    ring = keyring()
    before = item.shown
    never_followed = before is None  # made before this was followed: anything may have changed since
    before = before or {}
    floor = item.sequence + (1 if never_followed else 0)
    after, made = {}, {}
    for audience in Audience:
        was = before.get(audience.value)
        if not item.in_calendars and never_followed:
            # Gone before this was followed: withdrawn from whoever saw it then, at the moment it went.
            seen = event_content(item, audience, today, made)
            if seen is not None:
                after[audience.value] = {**_as_shown(ring.digest(seen[0]), seen[1]), "sequence": floor,
                                         "withdrawn_at": item.left_calendars_at.isoformat()}
            continue
        seen = event_content(item, audience, today, made) if item.in_calendars else None
        if seen is None:
            if was is not None and was.get("withdrawn_at") is None:
                was = {**was, "sequence": was["sequence"] + 1, "withdrawn_at": now.isoformat()}
            if was is not None and item.in_calendars and kept_out_of_feeds(item) and was["title"] is not None:
                # High-risk mode: the cancellation takes the title off the devices that synced it; only the time,
                # which they had, stays.
                was = {**was, "sequence": was["sequence"] + 1, "title": None, "private": True,
                       "classification": "CONFIDENTIAL"}
            if was is not None:
                after[audience.value] = _rekeyed_withdrawal(was, ring)
            continue
        content, view = seen
        digest = ring.digest(content)
        if was is not None and was.get("withdrawn_at") is None and (
                was["digest"] == digest or ring.digest_of(was["digest"], content)):
            after[audience.value] = {**was, "digest": digest}  # the same event: kept, under the current key
            continue
        after[audience.value] = {**_as_shown(digest, view), "sequence": was["sequence"] + 1 if was is not None
                                 else floor}
    return after


def _rekeyed_withdrawal(was: dict, ring) -> dict:
    """A withdrawal keeps no digest that is not under the current key: nothing is compared with it any more (seen
    again, the item comes back with a higher SEQUENCE whatever it shows), and an old one must not outlive its key."""
    digest = was.get("digest")
    if digest is None or digest.partition(":")[0] == ring.current:
        return was
    return {**was, "digest": None}


def _as_shown(digest: str, view: ItemView) -> dict:
    """What is kept of a view: its digest, and for a cancellation later, never more than the audience saw."""
    return {
        "digest": digest,
        "title": None if view.private else view.title,
        "private": view.private,
        "classification": view.classification,
        "starts_at": view.starts_at.isoformat(),
        "ends_at": view.ends_at.isoformat(),
        "timezone": view.timezone,
        "end_timezone": view.end_timezone,
    }


def follow_missions(session: Session, mission_ids) -> set[int]:
    """Bring ``shown`` and ``sequence`` of every item of these missions (or ALL) up to date; returns the missions
    with an item that moved."""
    return follow_items(session, {("missions", i) for i in mission_ids})


def follow_items(session: Session, targets) -> set[int]:
    """Bring ``shown`` and ``sequence`` of these items up to date: ``("items", id)`` an item, ``("missions", id)``
    every item of a mission (or of every mission: ALL), as the rows a transaction wrote name them
    (``revisions.Changes.follow``); returns the missions with an item that moved."""
    items = sorted(i for kind, i in targets if kind == "items")
    missions = {i for kind, i in targets if kind == "missions"}
    if not items and not missions:
        return set()
    # Read afresh (on PostgreSQL, others may have committed before the revision UPDATE took the mission's lock),
    # but not the missions themselves: a void taken in this flush (readiness/binding.py) waits in them unflushed.
    stmt = (select(ProgrammeItem)
            .options(selectinload(ProgrammeItem.attendees).joinedload(DelegationMember.user),
                     selectinload(ProgrammeItem.focal_themes),
                     selectinload(ProgrammeItem.participants).selectinload(Participant.consents),
                     selectinload(ProgrammeItem.participants).selectinload(Participant.assessments))
            .execution_options(populate_existing=True))
    if ALL not in missions:
        stmt = stmt.where(or_(ProgrammeItem.id.in_(items), ProgrammeItem.mission_id.in_(sorted(missions))))
    today, now = today_utc(), now_utc()
    moved: set[int] = set()
    with session.no_autoflush:
        for item in session.scalars(stmt):
            shown = follow(item, today, now)
            sequence = max([item.sequence, *(entry["sequence"] for entry in shown.values())])
            if shown == item.shown and sequence == item.sequence:
                continue
            if sequence != item.sequence or _without_digests(shown) != _without_digests(item.shown):
                moved.add(item.mission_id)  # not when only the key of a digest changed: nobody was sent anything
            _store(session, item, shown, sequence)
    return moved


def _store(session: Session, item: ProgrammeItem, shown: dict, sequence: int) -> None:
    table = ProgrammeItem.__table__
    session.connection().execute(update(table).where(table.c.id == item.id)
                                 .values(shown=shown, sequence=sequence, **keep_as_is(table)))
    set_committed_value(item, "shown", shown)
    set_committed_value(item, "sequence", sequence)


def _without_digests(shown: dict | None) -> dict | None:
    return None if shown is None else {a: {k: v for k, v in e.items() if k != "digest"} for a, e in shown.items()}


def rekey(session: Session) -> int:
    """Keep every digest that is under an older key, or plain, under the current key instead, where the event it
    was taken of is still the same (a key rotation, ``flask keys rotate``): no SEQUENCE moves and no revision rises.
    A digest whose event changed since is left for following to find; a withdrawal's is dropped. Returns how many
    items were rekeyed (at most ``limit``)."""
    ring = keyring()
    today = today_utc()
    done = 0
    stmt = (select(ProgrammeItem).where(ProgrammeItem.shown.is_not(None)).order_by(ProgrammeItem.id)
            .options(selectinload(ProgrammeItem.attendees).joinedload(DelegationMember.user),
                     selectinload(ProgrammeItem.focal_themes),
                     selectinload(ProgrammeItem.participants).selectinload(Participant.consents),
                     selectinload(ProgrammeItem.participants).selectinload(Participant.assessments)))
    with session.no_autoflush:
        for item in session.scalars(stmt):
            stale = {audience: entry for audience, entry in item.shown.items()
                     if entry.get("digest") is not None and entry["digest"].partition(":")[0] != ring.current}
            if not stale:
                continue
            shown, made = dict(item.shown), {}
            for audience, entry in stale.items():
                if entry.get("withdrawn_at") is not None:
                    shown[audience] = {**entry, "digest": None}
                    continue
                seen = event_content(item, Audience(audience), today, made) if item.in_calendars else None
                if seen is not None and ring.digest_of(entry["digest"], seen[0]):
                    shown[audience] = {**entry, "digest": ring.digest(seen[0])}
            if shown != item.shown:
                _store(session, item, shown, item.sequence)
                done += 1
    return done


def follow_by_date(session: Session, mission_ids) -> set[int]:
    """What changes with the day alone (a consent that lapsed takes a name out of an event), for cron: followed,
    and the revisions of the missions it moved raised, so that their feeds' ETags move with their bodies."""
    moved = follow_missions(session, mission_ids)
    if moved:
        raise_revisions(session, {("missions", i) for i in moved})
    return moved
