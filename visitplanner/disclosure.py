"""The one place that decides what each audience may see of a programme.

Programme pages, the printable programme, calendar exports and feeds ask this module; none
decides on its own. The least revealing audience a viewer may use is the default
for anything that leaves the office.

The travel-safe audience is for devices taken into China, where a laptop or phone may be inspected at the
border: a print or an .ics file, never a feed (see :func:`travel_view`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .access import DECISIONS, may
from .auth.models import User
from .enums import LabelledEnum, RiskLevel
from .extensions import db
from .followup.models import FollowUp, FollowUpStatus
from .formatting import format_date
from .itinerary.models import (
    CIVIL_SOCIETY_KINDS,
    HUMAN_RIGHTS_COMPONENTS,
    NEUTRAL_IN_TRAVEL,
    ItemKind,
    ProgrammeItem,
    Visibility,
)
from .missions.models import Mission, Side
from .participants.models import Participant, SafetyAssessment, Scope, consent_state, current_assessment
from .partnerships.models import DossierTopic, Objective, Partnership
from .stakeholders.models import Involvement, Stakeholder
from .timeutil import today_utc


class Audience(LabelledEnum):
    """Who a programme is made for, from most to least privileged."""

    __fields__ = ("audience",)

    INTERNAL = "internal"
    DELEGATION = "delegation"
    #: The delegation's programme made safe for devices taken into China (print and .ics only, never a feed).
    TRAVEL = "travel"
    PARTNER = "partner"
    PUBLIC = "public"

    __labels__ = {
        INTERNAL: _l("Internal (office)"),
        DELEGATION: _l("Delegation"),
        TRAVEL: _l("Travel-safe (devices taken into China)"),
        PARTNER: _l("Partner authorities"),
        PUBLIC: _l("Public"),
    }

    @property
    def travel_safe(self) -> bool:
        return self == Audience.TRAVEL

#: The audiences a calendar feed may be made for. A travel-safe copy is a file carried on the device: a feed is
#: copied to a calendar provider's servers and keeps changing after the border, which is what a travel copy avoids.
FEED_AUDIENCES = (Audience.INTERNAL, Audience.DELEGATION, Audience.PARTNER, Audience.PUBLIC)

#: The audiences that may see an item of each visibility in full (the travel-safe audience: as the delegation, then
#: made safe by :func:`travel_view`).
_SEEN_BY = {
    Visibility.INTERNAL: {Audience.INTERNAL},
    Visibility.DELEGATION: {Audience.INTERNAL, Audience.DELEGATION, Audience.TRAVEL},
    Visibility.PARTNER: {Audience.INTERNAL, Audience.DELEGATION, Audience.TRAVEL, Audience.PARTNER},
    Visibility.PUBLIC: set(Audience),
}


#: The roles that may ever see a civil-society participant's real name.
NAME_ROLES = DECISIONS["see real names"]

#: The consent scope that allows naming a participant to each audience (public and travel-safe: never, whatever
#: the consent and whoever prepares the copy).
NAMING_SCOPE = {
    Audience.INTERNAL: Scope.NAMED_INTERNAL,
    Audience.DELEGATION: Scope.NAMED_DELEGATION,
    Audience.PARTNER: Scope.NAMED_PARTNER,
}


def may_see_real_names(viewer: User | None) -> bool:
    return may(viewer, "see real names")


def may_see_mission(viewer: User, mission: Mission) -> bool:
    """Office staff see every mission; a delegation member sees the missions they take part in."""
    return may(viewer, "see every mission") or mission.member_for(viewer) is not None


def participant_label(participant: Participant, viewer: User | None) -> str:
    """How a participant is named on their own pages (outside any mission): real name for the roles that need it."""
    # Once pseudonymised or erased there is no real name left: the alias is all anyone sees.
    return participant.real_name or participant.alias if may_see_real_names(viewer) else participant.alias


def may_see_stakeholder(stakeholder: Stakeholder, viewer: User | None) -> bool:
    """Whether ``viewer`` may see an organisation's name and contact details: everyone once the advisor released it;
    while it is protected, the roles that may see real names only."""
    return not stakeholder.protected or may_see_real_names(viewer)


def stakeholder_label(stakeholder: Stakeholder, viewer: User | None) -> str:
    """How an organisation of the register is named (:func:`may_see_stakeholder`); once erased, the alias is all
    anyone sees."""
    return (stakeholder.name or stakeholder.alias) if may_see_stakeholder(stakeholder, viewer) else stakeholder.alias


def involved_party(involvement: Involvement, viewer: User | None) -> str:
    """Who an objective's involvement is with, named as their own pages name them."""
    if involvement.participant is not None:
        return participant_label(involvement.participant, viewer)
    if involvement.stakeholder is not None:
        return stakeholder_label(involvement.stakeholder, viewer)
    return involvement.company.name


