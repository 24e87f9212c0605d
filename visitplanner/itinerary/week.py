"""A week at a glance: the programme as a grid, the days as columns and the half hours as rows.

The grid is laid out here, as rows of cells for an HTML table (rowspan and colspan place each item: no inline
styles, which the pages' policy forbids, and no script); the template only writes the cells out. Drawn to scale:
an item spans the half hours it touches (rounded outward), and every row is a half hour of the same height whatever
the items hold (``static/week.css``), so that an hour and a half is three quarters of two hours. Times are the wall-clock times where the
visit takes place (the mission's zone); the margin shows the home zone's time beside them. Where the clocks change
during the week, each day names its offset. Items that overlap on a day stand side by side in lanes; an item spreads
over the lanes to its right that are free for its whole time. An item that runs past midnight (a night flight) shows
on each day it covers.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from ..disclosure import ItemView
from ..formatting import format_time
from .models import ItemKind
from ..timeutil import in_zone, utc_offset, zone_label_through, zone_periods

#: Minutes per row.
SLOT_MINUTES = 30
SLOTS_PER_HOUR = 60 // SLOT_MINUTES
SLOTS_PER_DAY = 24 * SLOTS_PER_HOUR
#: The hours every grid shows at the least; earlier and later ones only when an item needs them.
OPENS, CLOSES = 8, 18
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Placed:
    """An item (or the part of it that falls on one day) in the grid."""

    view: ItemView
    day: date
    first: int  # the row it starts in: half hours since midnight
    span: int  # rows
    lane: int
    width: int = 1  # lanes, its own and the free ones to its right
    from_day_before: bool = False
    into_next_day: bool = False


@dataclass(frozen=True)
class Cell:
    """One cell of a row: ``"hour"`` and ``"home"`` in the margin, then ``"item"`` or ``"empty"`` per day lane."""

    kind: str
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    placed: Placed | None = None


@dataclass(frozen=True)
class Column:
    """A day's heading: the day, its lanes (the heading spans as many columns) and, where the clocks change during
    the week, the zones' labels that day (empty otherwise)."""

    day: date
    lanes: int
    local_zone: str = ""
    home_zone: str = ""


@dataclass
class Week:
    days: list[date]
    #: Lanes per day: the day's heading spans as many columns.
    lanes: list[int]
    rows: list[list[Cell]]
    #: The visit's zone over the week, each label with the first day it holds (``timeutil.zone_periods``): one
    #: pair, or two where summer time starts or ends that week.
    local_zone: list[tuple[date, str]]
    #: The home zone's labels for the margin, likewise; empty when the visit takes place in the home zone.
    home_zone: list[tuple[date, str]]
    columns: list[Column]
    #: The kinds shown, for the legend: ``(kind, label)``.
    kinds: list[tuple[str, str]] = field(default_factory=list)
    #: Whether a human-rights component is shown: only then does the legend explain its mark (a travel-safe copy
    #: never names one, not even in its legend).
    human_rights: bool = False


def _per_day(days: list[date], zone: str) -> list[str]:
    """The zone's label on each day when the clocks change there during the week; nothing when they do not."""
    tz = zoneinfo.ZoneInfo(zone)
    opens = datetime.combine(days[0], time(0), tz)
    closes = datetime.combine(days[-1] + timedelta(days=1), time(0), tz)
    if utc_offset(opens, zone) == utc_offset(closes, zone):
        return [""] * len(days)
    return [zone_label_through(day, zone) for day in days]


def _slot(moment: datetime) -> int:
    return moment.hour * SLOTS_PER_HOUR + moment.minute // SLOT_MINUTES


def _pieces(view: ItemView, zone: str, days: list[date]) -> list[Placed]:
    """The item cut at midnight (where the visit takes place) into a piece per day of ``days`` it covers."""
    start, end = in_zone(view.starts_at, zone), in_zone(view.ends_at, zone)
    pieces = []
    for day in days:
        opens = datetime.combine(day, time(0), start.tzinfo)
        closes = datetime.combine(day + timedelta(days=1), time(0), start.tzinfo)
        if not (start < closes and (end > opens or (start == end and start >= opens))):
            continue
        first = _slot(start) if start >= opens else 0
        last = SLOTS_PER_DAY if end >= closes else _slot(end) + (1 if end.minute % SLOT_MINUTES else 0)
        pieces.append(Placed(view, day, first, max(1, last - first), lane=0, from_day_before=start < opens,
                             into_next_day=end > closes))
    return pieces


