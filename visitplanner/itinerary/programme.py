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


def by_day(mission: Mission, views: list[ItemView]) -> list[ProgrammeDay]:
    """Every day of the mission with its items, each on the day it starts where it happens."""
    grouped: dict[date, list[ItemView]] = defaultdict(list)
    for view in views:
        grouped[in_zone(view.starts_at, view.timezone).date()].append(view)
    days = []
    day = mission.start_date
    while day <= mission.end_date:
        days.append(ProgrammeDay(day, grouped.pop(day, [])))
        day += timedelta(days=1)
    return days