def may_read_what_was_said(involvement: Involvement, viewer: User | None) -> bool:
    """What a protected party said is free text that may name people: the roles that may see real names read it;
    what a released organisation or a company said, every member of staff."""
    return may_see_real_names(viewer) or not involvement.protected


def participant_in_mission(
    participant: Participant, mission_id: int, viewer: User | None, audience: Audience, today: date,
    *, for_feed: bool = False,
) -> str | None:
    """How a participant appears in a mission's programme for an audience: real name, alias, or not at all.

    The real name needs a viewer whose role may see it *and* current consent to be named to that
    audience; a calendar feed never carries the real name of an at-risk person. The partner and the
    public learn nothing of a participant unless consent covers naming to them.
    """
    state = consent_state(participant.consents, mission_id, today)
    scope = NAMING_SCOPE.get(audience)
    named = scope is not None and state.covers(scope)
    if audience in (Audience.PARTNER, Audience.PUBLIC) and not named:
        return None
    if named and may_see_real_names(viewer) and not (for_feed and participant.at_risk) and participant.real_name:
        return participant.real_name
    return participant.alias


def gets_talking_points(mission: Mission | None, audience: Audience, viewer) -> bool:
    """Whether a programme for ``audience``, read by ``viewer``, carries the human-rights talking points. They are
    our side's (B.a: prepared points and answers, open about the Dutch situation; never for the partner):

    - the office's own view has them; the partner, the public and a travel-safe copy never do;
    - the delegation's programme has them while the delegation is our own people. Once visitors are on its list (an
      inbound mission), it has them only for a reader who is on the list on our side: the visitors never, and
      neither a copy made without such a reader (a page, print or feed the office makes for the delegation, a
      command-line export), which could be handed to anyone on the list.

    ``viewer`` may be a user, a feed's owner (``calendar/queries.FeedOwner``) or None; one that ``sees_every_side``
    (what calendars are followed with) is shown what any reader could be."""
    if audience == Audience.INTERNAL:
        return True
    if audience != Audience.DELEGATION:
        return False
    members = mission.members if mission is not None else []  # an item not (yet) in a mission: no one on a list
    if not any(m.side == Side.VISITORS for m in members):
        return True
    if getattr(viewer, "sees_every_side", False):
        return True
    viewer_id = getattr(viewer, "id", None)
    member = next((m for m in members if viewer_id is not None and m.user_id == viewer_id), None)
    return member is not None and member.side == Side.OURS


def audiences_for(user: User) -> list[Audience]:
    """The audiences a user may view or export a programme for, most privileged first. The travel-safe copy is
    for the delegation members who travel and the office that prepares their trip."""
    if may(user, "see every mission"):
        return list(Audience)
    return [Audience.DELEGATION, Audience.TRAVEL, Audience.PARTNER, Audience.PUBLIC]


def feed_audiences_for(user: User) -> list[Audience]:
    """The audiences a user may subscribe a calendar feed for: never the travel-safe one (see FEED_AUDIENCES)."""
    return [a for a in audiences_for(user) if a in FEED_AUDIENCES]


#: The least revealing audience a person works with is the default for every page, download, print and feed:
#: the office switches to its internal view when it needs it.
DEFAULT_AUDIENCE = Audience.DELEGATION