def _in_lanes(pieces: list[Placed]) -> tuple[list[Placed], int]:
    """One day's pieces given lanes so that overlapping ones stand side by side; returns them and the lane count."""
    ends: list[int] = []  # per lane, the row where its last piece ends
    laned = []
    for piece in sorted(pieces, key=lambda p: (p.first, -p.span, p.view.starts_at, p.view.item_id)):
        lane = next((i for i, end in enumerate(ends) if end <= piece.first), len(ends))
        if lane == len(ends):
            ends.append(0)
        ends[lane] = piece.first + piece.span
        laned.append(replace(piece, lane=lane))
    lanes = max(1, len(ends))

    def free(lane: int, piece: Placed) -> bool:
        return not any(o.lane == lane and o.first < piece.first + piece.span and piece.first < o.first + o.span
                       for o in laned)

    spread = []
    for piece in laned:
        width = 1
        while piece.lane + width < lanes and free(piece.lane + width, piece):
            width += 1
        spread.append(replace(piece, width=width))
    return spread, lanes


def weeks(start: date, end: date, views: list[ItemView], zone: str, home_zone: str) -> list[Week]:
    """The mission's days, a week (at most seven days) to a grid."""
    all_days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [week(all_days[i:i + DAYS_PER_WEEK], views, zone, home_zone)
            for i in range(0, len(all_days), DAYS_PER_WEEK)]


def week(days: list[date], views: list[ItemView], zone: str, home_zone: str) -> Week:
    by_day: dict[date, list[Placed]] = {day: [] for day in days}
    for view in views:
        for piece in _pieces(view, zone, days):
            by_day[piece.day].append(piece)
    placed, lanes = {}, []
    for day in days:
        pieces, count = _in_lanes(by_day[day])
        lanes.append(count)
        placed[day] = pieces
    every = [p for day in days for p in placed[day]]
    first = min([OPENS * SLOTS_PER_HOUR] + [p.first - p.first % SLOTS_PER_HOUR for p in every])
    last = max([CLOSES * SLOTS_PER_HOUR] + [-(-(p.first + p.span) // SLOTS_PER_HOUR) * SLOTS_PER_HOUR
                                            for p in every])
    starts = {(p.day, p.first, p.lane): p for p in every}
    covered = {(p.day, row, lane) for p in every for row in range(p.first, p.first + p.span)
               for lane in range(p.lane, p.lane + p.width)}
    local = zoneinfo.ZoneInfo(zone)
    elsewhere = home_zone != zone
    rows = []
    for row in range(first, last):
        cells = []
        if row % SLOTS_PER_HOUR == 0:
            hour = time(row // SLOTS_PER_HOUR)
            cells.append(Cell("hour", format_time(datetime.combine(days[0], hour, local), zone),
                              rowspan=SLOTS_PER_HOUR))
            if elsewhere:
                # The offset can change during the week (summer time): each distinct home time, in day order.
                at_home = dict.fromkeys(format_time(datetime.combine(day, hour, local), home_zone) for day in days)
                cells.append(Cell("home", " / ".join(at_home), rowspan=SLOTS_PER_HOUR))
        for day, count in zip(days, lanes):
            for lane in range(count):
                piece = starts.get((day, row, lane))
                if piece is not None:
                    cells.append(Cell("item", rowspan=piece.span, colspan=piece.width, placed=piece))
                elif (day, row, lane) not in covered:
                    cells.append(Cell("empty"))
        rows.append(cells)
    shown = {p.view.kind for p in every if p.view.kind}
    home_labels = _per_day(days, home_zone) if elsewhere else [""] * len(days)
    return Week(days=days, lanes=lanes, rows=rows, local_zone=zone_periods(days[0], days[-1], zone),
                home_zone=zone_periods(days[0], days[-1], home_zone) if elsewhere else [],
                columns=[Column(*each) for each in zip(days, lanes, _per_day(days, zone), home_labels)],
                kinds=[(k.value, k.label) for k in ItemKind if k.value in shown],
                human_rights=any(p.view.human_rights for p in every))
