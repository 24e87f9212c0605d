"""Rules of the itinerary, as plain functions of loaded objects (no request, no queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from ..errors import RuleViolation
from ..formatting import format_date
from ..missions.models import DelegationMember, Mission
from ..timeutil import in_zone, is_known_timezone, last_day
from .models import ItemKind, ProgrammeItem


#: Rule 7: transport may start the day before the mission's first day and end the day after its last (the journey
#: out and the journey home, an overnight flight included); every other item keeps within the mission's days. An item
#: imported and still to be classified may be the journey: it is given the same margin until the office chooses.
TRAVEL_MARGIN = timedelta(days=1)
MAY_BE_TRANSPORT = frozenset({ItemKind.TRANSPORT, ItemKind.UNCLASSIFIED})


@dataclass(frozen=True)
class ItemDays:
    """The days an item of one kind may take (rule 7): it starts from ``first`` up to ``last_start`` and ends by
    ``last_end``."""

    first: date
    last_start: date
    last_end: date

    def holds(self, start_day: date, end_day: date) -> bool:
        return self.first <= start_day <= self.last_start and end_day <= self.last_end


def item_days(kind: str, start_date: date, end_date: date) -> ItemDays:
    """Rule 7 for a mission from ``start_date`` to ``end_date``: its days, and for transport a day either side."""
    margin = TRAVEL_MARGIN if kind in MAY_BE_TRANSPORT else timedelta(0)
    return ItemDays(start_date - margin, end_date, end_date + margin)


def outside_days(mission: Mission, kind: str, start_day: date | None, end_day: date | None) -> list[RuleViolation]:
    """Rule 7 for one item: a problem at its start, at its end, or both, when they fall outside the days an item of
    its kind may take; each says which days those are. A day not known (None) is not judged."""
    days = item_days(kind, mission.start_date, mission.end_date)
    transport = kind == ItemKind.TRANSPORT
    dates = {"start": format_date(mission.start_date), "end": format_date(mission.end_date)}
    problems = []
    if start_day is not None and not days.first <= start_day <= days.last_start:
        problems.append(RuleViolation(
            _("Transport may start from the day before the mission's first day (%(day)s) up to its last day "
              "(%(end)s).", day=format_date(days.first), end=format_date(days.last_start)) if transport else
            _("The start falls outside the mission's dates (%(start)s to %(end)s). Only transport may start the "
              "day before.", **dates),
            "starts_at"))
    if end_day is not None and end_day > days.last_end:
        problems.append(RuleViolation(
            _("Transport may end at the latest on the day after the mission's last day (%(day)s).",
              day=format_date(days.last_end)) if transport else
            _("The end falls outside the mission's dates (%(start)s to %(end)s). Only transport may end the day "
              "after.", **dates),
            "ends_at"))
    return problems


def item_time_problems(mission: Mission, starts_at: datetime | None, ends_at: datetime | None, zone: str,
                       end_zone: str | None = None, *, kind: str) -> list[RuleViolation]:
    """What is impossible about an item's times, each at its field; a time not given (None) is not judged. The days
    an item may take depend on its kind (rule 7, :func:`outside_days`)."""
    end_zone = end_zone or zone
    if not is_known_timezone(zone):
        return [RuleViolation(_("Choose a time zone from the list."), "timezone")]
    problems = []
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(RuleViolation(_("The end must be after the start."), "ends_at"))
    start_day = in_zone(starts_at, zone).date() if starts_at is not None else None
    end_day = last_day(ends_at, end_zone) if ends_at is not None and is_known_timezone(end_zone) else None
    return problems + outside_days(mission, kind, start_day, end_day)


@dataclass(frozen=True)
class DoubleBooking:
    member: DelegationMember
    other: ProgrammeItem


def double_bookings(items: list[ProgrammeItem]) -> dict[int, list[DoubleBooking]]:
    """For each live item, the attendees it shares with an overlapping item; parallel items excepted."""
    live = [i for i in items if i.removed_at is None]
    found: dict[int, list[DoubleBooking]] = defaultdict(list)
    by_start = sorted(live, key=lambda i: i.starts_at)
    for n, item in enumerate(by_start):
        for other in by_start[n + 1:]:
            if other.starts_at >= item.ends_at:
                break
            if item.parallel or other.parallel or not item.overlaps(other):
                continue
            shared = {m.id: m for m in item.attendees}.keys() & {m.id for m in other.attendees}
            for member in (m for m in item.attendees if m.id in shared):
                found[item.id].append(DoubleBooking(member, other))
                found[other.id].append(DoubleBooking(member, item))
    return dict(found)