#: The audiences whose programme names the delegation's members: who attends an item, and a briefing book's
#: delegation list. The office, the delegation, and the travel-safe copy its members carry (:func:`travel_view`
#: lists who is at a meeting); the partner and the public learn who comes through the office's own channels.
NAMES_DELEGATION = frozenset({Audience.INTERNAL, Audience.DELEGATION, Audience.TRAVEL})


def audience_choices(user: User) -> list[Audience]:
    """The audiences offered in a selector. The office chooses among all of them. A delegation member works with
    her delegation's view only (the travel-safe copies are offered beside it, as links), so she gets no selector."""
    return audiences_for(user) if may(user, "see every mission") else []


def feed_audience_choices(user: User) -> list[Audience]:
    """The audiences offered when creating a feed; none (so no selector) for a delegation member."""
    return [a for a in audience_choices(user) if a in FEED_AUDIENCES]


def chosen_audience(user: User, requested: str | None, default: Audience = DEFAULT_AUDIENCE) -> Audience | None:
    """The audience asked for when the user may have it, None when not; ``default`` when none is asked
    (or, when not even that is allowed, the user's least privileged audience)."""
    allowed = audiences_for(user)
    if requested is None:
        return default if default in allowed else allowed[-1]
    return Audience(requested) if requested in {a.value for a in allowed} else None


def page_audience(user: User, requested: str | None) -> Audience:
    """The audience for a programme page: the one asked for when allowed, else the delegation's."""
    return chosen_audience(user, requested) or chosen_audience(user, None)


@dataclass(frozen=True)
class ItemView:
    """A programme item as one audience may see it."""

    item_id: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    title: str
    private: bool
    #: Where the item ends (a flight lands in another zone); the start's zone otherwise.
    end_timezone: str = ""
    #: The item's kind (``ItemKind``), where the audience may know it: empty for a private appointment and a
    #: travel copy's neutral meeting.
    kind: str = ""
    kind_label: str = ""
    location: str = ""
    description: str = ""
    talking_points: str = ""
    #: The focal themes the item raises: for the office's own pages only.
    themes: tuple[str, ...] = field(default_factory=tuple)
    attendees: tuple[str, ...] = field(default_factory=tuple)
    participants: tuple[str, ...] = field(default_factory=tuple)
    visibility_label: str = ""
    parallel: bool = False
    #: What calendar clients need to notice changes.
    sequence: int = 0
    last_modified: datetime | None = None
    cancelled: bool = False
    #: Whether a participant is named by their real name (not their alias) in it.
    real_names: bool = False
    #: iCalendar CLASS: PUBLIC only for a public item.
    classification: str = "CONFIDENTIAL"

    @property
    def to_be_classified(self) -> bool:
        """Imported and not yet given a kind by the office (shown on the office's own programme page only)."""
        return self.kind == ItemKind.UNCLASSIFIED

    @property
    def human_rights(self) -> bool:
        """Whether the item is, as far as the audience may know, one of the programme's human-rights components."""
        return bool(self.kind) and ItemKind(self.kind) in HUMAN_RIGHTS_COMPONENTS


#: iCalendar CLASS by visibility: only a public item is PUBLIC.
CLASSIFICATION = {
    Visibility.INTERNAL: "CONFIDENTIAL",
    Visibility.DELEGATION: "PRIVATE",
    Visibility.PARTNER: "PRIVATE",
    Visibility.PUBLIC: "PUBLIC",
}


