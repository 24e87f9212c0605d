"""Revisions: what must follow a change is raised here, mechanically, and nowhere else.

Three kinds of row are *roots*: missions, partnerships and users. Each has a ``revision`` (a counter) and a
``revised_ms`` (milliseconds since 1970, from which a feed's Last-Modified derives). Every transaction that inserts,
deletes or changes a row able to change what some output shows of a root raises that root's revision once:

- each flush of the application's session (:class:`TrackedSession`) notes, for every row it writes, the roots it
  belongs to (its mission, the missions a participant or company takes part in, a user's delegations, ...), from
  what the row was before the flush and is after it; nothing else happens at a flush;
- the one commit (``visitplanner/commit.py``) raises them with one UPDATE per root table (:func:`raise_revisions`).
  It is a plain UPDATE, so it neither moves a record's optimistic version nor its ``updated_at``; on PostgreSQL it
  also holds the root's row lock until the transaction ends, which serialises changes to one mission;
- ``revised_ms`` is stamped as the last step before the COMMIT (:func:`stamp_revised`): the one row of
  ``revision_clock`` is moved to ``max(now, last + 1)`` and every root the transaction raised takes that stamp. The
  clock's row stays locked until the COMMIT, so transactions stamp one after the other in the order they commit,
  whatever the clocks of the machines they run on, and Last-Modified never goes backwards in commit order
  (``calendar/queries.py last_modified``).

Feeds derive their ETag from these revisions (``calendar/queries.py``); the commit tells the readiness module which
submitted or finalised missions moved, and it compares what their sign-offs vouched for (``readiness/binding.py``).

Calendars follow the same notes: each row written also names the items whose events it can alter (an item itself,
a participant's items, every item of a cancelled mission), and only those are followed at the commit
(``calendar/following.py``).

**Adding a column or a table?** The column says on itself whether a change to it raises revisions or why not, and
whether it alone can alter a calendar event (``facts.py``); ``TRACKED`` below is derived from that, and
``tests/app/test_facts.py`` fails on a column that says nothing. A new model also names here the roots its rows belong to
and the items they can alter (``BELONGS``). Bulk UPDATE, DELETE and INSERT through the session on a tracked table are
refused: they would pass by the flush unseen. See ``docs/engineers.md``, "The commit pipeline and where a new column
declares its facts".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from flask_sqlalchemy.session import Session
from sqlalchemy import BigInteger, Column, Integer, Table, case, event, func, insert, inspect, select, union, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import MANYTOONE, ORMExecuteState

from .audit.models import AuditEntry
from .auth.models import User, UserRole
from .auth.second_factor import RecoveryCode
from .calendar.models import CalendarFeed, FeedFetch
from .contacts.models import Contact
from .companies.models import (
    BriefingTopic,
    CivilSocietyConnection,
    CompanyBriefing,
    DefenderMeeting,
    DueDiligenceChange,
)
from .extensions import db
from .facts import CHILDREN, MIRROR, facts, facts_of
from .followup.models import FollowUp, MeetingOutcome
from .itinerary.models import ProgrammeItem, item_attendees, item_focal_themes
from .library.models import ComposedFrom, LibraryEntry, LibraryVersion, PolicyVersion
from .missions.models import Company, DelegationMember, Mission, MissionStatus, mission_companies
from .notices.models import Notice, NoticeOptOut
from .participants.models import (
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
    item_participants,
)
from .partnerships.models import (
    DossierEntry,
    Evaluation,
    FocalTheme,
    Objective,
    Partnership,
    PartnershipReview,
    ReviewNote,
    partnership_focal_themes,
)
from .personal_data import BOOKKEEPING
from .readiness.models import ManualConfirmation, Setting, SignOff
from .stakeholders.models import Involvement, Stakeholder
from .timeutil import now_utc


def _clock() -> dict:
    return facts(ignored="the clock that orders the stamps of revised_ms: never shown", fingerprint=False,
                 privacy=BOOKKEEPING, audit=False)


#: One row: the latest ``revised_ms`` stamped, and the lock that orders stamps as their transactions commit.
revision_clock = Table(
    "revision_clock",
    db.metadata,
    Column("id", Integer, primary_key=True, info=_clock()),
    Column("last_ms", BigInteger, nullable=False, info=_clock()),
)

#: The root tables, and the key under which changed ones are collected.
ROOTS = {"missions": Mission, "partnerships": Partnership, "users": User}
#: Stands for "every row of the root table" (a setting that changes every mission's output).
ALL = "*"

Root = tuple[str, Any]
RootsOf = Callable[[Connection, Any], Iterable[Root]]
#: An item to follow, ``("items", id)``, or every item of a mission, ``("missions", id)`` (or ALL).
Follow = tuple[str, Any]
ItemsOf = Callable[[Connection, Any], Iterable[Follow]]


@dataclass(frozen=True)
class Tracking:
    """How changes to one model reach the roots whose revision they raise, and the items whose events they can
    alter (derived from its columns' facts, ``facts.py``)."""

    #: The roots a row belongs to, from its current and its previous values.
    roots: RootsOf | None
    #: The items (or whole missions) a row can alter the events of; None: it is in no event.
    items: ItemsOf | None = None
    #: Attributes whose change raises those roots. Inserting or deleting a row always raises them.
    raises: frozenset[str] = frozenset()
    #: Attributes whose change cannot change any output, each with the reason.
    ignored: dict[str, str] = field(default_factory=dict)
    #: Raising attributes whose change can alter the events of ``items`` (inserting or deleting a row always may).
    events: frozenset[str] = frozenset()
    #: Each many-to-one relationship, with the keys of the foreign-key columns it mirrors: setting the relationship
    #: changes them, though only at the flush.
    mirrors: dict[str, frozenset[str]] = field(default_factory=dict)


# ---- reading a row's values during a flush ------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A row a flush writes, as the roots and items functions read it: what it was before the flush and is after
    it."""

    target: Any
    #: Each key column attribute's value before the flush (its old value where it changed).
    before: dict[str, set[Any]]
    inserted: bool = False
    deleted: bool = False
    #: The raising attributes that changed (an update's).
    changed: frozenset[str] = frozenset()

    def alters_events(self, tracking: Tracking) -> bool:
        """Whether the row can alter an event: new or gone, or a change to an attribute that can."""
        return tracking.items is not None and (self.inserted or self.deleted or bool(self.changed & tracking.events))


def values(row: Written, key: str) -> set[Any]:
    """Every value the attribute had or has: a row moved from one parent to another belongs to both."""
    found = set(row.before.get(key, ()))
    now = inspect(row.target).dict
    if key in now:
        found.add(now[key])
    return {v for v in found if v is not None}


def moved(row: Written, key: str) -> set[Any]:
    """The values the attribute had and has when the row is new or the value changed; none when it stayed."""
    now = inspect(row.target).dict.get(key)
    old = {v for v in row.before.get(key, ()) if v is not None}
    if not row.inserted and old == {now} - {None}:
        return set()
    return {v for v in old | {now} if v is not None}


def _missions(ids: Iterable[Any]) -> set[Root]:
    return {("missions", i) for i in ids}


def _partnerships(ids: Iterable[Any]) -> set[Root]:
    return {("partnerships", i) for i in ids}


def _scalars(conn: Connection, stmt) -> list[Any]:
    return list(conn.execute(stmt).scalars())


# ---- the roots of each kind of row ----------------------------------------------------------------------------


def _mission_roots(conn, mission: Mission):
    """The mission; and when it is new or moves to another partnership, both partnerships (their feeds' scope
    changes). A change to the mission alone leaves its partnership's row alone: no lock on it for every edit."""
    return _missions(values(mission, "id")) | _partnerships(moved(mission, "partnership_id"))


def _of_mission(conn, row):
    return _missions(values(row, "mission_id"))


def _of_partnership(conn, row):
    return _partnerships(values(row, "partnership_id"))


def _of_item(conn, row):
    ids = values(row, "item_id")
    return _missions(_scalars(conn, select(ProgrammeItem.mission_id).where(ProgrammeItem.id.in_(ids))))


def _cover_roots(conn, cover: ConsultationCover):
    ids = values(cover, "consultation_id")
    return _missions(_scalars(conn, select(Consultation.mission_id).where(Consultation.id.in_(ids))))


def _member_roots(conn, member: DelegationMember):
    # Joining or leaving a delegation changes what the person's own feeds cover.
    return _of_mission(conn, member) | {("users", i) for i in values(member, "user_id")}


def _participant_roots(conn, participant: Participant):
    """Every mission with an item the person takes part in, removed items included (they show as cancelled)."""
    stmt = (select(ProgrammeItem.mission_id)
            .join(item_participants, item_participants.c.item_id == ProgrammeItem.id)
            .where(item_participants.c.participant_id.in_(values(participant, "id"))))
    return _missions(_scalars(conn, stmt))


def _company_roots(conn, company: Company):
    stmt = select(mission_companies.c.mission_id).where(mission_companies.c.company_id.in_(values(company, "id")))
    return _missions(_scalars(conn, stmt))


def _of_company(conn, row):
    """The missions the company takes part in (what the register itself shows is read afresh: no root of its own)."""
    stmt = select(mission_companies.c.mission_id).where(mission_companies.c.company_id.in_(values(row, "company_id")))
    return _missions(_scalars(conn, stmt))


def _briefing_topic_roots(conn, topic: BriefingTopic):
    companies = select(CompanyBriefing.company_id).where(CompanyBriefing.id.in_(values(topic, "briefing_id")))
    stmt = select(mission_companies.c.mission_id).where(mission_companies.c.company_id.in_(companies))
    return _missions(_scalars(conn, stmt))


def _theme_roots(conn, theme: FocalTheme):
    ids = values(theme, "id")
    items = (select(ProgrammeItem.mission_id)
             .join(item_focal_themes, item_focal_themes.c.item_id == ProgrammeItem.id)
             .where(item_focal_themes.c.theme_id.in_(ids)))
    chosen = select(partnership_focal_themes.c.partnership_id).where(partnership_focal_themes.c.theme_id.in_(ids))
    return _missions(_scalars(conn, items)) | _partnerships(_scalars(conn, chosen))


def _follow_up_roots(conn, row):
    """Its mission's, or between visits its partnership's (a contact's follow-up names the contact's partnership)."""
    return _missions(values(row, "mission_id")) | _partnerships(values(row, "partnership_id"))


def _evaluation_roots(conn, evaluation: Evaluation):
    ids = values(evaluation, "objective_id")
    return _partnerships(_scalars(conn, select(Objective.partnership_id).where(Objective.id.in_(ids))))


def _review_note_roots(conn, note: ReviewNote):
    ids = values(note, "review_id")
    return _partnerships(_scalars(conn, select(PartnershipReview.partnership_id).where(PartnershipReview.id.in_(ids))))


def _user_roots(conn, user: User):
    """The user, and every mission whose pages name them: in the delegation, signing, submitting, confirming, owning."""
    ids = values(user, "id")
    named = union(
        select(DelegationMember.mission_id).where(DelegationMember.user_id.in_(ids)),
        select(SignOff.mission_id).where(SignOff.user_id.in_(ids)),
        select(ManualConfirmation.mission_id).where(ManualConfirmation.confirmed_by_id.in_(ids)),
        select(FollowUp.mission_id).where(FollowUp.owner_id.in_(ids), FollowUp.mission_id.is_not(None)),
        select(Mission.id).where(Mission.submitted_by_id.in_(ids)),
        select(Mission.id).where(Mission.override_by_id.in_(ids)),
    )
    # Between visits, the partnership page names who owns a follow-up and who recorded a contact.
    partnerships = union(
        select(FollowUp.partnership_id).where(FollowUp.owner_id.in_(ids), FollowUp.partnership_id.is_not(None)),
        select(Contact.partnership_id).where(Contact.recorded_by_id.in_(ids)),
    )
    return ({("users", i) for i in ids} | _missions(_scalars(conn, named))
            | _partnerships(_scalars(conn, partnerships)))


def _role_roots(conn, role: UserRole):
    # Roles decide what a person's feeds may show.
    return {("users", i) for i in values(role, "user_id")}


def _everything(conn, row):
    return {("missions", ALL), ("partnerships", ALL)}


# ---- which items a written row can alter (calendars follow only those) ------------------------------------------
#
# What an item's events show is read from the item, its mission's state, the people linked to it (their names,
# consent for the mission, risk) and its focal themes (``disclosure.present_live``); whether a participant is at
# critical risk at an item falls back on their assessments at the mission's other items (``at_critical_risk``).
# So a row alters the items below; a model without an ``items`` rule is in no event (its rows alter none).


def _items(ids: Iterable[Any]) -> set[Follow]:
    return {("items", i) for i in ids}


def _item_itself(conn, item: Written):
    """The item; a new or removed item alters no other. An item gone, or moved to another mission, changes which
    items the person's assessments are read at (``at_critical_risk``): both missions whole."""
    if item.deleted or len(values(item, "mission_id")) > 1:
        return _missions(values(item, "mission_id"))
    return _items(values(item, "id"))


def _whole_mission(conn, mission: Written):
    """Every item of the mission: its state (cancelled, high-risk mode) is in each of their events."""
    return set() if mission.inserted else _missions(values(mission, "id"))


def _items_of_participants(conn, ids, mission_ids=None) -> set[Follow]:
    stmt = (select(item_participants.c.item_id)
            .where(item_participants.c.participant_id.in_(ids)))
    if mission_ids is not None:
        stmt = (stmt.join(ProgrammeItem.__table__, ProgrammeItem.id == item_participants.c.item_id)
                .where(ProgrammeItem.mission_id.in_(mission_ids)))
    return _items(_scalars(conn, stmt))


def _participant_items(conn, participant: Written):
    """Every item the person takes part in, in any mission: their name, alias and risk are in its events."""
    return _items_of_participants(conn, values(participant, "id"))


def _consent_items(conn, consent: Written):
    """The items of the person in the consent's mission: whether they may be named there."""
    return _items_of_participants(conn, values(consent, "participant_id"), values(consent, "mission_id"))


def _assessment_items(conn, assessment: Written):
    """The items of the person in the mission of the item assessed: a critical risk there keeps the item out of
    feeds, and an item where they are not assessed yet takes the highest risk of their others in the mission."""
    missions = select(ProgrammeItem.mission_id).where(ProgrammeItem.id.in_(values(assessment, "item_id")))
    return _items_of_participants(conn, values(assessment, "participant_id"), _scalars(conn, missions))


def _member_items(conn, member: Written):
    """The items the member attends: their name is in its events."""
    stmt = select(item_attendees.c.item_id).where(item_attendees.c.member_id.in_(values(member, "id")))
    return _items(_scalars(conn, stmt))


def _user_items(conn, user: Written):
    """The items attended by the person as a member of any delegation: named by their account's name."""
    stmt = (select(item_attendees.c.item_id)
            .join(DelegationMember, DelegationMember.id == item_attendees.c.member_id)
            .where(DelegationMember.user_id.in_(values(user, "id"))))
    return _items(_scalars(conn, stmt))


def _theme_items(conn, theme: Written):
    """The items raising the theme: named on the office's own copy of their events."""
    stmt = select(item_focal_themes.c.item_id).where(item_focal_themes.c.theme_id.in_(values(theme, "id")))
    return _items(_scalars(conn, stmt))


def _every_item(conn, row):
    return {("missions", ALL)}


# ---- every model: the roots its rows belong to and the items they can alter; the rest is the columns' facts ------

#: ``model: (roots, items)``: the roots a row belongs to (None: it belongs to no root, and no column of it may
#: raise), and the items it can alter (None: none). Which attributes raise, and why the others do not, the columns
#: say (``facts.py``), and relationships follow from them: a many-to-one mirrors its foreign key, a one-to-many's
#: rows are tracked as their own model, a many-to-many raises when the columns of its link table do.
BELONGS: dict[type, tuple[RootsOf | None, ItemsOf | None]] = {
    Mission: (_mission_roots, _whole_mission),
    ProgrammeItem: (_of_mission, _item_itself),
    DelegationMember: (_member_roots, _member_items),
    Company: (_company_roots, None),
    CompanyBriefing: (_of_company, None),
    BriefingTopic: (_briefing_topic_roots, None),
    DueDiligenceChange: (_of_company, None),
    DefenderMeeting: (_of_company, None),
    CivilSocietyConnection: (_of_company, None),
    Participant: (_participant_roots, _participant_items),
    ConsentRecord: (_of_mission, _consent_items),
    SafetyAssessment: (_of_item, _assessment_items),
    Consultation: (_of_mission, None),
    ConsultationCover: (_cover_roots, None),
    SignOff: (_of_mission, None),
    ManualConfirmation: (_of_mission, None),
    FollowUp: (_follow_up_roots, None),
    MeetingOutcome: (_of_item, None),
    Partnership: (lambda conn, p: _partnerships(values(p, "id")), None),
    DossierEntry: (_of_partnership, None),
    Objective: (_of_partnership, None),
    Contact: (_of_partnership, None),
    Evaluation: (_evaluation_roots, None),
    PartnershipReview: (_of_partnership, None),
    ReviewNote: (_review_note_roots, None),
    FocalTheme: (_theme_roots, _theme_items),
    # The library is in no output but its own pages; a meeting composed from it is the item's change.
    LibraryEntry: (None, None),
    LibraryVersion: (None, None),
    PolicyVersion: (None, None),
    ComposedFrom: (_of_item, None),
    # A setting may change what every check decides (talking points block) or what every audience sees.
    Setting: (_everything, _every_item),
    User: (_user_roots, _user_items),
    UserRole: (_role_roots, None),
    AuditEntry: (None, None),
    RecoveryCode: (None, None),
    CalendarFeed: (None, None),
    FeedFetch: (None, None),
    # The register and an objective's involvement are in no feed, calendar or sign-off (their columns say so).
    Stakeholder: (None, None),
    Involvement: (None, None),
    # A notice is on its person's own list only; which kinds they turned off changes no output.
    Notice: (None, None),
    NoticeOptOut: (None, None),
}

#: Why a relationship needs no classification of its own.
LINKED = "its link table's columns say they raise nothing"


def _tracking(cls: type, roots: RootsOf | None, items: ItemsOf | None) -> Tracking:
    """How changes to ``cls`` are followed, from the facts of its columns."""
    mapper = inspect(cls)
    raises, ignored, events, mirrors = set(), {}, set(), {}
    for attr in mapper.column_attrs:
        fact = facts_of(attr.columns[0])
        if fact.raises:
            raises.add(attr.key)
            if fact.events:
                events.add(attr.key)
        else:
            ignored[attr.key] = fact.ignored
    for relationship in mapper.relationships:
        if relationship.secondary is not None:
            linked = [facts_of(column) for column in relationship.secondary.columns]
            if all(fact.raises for fact in linked):
                raises.add(relationship.key)
                if any(fact.events for fact in linked):
                    events.add(relationship.key)
            else:
                ignored[relationship.key] = LINKED
        elif relationship.direction is MANYTOONE:
            ignored[relationship.key] = MIRROR
            mirrors[relationship.key] = frozenset(mapper.get_property_by_column(column).key
                                                  for column in relationship.local_columns)
        else:
            ignored[relationship.key] = CHILDREN
    return Tracking(roots, items, frozenset(raises), ignored, frozenset(events), mirrors)


#: Every mapped model: how its rows reach the roots whose revision they raise, and the items they can alter.
TRACKED: dict[type, Tracking] = {cls: _tracking(cls, roots, items) for cls, (roots, items) in BELONGS.items()}


def tracking_of(cls: type) -> Tracking:
    try:
        return TRACKED[cls]
    except KeyError:  # fail closed: a model nobody classified must not change anything unseen
        raise LookupError(f"{cls.__name__} is not classified in visitplanner.revisions.TRACKED") from None


# ---- collecting during the flush, raising after it --------------------------------------------------------------

@dataclass
class Changes:
    """What a transaction has written that must be followed before its COMMIT (``visitplanner/commit.py``)."""

    #: The roots of the rows written since their revisions were last raised.
    noted: set[Root] = field(default_factory=set)
    #: Every root whose revision this transaction raised: stamped at its commit.
    raised: set[Root] = field(default_factory=set)
    #: The items whose events the rows written can alter, ``("items", id)``, or whole missions, ``("missions",
    #: id)`` (or ALL): what calendars follow at the commit.
    follow: set[Follow] = field(default_factory=set)
    #: A name left the data (an erasure, a withdrawal): every kept feed body is forgotten again after the COMMIT.
    forget_bodies: bool = False


class UnfollowedChanges(RuntimeError):
    """A commit of a transaction whose changes were not followed (revisions, sign-offs, calendars)."""


class TrackedSession(Session):
    """The application's session (``create_app`` makes it the class of ``db.session``). Each flush notes the roots
    of every row it writes, and the items whose events it can alter, from what the row was before the flush and what
    it is after it, in ``changes``; nothing else happens at a flush. ``visitplanner.commit.commit`` then raises their
    revisions and does the rest of what follows a change, in the order written there; a plain ``commit()`` of changes
    not yet followed is refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changes = Changes()

    def flush(self, objects=None) -> None:
        if not (self.new or self.deleted or self.dirty):
            return super().flush(objects)
        written, gone, gone_items = _about_to_write(self)
        super().flush(objects)
        conn = self.connection()
        for row in written:
            tracking = tracking_of(type(row.target))
            self.changes.noted |= set(tracking.roots(conn, row))
            if row.alters_events(tracking):
                self.changes.follow |= set(tracking.items(conn, row))
        self.changes.noted |= gone
        self.changes.follow |= gone_items

    def commit(self) -> None:
        self.flush()
        if self.changes.noted:
            raise UnfollowedChanges("changes to missions, partnerships or accounts are committed with "
                                    "visitplanner.commit.commit(actor), which follows them first")
        super().commit()
        self.changes = Changes()

    def rollback(self) -> None:
        super().rollback()
        self.changes = Changes()

    def close(self) -> None:
        super().close()
        self.changes = Changes()


def _before(conn: Connection, target: Any) -> dict[str, set[Any]]:
    """What each key column (an id, a link to another row) of ``target`` is before the flush: its old value where it
    changed. Roots are found through these only. A key not loaded (the row expired at a commit, and a relationship
    set since, which changes the key only at the flush) is read from the database as it stands."""
    state = inspect(target)
    found, unloaded = {}, []
    for attr in state.mapper.column_attrs:
        if not any(c.primary_key or c.foreign_keys for c in attr.columns):
            continue
        if attr.key not in state.dict and state.key is not None:
            unloaded.append(attr)
            continue
        history = state.attrs[attr.key].history
        found[attr.key] = {*history.deleted, *history.unchanged}
    if unloaded:
        where = [column == value for column, value in zip(state.mapper.primary_key, state.key[1])]
        row = conn.execute(select(*(attr.columns[0] for attr in unloaded)).where(*where)).one_or_none()
        for index, attr in enumerate(unloaded):
            found[attr.key] = set() if row is None else {row[index]}
    return found


def _about_to_write(session: Session) -> tuple[list[Written], set[Root], set[Follow]]:
    """Before a flush: the rows it will insert or change (their roots and items are found after it, once new rows
    have their ids), and the roots and items of the rows it will delete (found now, before the association rows that
    lead to them go: a company's links to its missions go before the company does)."""
    conn = session.connection()
    written, gone, gone_items = [], set(), set()
    deleted = set(session.deleted)
    orphans = set()  # children taken out of a collection that deletes its orphans (a removed delegation member)
    for parent in session.dirty:
        state = inspect(parent)
        for relationship in state.mapper.relationships:
            if relationship.cascade.delete_orphan:
                orphans |= {child for child in state.attrs[relationship.key].history.deleted
                            if child not in session.new}
    for target in (*session.new, *session.dirty, *deleted, *orphans):
        tracking = tracking_of(type(target))
        if tracking.roots is None:
            continue
        changed = frozenset()
        if target in deleted or target in orphans:
            row = Written(target, _before(conn, target), deleted=True)
            gone |= set(tracking.roots(conn, row))
            if row.alters_events(tracking):
                gone_items |= set(tracking.items(conn, row))
            if target in deleted:
                continue
        elif target not in session.new:
            state = inspect(target)
            changed = frozenset(key for key in tracking.raises if state.attrs[key].history.has_changes()) | {
                key for relationship, keys in tracking.mirrors.items()
                if state.attrs[relationship].history.has_changes() for key in keys & tracking.raises}
            if not changed:
                continue
        written.append(Written(target, _before(conn, target), inserted=target in session.new, changed=changed))
    return written, gone, gone_items


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since 1970 (UTC), as ``revised_ms`` counts."""
    return int(moment.timestamp() * 1000)


def keep_as_is(table) -> dict:
    """SET values that leave columns with an ``onupdate`` (``updated_at``) as they are in a plain UPDATE."""
    return {c.name: c for c in table.columns if c.onupdate is not None}


def raise_revisions(session: TrackedSession, roots: set[Root]) -> set[int]:
    """Raise the revision of every root in ``roots``, to be stamped at the commit (:func:`stamp_revised`); returns
    the submitted or finalised missions among them (whose sign-offs may no longer hold). The objects in memory read
    their revision again when asked."""
    signed: set[int] = set()
    conn = session.connection()
    for name, model in ROOTS.items():
        ids = {i for kind, i in roots if kind == name}
        if not ids:
            continue
        table = model.__table__
        stmt = update(table).values(revision=table.c.revision + 1, **keep_as_is(table))
        if ALL not in ids:
            stmt = stmt.where(table.c.id.in_(sorted(ids)))
        if model is Mission:
            rows = conn.execute(stmt.returning(table.c.id, table.c.status))
            signed |= {row.id for row in rows if row.status in (MissionStatus.READY, MissionStatus.FINALISED)}
        else:
            conn.execute(stmt)
        for obj in list(session.identity_map.values()):
            if isinstance(obj, model) and (ALL in ids or obj.id in ids):
                session.expire(obj, ["revision", "revised_ms"])
    session.changes.raised |= roots
    return signed


def stamp_revised(session: TrackedSession) -> None:
    """The last step before COMMIT: every root this transaction raised gets one ``revised_ms``, later than any
    stamped before, under the clock row's lock (held until the COMMIT)."""
    roots = session.changes.raised
    if not roots:
        return
    conn = session.connection()
    clock = revision_clock.c
    now = epoch_ms(now_utc())
    stamp = conn.execute(
        update(revision_clock).where(clock.id == 1)
        .values(last_ms=case((clock.last_ms + 1 > now, clock.last_ms + 1), else_=now))
        .returning(clock.last_ms)).scalar_one_or_none()
    if stamp is None:  # the clock's row was deleted by hand: it starts again after the latest stamp there is
        latest = max((conn.scalar(select(func.max(model.revised_ms))) or 0 for model in ROOTS.values()), default=0)
        stamp = max(now, latest + 1)
        conn.execute(insert(revision_clock).values(id=1, last_ms=stamp))
    for name, model in ROOTS.items():
        ids = {i for kind, i in roots if kind == name}
        if not ids:
            continue
        table = model.__table__
        stmt = update(table).values(revised_ms=stamp, **keep_as_is(table))
        if ALL not in ids:
            stmt = stmt.where(table.c.id.in_(sorted(ids)))
        conn.execute(stmt)


@cache
def guarded_tables() -> frozenset:
    """The tables of tracked models, and the association tables behind their tracked relationships."""
    tables = set()
    for cls, tracking in TRACKED.items():
        if tracking.roots is None:
            continue
        tables.add(cls.__table__)
        for relationship in inspect(cls).relationships:
            if relationship.key in tracking.raises and relationship.secondary is not None:
                tables.add(relationship.secondary)
    return frozenset(tables)


@event.listens_for(Session, "do_orm_execute")
def _refuse_unseen_bulk_changes(state: ORMExecuteState) -> None:
    """A bulk UPDATE, DELETE or INSERT through the session would change rows without the flush seeing them."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table in guarded_tables():
        raise RuntimeError(f"a bulk {type(state.statement).__name__} on {table.name} passes by the revisions; "
                           "change the rows through the ORM")
