"""What a feed covers, read again at every fetch with the owner's current rights, and its validators.

A feed's ETag and Last-Modified are derived from the revisions of what it covers (``visitplanner/revisions.py``),
never from a list of tables to look at: whatever a new column changes, the revision moves with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload, raiseload, selectinload

from ..access import may
from ..auth.models import HoldsRoles, Role, User, UserRole
from ..disclosure import Audience, feed_audiences_for
from ..extensions import db
from ..itinerary.models import ProgrammeItem
from ..missions.models import DelegationMember, Mission
from ..participants.models import ConsentRecord, Participant, SafetyAssessment
from ..partnerships.models import Partnership
from ..revisions import epoch_ms
from .models import CalendarFeed, FeedKind, answers, hash_token

#: Items read per round of queries while a feed is built: what is held at once, whatever the feed's size.
CALENDAR_BATCH = 1000

#: Raise when what the builders write changes for the same data (a new property, another layout): every
#: subscribed calendar must then fetch again instead of keeping the old copy through a 304.
FEED_FORMAT = 2


@dataclass(frozen=True)
class FeedOwner(HoldsRoles):
    """Of a feed's owner, what decides the feed's answer: status, rights, revision. No name, no password hash:
    a revalidation, the commonest request there is, decrypts nothing."""

    id: int
    active: bool
    role_names: frozenset[Role]
    revision: int
    revised_ms: int


@dataclass(frozen=True)
class FeedFacts:
    """What decides a feed's answer: its own row, and its owner's."""

    id: int
    kind: str
    audience: str
    mission_id: int | None
    partnership_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    owner: FeedOwner

    def is_live(self, now: datetime) -> bool:
        return answers(self.revoked_at, self.expires_at, self.owner.active, now)


def feed_facts(connection: Connection, token: str) -> FeedFacts | None:
    """The feed with this token and its owner, in one query (a row per role of the owner); None for a token no
    feed has."""
    if not token or len(token) > 200:
        return None
    rows = connection.execute(
        select(CalendarFeed.id, CalendarFeed.kind, CalendarFeed.audience, CalendarFeed.mission_id,
               CalendarFeed.partnership_id, CalendarFeed.created_at, CalendarFeed.expires_at, CalendarFeed.revoked_at,
               User.id, User.active, User.revision, User.revised_ms, UserRole.role)
        .join(User, User.id == CalendarFeed.owner_id).outerjoin(UserRole, UserRole.user_id == User.id)
        .where(CalendarFeed.token_hash == hash_token(token))).all()
    if not rows:
        return None
    first = rows[0]
    owner = FeedOwner(first[8], first[9], frozenset(Role(r[12]) for r in rows if r[12] is not None), first[10],
                      first[11])
    return FeedFacts(*first[:8], owner=owner)


@dataclass(frozen=True)
class FeedScope:
    """The missions (and partnerships) a feed covers now, with their revisions: one query."""

    #: (id, revision, revised_ms) of each mission in scope, by id.
    missions: tuple[tuple[int, int, int], ...]
    #: The same for the partnerships a partnership or organisation feed covers (their names, their plans).
    partnerships: tuple[tuple[int, int, int], ...] = ()

    @property
    def mission_ids(self) -> list[int]:
        return [m[0] for m in self.missions]


def feed_scope(connection: Connection, feed: FeedFacts) -> FeedScope:
    """The missions the feed's owner may see today, within what the feed covers, with their revisions (one
    query)."""
    owner = feed.owner
    columns = (Mission.id, Mission.revision, Mission.revised_ms)
    if feed.kind == FeedKind.PERSON:
        stmt = select(*columns).join(DelegationMember, DelegationMember.mission_id == Mission.id).where(
            DelegationMember.user_id == owner.id)
    elif feed.kind == FeedKind.MISSION:
        stmt = select(*columns).where(Mission.id == feed.mission_id)
        if not may(owner, "see every mission"):
            stmt = stmt.join(DelegationMember, DelegationMember.mission_id == Mission.id).where(
                DelegationMember.user_id == owner.id)
    elif not may(owner, "see every mission"):
        return FeedScope(())
    else:
        stmt = (select(Partnership.id, Partnership.revision, Partnership.revised_ms, *columns)
                .outerjoin(Mission, Mission.partnership_id == Partnership.id))
        if feed.kind == FeedKind.PARTNERSHIP:
            stmt = stmt.where(Partnership.id == feed.partnership_id)
        rows = connection.execute(stmt).all()
        return FeedScope(
            missions=tuple(sorted({tuple(r[3:]) for r in rows if r[3] is not None})),
            partnerships=tuple(sorted({tuple(r[:3]) for r in rows})),
        )
    return FeedScope(tuple(sorted({tuple(r) for r in connection.execute(stmt)})))


def feed_etag(feed: FeedFacts, scope: FeedScope, today: date) -> str:
    """A strong validator: the feed, its owner's roles and status, the revisions in scope, and the day.

    The day is in it because consents and assessments lapse by date and cancelled items leave by date. Every
    setting that changes output raises every revision, so settings need no place of their own.
    """
    owner = feed.owner
    key = repr((
        FEED_FORMAT, feed.id, feed.kind, feed.audience, owner.id, owner.active, sorted(owner.role_names),
        owner.revision, scope.missions, scope.partnerships, today.isoformat(),
    ))
    return hashlib.sha256(key.encode()).hexdigest()


def feed_latest_change(feed: FeedFacts, scope: FeedScope, today: date) -> int:
    """When (ms since 1970) what the feed shows last changed: a revision in scope, the owner's own revision
    (rights, delegations: a mission leaving the feed moves it), or the start of the day (lapses by date)."""
    midnight = datetime.combine(today, time.min, tzinfo=timezone.utc)
    return max([epoch_ms(midnight), epoch_ms(feed.created_at), feed.owner.revised_ms,
                *(m[2] for m in scope.missions), *(p[2] for p in scope.partnerships)])


#: Seconds a change must lie in the past before Last-Modified may name the second after it. A revision is stamped
#: just before its transaction commits (``revisions.stamp_revised``), so a fetch may miss a commit whose stamp is a
#: moment older than the fetch; the commit follows its stamp within this margin, and the hosts' clocks agree within
#: it (NTP).
SETTLED = 2


@dataclass(frozen=True)
class FeedAnswer:
    """What a fetch of a feed is answered from: the feed, what it covers for whom, and its validators."""

    feed: FeedFacts
    #: None: the owner may no longer use the feed's audience (the feed is then empty).
    audience: Audience | None
    scope: FeedScope
    etag: str
    latest_ms: int


def feed_answer(token: str, now: datetime) -> FeedAnswer | None:
    """The answer to a fetch of the feed with this token, or None for an unknown, revoked or expired token or a
    disabled owner: two queries, on a connection of its own outside any transaction (it writes nothing, and under
    READ COMMITTED each statement reads what was committed when it began anyway), so that a revalidation costs no
    BEGIN and no ROLLBACK either."""
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        feed = feed_facts(connection, token)
        if feed is None or not feed.is_live(now):
            return None
        allowed = feed_audiences_for(feed.owner)
        audience = Audience(feed.audience) if Audience(feed.audience) in allowed else None
        scope = feed_scope(connection, feed) if audience is not None else FeedScope(())
    today = now.date()
    return FeedAnswer(feed, audience, scope, feed_etag(feed, scope, today), feed_latest_change(feed, scope, today))


def last_modified(latest_ms: int, now: datetime) -> datetime:
    """The Last-Modified to send, ``now`` being taken before the fetch read anything: the second after the latest
    change once that lies :data:`SETTLED` seconds in the past, so that a client's If-Modified-Since then proves its
    copy was made after the change (see :func:`unchanged_since`) and after every commit stamped before it; until
    then, the second of the change itself, which no If-Modified-Since will match."""
    second = datetime.fromtimestamp(latest_ms // 1000, timezone.utc)
    after = second + timedelta(seconds=1)
    return after if after <= now - timedelta(seconds=SETTLED) else second


def unchanged_since(latest_ms: int, since: datetime) -> bool:
    """Whether nothing changed from the start of ``since`` (an HTTP date, whole seconds) on."""
    return latest_ms < epoch_ms(since)


def calendar_item_options():
    """What a calendar shows of an item, and nothing else: its mission's state (cancelled, high-risk) and who on its
    delegation is on which side, attendees' names, focal themes, and of its participants the consents and the risk levels of their assessments (no notes,
    no recorder, no assessor)."""
    participants = selectinload(ProgrammeItem.participants)
    mission = joinedload(ProgrammeItem.mission).load_only(
        Mission.id, Mission.status, Mission.cancelled_at, Mission.high_risk_reason)
    return (
        mission,
        # Whose side each member is on: who gets the talking points (``disclosure.gets_talking_points``).
        mission.selectinload(Mission.members).load_only(DelegationMember.id, DelegationMember.mission_id,
                                                        DelegationMember.user_id, DelegationMember.side),
        selectinload(ProgrammeItem.attendees).joinedload(DelegationMember.user).load_only(User.id, User.name),
        selectinload(ProgrammeItem.focal_themes),
        participants.selectinload(Participant.consents).defer(ConsentRecord.note).options(
            raiseload(ConsentRecord.recorded_by)),
        participants.selectinload(Participant.assessments).load_only(
            SafetyAssessment.participant_id, SafetyAssessment.item_id, SafetyAssessment.risk_level).options(
            raiseload(SafetyAssessment.assessor)),
    )


def calendar_items(mission_ids) -> Iterator[list[ProgrammeItem]]:
    """The items of these missions in time order, a batch of at most :data:`CALENDAR_BATCH` at a time with what a
    calendar shows of them: one round of queries per batch, and a batch let go once written, so that neither the
    queries nor the memory of a feed grow with more than its number of batches."""
    ids = sorted(set(mission_ids))
    if not ids:
        return
    after = None
    while True:
        stmt = (select(ProgrammeItem).where(ProgrammeItem.mission_id.in_(ids))
                .order_by(ProgrammeItem.starts_at, ProgrammeItem.id).limit(CALENDAR_BATCH)
                .options(*calendar_item_options()))
        if after is not None:
            stmt = stmt.where(or_(ProgrammeItem.starts_at > after[0],
                                  and_(ProgrammeItem.starts_at == after[0], ProgrammeItem.id > after[1])))
        batch = db.session.scalars(stmt).all()
        if batch:
            yield batch
        if len(batch) < CALENDAR_BATCH:
            return
        after = (batch[-1].starts_at, batch[-1].id)