def present_item(
    item: ProgrammeItem, audience: Audience, viewer: User | None = None, today: date | None = None,
    *, for_feed: bool = False, removed_since: datetime | None = None, calendar: bool = False,
    office_page: bool = False,
) -> ItemView | None:
    """The item as ``audience`` may see it: whole, as a private appointment, or not at all.

    ``for_feed``: the output goes to a calendar server; at-risk participants are never named.
    ``calendar``: for a calendar file or feed, where the items of a cancelled mission are no longer planned.
    ``removed_since``: an item withdrawn from the audience from that moment on (removed, its mission cancelled, or
    no longer visible to it) is shown cancelled, as the audience last saw it (calendar feeds).
    ``office_page``: the office's own programme page on screen, the one place an item still to be classified shows
    (:func:`awaiting_classification`).

    The SEQUENCE and withdrawals come from what the audience has been shown (``calendar/following.py``).
    """
    shown = (item.shown or {}).get(audience.value)
    planned = item.in_calendars if calendar else item.removed_at is None
    view = present_live(item, audience, viewer, today, for_feed, office_page=office_page) if planned else None
    if view is not None:
        if shown is not None and shown.get("withdrawn_at") is None:
            return replace(view, sequence=shown["sequence"])
        return view
    if removed_since is None:
        return None
    if item.shown is None:
        return _cancelled_before_followed(item, audience, viewer, today, for_feed, removed_since)
    if shown is None or shown.get("withdrawn_at") is None:
        return None
    withdrawn_at = datetime.fromisoformat(shown["withdrawn_at"])
    if withdrawn_at < removed_since:
        return None
    return ItemView(
        item_id=item.id, uid=item.uid, starts_at=datetime.fromisoformat(shown["starts_at"]),
        ends_at=datetime.fromisoformat(shown["ends_at"]), timezone=shown["timezone"],
        end_timezone=shown["end_timezone"], title=shown["title"] or _("Private appointment"),
        private=shown["private"], sequence=shown["sequence"], last_modified=withdrawn_at, cancelled=True,
        classification=shown["classification"],
    )


def _cancelled_before_followed(item, audience, viewer, today, for_feed, removed_since) -> ItemView | None:
    """An item gone before what audiences were shown was followed: cancelled as it was when it went."""
    if item.left_calendars_at is None or item.left_calendars_at < removed_since:
        return None
    live = present_live(item, audience, viewer, today, for_feed)
    if live is None:
        return None
    return replace(live, sequence=item.sequence, last_modified=item.left_calendars_at, cancelled=True, location="",
                   description="", talking_points="", attendees=(), participants=(), kind="", kind_label="")


def at_critical_risk(participant: Participant, item: ProgrammeItem) -> bool:
    """Whether the person is at critical risk at this item: their latest assessment *for this item* says so; until
    they are assessed for it, the highest of their latest assessments at the mission's other items (an assessment
    elsewhere never lowers the risk at an item, but an unassessed item is not taken to be safer)."""
    here = current_assessment(participant.assessments, item.id)
    if here is not None:
        return here.risk_level == RiskLevel.CRITICAL
    in_mission = {i.id for i in item.mission.items}
    latest: dict[int, object] = {}
    for a in participant.assessments:
        if a.item_id in in_mission and (a.item_id not in latest or a.id > latest[a.item_id].id):
            latest[a.item_id] = a
    return any(a.risk_level == RiskLevel.CRITICAL for a in latest.values())


def protected_items(mission) -> list[ProgrammeItem]:
    """The mission's items in the programme that the advisor's decision keeps out of calendars, in time order."""
    return sorted((i for i in mission.items if i.removed_at is None and i.is_protected),
                  key=lambda i: (i.starts_at, i.id))


def high_risk_reasons(mission) -> list[str]:
    """Why the mission is in high-risk mode (empty: it is not), in words for its page: the advisor's reason, and each
    participant at critical risk at an item, by alias. The items kept out of calendars by the advisor's decision are
    listed beside these (:func:`protected_items`)."""
    reasons = [mission.high_risk_reason] if mission.high_risk_reason else []
    live = [i for i in mission.items if i.removed_at is None]
    aliases = sorted({p.alias for i in live for p in i.participants if at_critical_risk(p, i)})
    reasons += [_("%(alias)s is assessed at critical risk.", alias=alias) for alias in aliases]
    return reasons


