"""Rules of the itinerary, as plain functions of loaded objects (no request, no queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from ..errors import RuleViolation
from ..formatting import format_date
from ..missions.models import DelegationMember, Mission
from ..timeutil import in_zone, is_known_timezone, last_day
from .models import ProgrammeItem


def item_time_problems(mission: Mission, starts_at: datetime | None, ends_at: datetime | None, zone: str,
                       end_zone: str | None = None) -> list[RuleViolation]:
    """What is impossible about an item's times, each at its field; a time not given (None) is not judged."""
    end_zone = end_zone or zone
    if not is_known_timezone(zone):
        return [RuleViolation(_("Choose a time zone from the list."), "timezone")]
    problems = []
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(RuleViolation(_("The end must be after the start."), "ends_at"))
    dates = {"start": format_date(mission.start_date), "end": format_date(mission.end_date)}
    if starts_at is not None and not mission.start_date <= in_zone(starts_at, zone).date() <= mission.end_date:
        problems.append(RuleViolation(
            _("The start falls outside the mission's dates (%(start)s to %(end)s).", **dates), "starts_at"))
    if ends_at is not None and is_known_timezone(end_zone) and last_day(ends_at, end_zone) > mission.end_date:
        problems.append(RuleViolation(
            _("The end falls outside the mission's dates (%(start)s to %(end)s).", **dates), "ends_at"))
    return problems


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
