"""The one place that decides what each audience may see of a programme.

Programme pages, the printable programme and (later) calendar exports and feeds ask this
module; none decides on its own. The least revealing audience a viewer may use is the default
for anything that leaves the office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .auth.models import Role, User
from .itinerary.models import ProgrammeItem, Visibility
from .participants.models import Participant, Scope, consent_state
from .timeutil import today_utc


class Audience(StrEnum):
    """Who a programme is made for, from most to least privileged."""

    INTERNAL = "internal"
    DELEGATION = "delegation"
    PARTNER = "partner"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return str(AUDIENCE_LABELS[self])


AUDIENCE_LABELS = {
    Audience.INTERNAL: _l("Internal (office)"),
    Audience.DELEGATION: _l("Delegation"),
    Audience.PARTNER: _l("Partner authorities"),
    Audience.PUBLIC: _l("Public"),
}

#: The audiences that may see an item of each visibility in full.
_SEEN_BY = {
    Visibility.INTERNAL: {Audience.INTERNAL},
    Visibility.DELEGATION: {Audience.INTERNAL, Audience.DELEGATION},
    Visibility.PARTNER: {Audience.INTERNAL, Audience.DELEGATION, Audience.PARTNER},
    Visibility.PUBLIC: set(Audience),
}


#: The roles that may ever see a civil-society participant's real name.
NAME_ROLES = frozenset({Role.ADVISOR, Role.APPROVER, Role.ADMIN})

#: The consent scope that allows naming a participant to each audience (public: never).
NAMING_SCOPE = {
    Audience.INTERNAL: Scope.NAMED_INTERNAL,
    Audience.DELEGATION: Scope.NAMED_DELEGATION,
    Audience.PARTNER: Scope.NAMED_PARTNER,
}


def may_see_real_names(viewer: User | None) -> bool:
    return viewer is not None and viewer.has_role(*NAME_ROLES)


def participant_label(participant: Participant, viewer: User | None) -> str:
    """How a participant is named on their own pages (outside any mission): real name for the roles that need it."""
    return participant.real_name if may_see_real_names(viewer) else participant.alias


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
    if named and may_see_real_names(viewer) and not (for_feed and participant.at_risk):
        return participant.real_name
    return participant.alias


def audiences_for(user: User) -> list[Audience]:
    """The audiences a user may view or export a programme for, most privileged first."""
    if user.is_staff:
        return list(Audience)
    return [Audience.DELEGATION, Audience.PARTNER, Audience.PUBLIC]


def page_audience(user: User, requested: str | None) -> Audience:
    """The audience for a programme page: the one asked for when allowed, else the user's most privileged."""
    allowed = audiences_for(user)
    if requested in {a.value for a in allowed}:
        return Audience(requested)
    return allowed[0]


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
    kind_label: str = ""
    location: str = ""
    description: str = ""
    talking_points: str = ""
    attendees: tuple[str, ...] = field(default_factory=tuple)
    participants: tuple[str, ...] = field(default_factory=tuple)
    visibility_label: str = ""
    parallel: bool = False


def present_item(
    item: ProgrammeItem, audience: Audience, viewer: User | None = None, today: date | None = None,
) -> ItemView | None:
    """The item as ``audience`` may see it: whole, as a private appointment, or not at all."""
    if item.removed_at is not None:
        return None
    if audience in _SEEN_BY[Visibility(item.visibility)]:
        shows_people = audience in (Audience.INTERNAL, Audience.DELEGATION)
        day = today or today_utc()
        names = (participant_in_mission(p, item.mission_id, viewer, audience, day) for p in item.participants)
        return ItemView(
            item_id=item.id,
            uid=item.uid,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            timezone=item.timezone,
            title=item.title,
            private=False,
            kind_label=item.kind_label,
            location=item.location,
            description=item.description,
            talking_points=item.talking_points if shows_people else "",
            attendees=tuple(m.display_name for m in item.attendees) if shows_people else (),
            participants=tuple(n for n in names if n is not None),
            visibility_label=item.visibility_label if audience == Audience.INTERNAL else "",
            parallel=item.parallel,
        )
    if audience == Audience.DELEGATION:
        return ItemView(
            item_id=item.id,
            uid=item.uid,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            timezone=item.timezone,
            title=_("Private appointment"),
            private=True,
        )
    return None


def present_programme(
    items: list[ProgrammeItem], audience: Audience, viewer: User | None = None, today: date | None = None,
) -> list[ItemView]:
    """Every item ``audience`` may see, in time order."""
    ordered = sorted(items, key=lambda i: (i.starts_at, i.id))
    views = (present_item(i, audience, viewer, today) for i in ordered)
    return [v for v in views if v is not None]