def protection_reason(item: ProgrammeItem) -> str:
    """Why the item is kept out of calendar feeds, for the pages of the office (names no one)."""
    if item.protected_at is not None:
        return _("someone taking part was assessed at critical risk on %(day)s. Changing the item or who takes part "
                 "does not change that: only the human-rights advisor releases it, with a reason.",
                 day=format_date(item.protected_at.date(), "long"))
    if item.mission.high_risk_reason and (item.kind in CIVIL_SOCIETY_KINDS or item.participants):
        return _("the human-rights advisor set high-risk mode on this mission, which covers every meeting with civil "
                 "society.")
    return _("someone taking part is assessed at critical risk.")


def kept_out_of_feeds(item: ProgrammeItem) -> bool:
    """High-risk mode: no feed, for any audience or owner, and no command-line export carries

    - an item the advisor's decision protects (a critical assessment was recorded for it; only the advisor's
      release with a reason ends it, whatever becomes of the people linked or their assessments elsewhere);
    - when the advisor set the mode on the mission, any item of a civil-society kind or with civil society linked;
    - an item with someone at critical risk at it (:func:`at_critical_risk`)."""
    if item.protected_at is not None:
        return True
    if item.mission.high_risk_reason and (item.kind in CIVIL_SOCIETY_KINDS or item.participants):
        return True
    if not any(a.risk_level == RiskLevel.CRITICAL for p in item.participants for a in p.assessments):
        return False  # the common case, without collecting the mission's items (this runs for every event built)
    return any(at_critical_risk(p, item) for p in item.participants)


def shows_high_risk(items, audience: Audience) -> bool:
    """Whether a download or print for ``audience`` would show an item kept out of feeds by high-risk mode."""
    return any(item.removed_at is None and kept_out_of_feeds(item)
               and present_live(item, audience, None, None, False) is not None for item in items)


def awaiting_classification(item: ProgrammeItem) -> bool:
    """An item imported from a partner's calendar file whose kind and visibility the office has not yet chosen: no
    feed, calendar file, print or briefing book of any audience carries it, not even the office's own, since nobody
    decided who may see it; only the office's own programme page shows it, marked "to be classified". Everything
    that leaves the office asks :func:`present_live`, which holds this rule."""
    return item.kind == ItemKind.UNCLASSIFIED


def present_live(item, audience: Audience, viewer: User | None, today: date | None, for_feed: bool,
                 *, office_page: bool = False) -> ItemView | None:
    """The item as ``audience`` may see it while it is in the programme (whether or not it has been removed since),
    whole or as a private appointment; None when it sees nothing of it. An item still to be classified is seen only
    on the office's own programme page (``office_page``, the internal audience): :func:`awaiting_classification`."""
    if awaiting_classification(item) and not (office_page and audience == Audience.INTERNAL):
        return None
    if audience == Audience.TRAVEL:
        return travel_view(item, today)  # leaves out what high-risk mode keeps out of feeds, feed or not
    if for_feed and kept_out_of_feeds(item):
        return None
    stamp = {"sequence": item.sequence, "last_modified": _last_change(item),
             "classification": CLASSIFICATION[Visibility(item.visibility)]}
    if audience in _SEEN_BY[Visibility(item.visibility)]:
        shows_people = audience in NAMES_DELEGATION
        day = today or today_utc()
        shown = [(p, participant_in_mission(p, item.mission_id, viewer, audience, day, for_feed=for_feed))
                 for p in item.participants]
        names = [name for _, name in shown if name is not None]
        return ItemView(
            item_id=item.id,
            uid=item.uid,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            timezone=item.timezone,
            end_timezone=item.end_zone,
            title=item.title,
            private=False,
            # The labels as lazy strings: in the language of whoever reads them, looked up when shown (a feed of
            # thousands of events looks each up once, calendar/ical.py describer).
            kind=item.kind,
            kind_label=ItemKind(item.kind).lazy_label,
            location=item.location,
            description=item.description,
            talking_points=item.talking_points if gets_talking_points(item.mission, audience, viewer) else "",
            themes=tuple(item.theme_names) if audience == Audience.INTERNAL and not for_feed else (),
            attendees=tuple(m.display_name for m in item.attendees) if shows_people else (),
            participants=tuple(names),
            real_names=any(name is not None and name != p.alias for p, name in shown),
            visibility_label=Visibility(item.visibility).lazy_label if audience == Audience.INTERNAL else "",
            parallel=item.parallel,
            **stamp,
        )
    if audience == Audience.DELEGATION:
        return ItemView(
            item_id=item.id,
            uid=item.uid,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            timezone=item.timezone,
            end_timezone=item.end_zone,
            title=_("Private appointment"),
            private=True,
            **stamp,
        )
    return None


