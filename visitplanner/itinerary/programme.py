"""A programme laid out day by day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ..disclosure import ItemView
from ..missions.models import Mission
from ..timeutil import in_zone


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    items: list[ItemView]
    #: Its number among the mission's days (1 for the first); None for the day before or after, which only transport
    #: may take (rule 7).
    number: int | None = None
    #: The day before the mission's first (a day outside it is otherwise the day after its last).
    before_first: bool = False


def by_day(mission: Mission, views: list[ItemView]) -> list[ProgrammeDay]:
    """Every day of the mission with its items, each on the day it starts where it happens; the day before the
    first (or after the last) too when an item starts then."""
    grouped: dict[date, list[ItemView]] = defaultdict(list)
    for view in views:
        grouped[in_zone(view.starts_at, view.timezone).date()].append(view)
    day = min([mission.start_date, *grouped])
    last = max([mission.end_date, *grouped])
    days = []
    while day <= last:
        inside = mission.start_date <= day <= mission.end_date
        days.append(ProgrammeDay(day, grouped.pop(day, []),
                                 (day - mission.start_date).days + 1 if inside else None,
                                 before_first=day < mission.start_date))
        day += timedelta(days=1)
    return days