def neutral_in_travel(item: ProgrammeItem) -> bool:
    """Whether a travel copy shows the item only as a neutral "Meeting": it has civil-society participants, or its
    kind names a human-rights component or our companies' briefing (``NEUTRAL_IN_TRAVEL``)."""
    return bool(item.participants) or ItemKind(item.kind) in NEUTRAL_IN_TRAVEL


def travel_view(item: ProgrammeItem, today: date | None = None) -> ItemView | None:
    """The item in a travel-safe copy, for a device taken into China that may be inspected at the border.

    - An item kept out of feeds by high-risk mode is left out altogether: not even its time goes on the device.
    - What the delegation sees as a private appointment (an internal item) is one here too: its time only.
    - An item with civil-society participants, or of a human-rights kind (NGO visit, meeting with residents,
      OECD/UNGP session, civil-society dialogue, companies' human-rights briefing), is called "Meeting", without
      kind, place, description, talking points or themes; whoever is there in one list, delegation members by
      name and civil-society participants by alias only (never a real name, whatever the consent or the viewer).
    - Any other item (an official meeting, a dinner, a transfer) is what the delegation sees, less what belongs
      to the human-rights action plan: never talking points or focal themes; a description only where the partner
      may see the item anyway, and not for an item linked to a focal theme (its free text is likely to be about
      the theme). The office's own notes on a delegation-only item stay at home.

    ``CLASS`` is never ``PUBLIC``: ``CONFIDENTIAL`` for private appointments and neutral meetings, ``PRIVATE``
    for the rest.
    """
    if kept_out_of_feeds(item):
        return None
    confidential = Visibility(item.visibility) == Visibility.INTERNAL or neutral_in_travel(item)
    times = {"item_id": item.id, "uid": item.uid, "starts_at": item.starts_at, "ends_at": item.ends_at,
             "timezone": item.timezone, "end_timezone": item.end_zone, "sequence": item.sequence,
             "last_modified": _last_change(item), "classification": "CONFIDENTIAL" if confidential else "PRIVATE"}
    if Audience.TRAVEL not in _SEEN_BY[Visibility(item.visibility)]:
        return ItemView(title=_("Private appointment"), private=True, **times)
    members = tuple(m.display_name for m in item.attendees)
    if neutral_in_travel(item):
        day = today or today_utc()
        aliases = (participant_in_mission(p, item.mission_id, None, Audience.TRAVEL, day) for p in item.participants)
        # One list of who is there: a heading such as "Civil society" would say what the title leaves out.
        return ItemView(title=_("Meeting"), private=False,
                        attendees=members + tuple(a for a in aliases if a is not None), parallel=item.parallel,
                        **times)
    known_to_partner = Audience.PARTNER in _SEEN_BY[Visibility(item.visibility)]
    return ItemView(title=item.title, private=False, kind=item.kind, kind_label=item.kind_label, location=item.location,
                    description=item.description if known_to_partner and not item.focal_themes else "",
                    attendees=members, parallel=item.parallel, **times)


def programme_title(mission, audience: Audience) -> str:
    """What a programme for ``audience`` is called (a print's heading): the mission's title, or for a travel-safe
    copy its dates only, since a title is free text written in the office and may name what the copy leaves out."""
    if audience == Audience.TRAVEL:
        return _("Programme %(start)s – %(end)s", start=format_date(mission.start_date, "long"),
                 end=format_date(mission.end_date, "long"))
    return mission.title


def calendar_name(mission, audience: Audience) -> str:
    """The name of a mission's calendar file for ``audience`` (a travel-safe one says nothing of its audience)."""
    if audience == Audience.TRAVEL:
        return programme_title(mission, audience)
    return f"{mission.title} ({audience.label})"


def _last_change(item: ProgrammeItem) -> datetime:
    """The item's own last change, or a later consent record of one of its participants (a name may go)."""
    consents = [c.recorded_at for p in item.participants for c in p.consents if c.mission_id == item.mission_id]
    return max([item.updated_at, *consents])


def confidential(views: list[ItemView]) -> bool:
    """Whether a copy of these views is internal and confidential: it carries talking points or real names."""
    return any(v.talking_points or v.real_names for v in views)


def present_programme(
    items: list[ProgrammeItem], audience: Audience, viewer: User | None = None, today: date | None = None,
    *, for_feed: bool = False, removed_since: datetime | None = None, calendar: bool = False,
    office_page: bool = False,
) -> list[ItemView]:
    """Every item ``audience`` may see, in time order (``office_page``: see :func:`present_item`)."""
    ordered = sorted(items, key=lambda i: (i.starts_at, i.id))
    views = (present_item(i, audience, viewer, today, for_feed=for_feed, removed_since=removed_since,
                          calendar=calendar, office_page=office_page)
             for i in ordered)
    return [v for v in views if v is not None]


# ---- reminders in the organisation feed ------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderView:
    """A follow-up or evaluation falling due, as a calendar feed may carry it."""

    uid: str
    day: date
    title: str
    link: str
    last_modified: datetime | None


def present_reminders(audience: Audience, link_to_mission, link_to_partnership) -> list[ReminderView]:
    """Open follow-ups and evaluations due, for the internal audience only (others get none). ``link_to_partnership``
    takes the partnership's id and the part of its page to open.

    A feed is copied to the calendar provider's servers, and the free text of a follow-up (what, with
    whom) or an objective may name a person. So a reminder carries only what falls due, for which mission
    or partnership, and a link to the page that says the rest to those who may see it.
    """
    if audience != Audience.INTERNAL:
        return []
    follow_ups = db.session.execute(
        select(FollowUp.id, FollowUp.mission_id, FollowUp.partnership_id, FollowUp.due_date, FollowUp.updated_at,
               Mission.title, Partnership.own_organisation, Partnership.partner_region)
        .outerjoin(Mission, Mission.id == FollowUp.mission_id)
        .outerjoin(Partnership, Partnership.id == FollowUp.partnership_id)
        .where(FollowUp.status != FollowUpStatus.DONE.value)
        .order_by(FollowUp.due_date, FollowUp.id))
    # A follow-up between visits (of the partnership, or of a contact with the partner region) names the partnership
    # and links to its page; never the contact's subject, which is free text.
    found = [ReminderView(f"followup-{f.id}@visitplanner", f.due_date,
                          _("Follow-up due: %(mission)s", mission=f.title), link_to_mission(f.mission_id),
                          f.updated_at) if f.mission_id is not None else
             ReminderView(f"followup-{f.id}@visitplanner", f.due_date,
                          _("Follow-up due: %(own)s – %(partner)s", own=f.own_organisation, partner=f.partner_region),
                          link_to_partnership(f.partnership_id, "follow-up-%d" % f.id), f.updated_at)
             for f in follow_ups]
    objectives = db.session.execute(
        select(Objective.id, Objective.partnership_id, Objective.evaluation_due, Objective.created_at,
               Partnership.own_organisation, Partnership.partner_region)
        .join(Partnership, Partnership.id == Objective.partnership_id)
        .where(Objective.evaluation_due.is_not(None))
        .order_by(Objective.evaluation_due, Objective.id))
    found += [ReminderView(f"evaluation-{o.id}-{o.evaluation_due.isoformat()}@visitplanner", o.evaluation_due,
                           _("Evaluation due: %(own)s – %(partner)s", own=o.own_organisation,
                             partner=o.partner_region),
                           link_to_partnership(o.partnership_id, "plan"), o.created_at) for o in objectives]
    return found


# ---- the partnership's review report ----------------------------------------------------------------------------


class ReportAudience(LabelledEnum):
    """Who a partnership's review report is made for. Never the partner: the action plan need not, and often should
    not, be shared with the partner authorities (B.c), so no partner or public edition is offered."""

    INTERNAL = "internal"
    COUNCIL = "council"

    __labels__ = {
        INTERNAL: _l("Internal (office)"),
        COUNCIL: _l("The council (raad)"),
    }


#: The least revealing edition, made when none is asked for.
DEFAULT_REPORT_AUDIENCE = ReportAudience.COUNCIL

#: Dossier topics whose text comes from people: consultations of defenders and residents, reports of the partner
#: region's civil society. The council's edition names the entry (topic, date) and leaves its text and sources out.
PEOPLES_TOPICS = frozenset({DossierTopic.CONSULTATIONS, DossierTopic.CIVIL_SOCIETY})


def report_audience(requested: str | None) -> ReportAudience | None:
    """The edition asked for: the council's when none is asked; None for any other (the partner's above all), which
    the report refuses."""
    if not requested:
        return DEFAULT_REPORT_AUDIENCE
    try:
        return ReportAudience(requested)
    except ValueError:
        return None


def report_shows_internal(audience: ReportAudience) -> bool:
    """Whether the report carries what is for the office only: safety notes (high-risk reasons), the review's
    internal notes (risk details the advisor keeps internal), the reason behind the advice, with whom follow-ups
    are held, notes on the partner's answer to a request for room, and the text of dossier entries from people."""
    return audience == ReportAudience.INTERNAL


def involvement_in_report(involvement: Involvement, audience: ReportAudience,
                          viewer: User | None) -> tuple[str, str | None]:
    """Who an objective's involvement is with, and what they said (None: left out), in a review report. The office's
    edition names them as the reader's role may; the council's names a protected party by its kind only and leaves
    out what it said."""
    if report_shows_internal(audience):
        return (involved_party(involvement, viewer),
                involvement.said if may_read_what_was_said(involvement, viewer) else None)
    if involvement.protected:
        party = involvement.stakeholder or involvement.participant
        return str(party.kind_label), None
    return involved_party(involvement, None), involvement.said


def report_shows_dossier_text(audience: ReportAudience, topic: str) -> bool:
    """Whether the report carries a dossier entry's summary and sources (else its topic and date only)."""
    return report_shows_internal(audience) or topic not in PEOPLES_TOPICS


# ---- the briefing book ------------------------------------------------------------------------------------------


def book_shows_background(audience: Audience) -> bool:
    """Whether a briefing book carries the office's background: the focal themes with the research dossier's latest
    findings (the action plan's, never the partner's: B.c) and the safety notes (:func:`safety_notes`). The internal
    edition only; such a book is confidential whatever else it carries."""
    return audience == Audience.INTERNAL


@dataclass(frozen=True)
class SafetyNote:
    """A civil-society participant's safety at one programme item, by alias (a briefing book's internal edition)."""

    alias: str
    item_title: str
    starts_at: datetime
    timezone: str
    #: The latest assessment for the item; None while there is none.
    assessment: SafetyAssessment | None
    #: Whether that assessment no longer holds today.
    expired: bool


def safety_notes(mission: Mission, shown: set[int], today: date) -> list[SafetyNote]:
    """The safety of each civil-society participant at each item of the programme they attend, among the items
    ``shown`` (by id: those the book's audience sees), in time order: by alias only, never a real name, whoever reads
    it; the latest assessment for that item (risk, decision, valid until) or none yet. Its free text (threats, venue,
    mitigations) stays on the person's page: it may name people."""
    items = sorted((i for i in mission.items if i.removed_at is None and i.id in shown),
                   key=lambda i: (i.starts_at, i.id))
    notes = []
    for item in items:
        for participant in sorted(item.participants, key=lambda p: p.alias):
            found = current_assessment(participant.assessments, item.id)
            notes.append(SafetyNote(participant.alias, item.title, item.starts_at, item.timezone, found,
                                    found is not None and not found.is_current(today)))
    return notes
