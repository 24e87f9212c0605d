"""A programme as an iCalendar file or feed for one audience: what goes in is asked of the disclosure module."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import url_for
from flask_babel import gettext as _

from ..auth.models import User
from ..disclosure import (
    Audience,
    ItemView,
    kept_out_of_feeds,
    present_item,
    present_programme,
    present_reminders,
)
from ..missions.models import Mission
from .ical import all_day_event, build_calendar, describe, describer
from .queries import calendar_items

#: An item withdrawn from an audience (removed, its mission cancelled, no longer visible to it) stays in its feeds,
#: cancelled, this long (counted in whole days, so that a feed's content depends on the day and not on the moment
#: of the fetch: its ETag carries the day).
CANCELLED_KEPT = timedelta(days=30)


def cancelled_since(today: date) -> datetime:
    """Items withdrawn from the start of this day on still show, cancelled."""
    return datetime.combine(today - CANCELLED_KEPT, time.min, tzinfo=timezone.utc)


def reminders(audience: Audience) -> list:
    """Follow-ups and evaluations falling due as all-day events, as far as the audience may see them."""
    found = present_reminders(
        audience,
        lambda mission_id: url_for("followup.after", mission_id=mission_id, _external=True),
        lambda partnership_id, part: url_for("partnerships.show", partnership_id=partnership_id, _external=True)
        + "#" + part,
    )
    return [all_day_event(r.uid, r.day, r.title, _("Details in visitplanner: %(link)s", link=r.link),
                          r.last_modified) for r in found]


def feed_ics(mission_ids, audience: Audience, viewer: User | None, name: str, *, today: date,
             with_reminders: bool = False) -> bytes:
    """A subscription feed of these missions' programmes: read and written a batch of items at a time
    (``queries.calendar_items``), so that what a feed of ten thousand items holds at once is its written events."""
    def views():
        removed_since = cancelled_since(today)
        for batch in calendar_items(mission_ids):
            found = (present_item(item, audience, viewer, today, for_feed=True, calendar=True,
                                  removed_since=removed_since) for item in batch)
            yield from sorted((v for v in found if v is not None), key=lambda v: (v.starts_at, v.item_id))

    return build_calendar(name, views(), describer(), reminders(audience) if with_reminders else ())


def programme_ics(
    missions: list[Mission], audience: Audience, viewer: User | None, name: str, *, today: date,
    for_feed: bool, with_reminders: bool = False, high_risk: bool = True,
) -> bytes:
    """The programmes of ``missions`` as ``audience`` may see them, as one calendar. ``high_risk=False`` leaves out
    what high-risk mode keeps out of feeds (an export made without a person who proved who they are)."""
    views: list[ItemView] = []
    for mission in missions:
        items = mission.items if high_risk else [i for i in mission.items if not kept_out_of_feeds(i)]
        views += present_programme(
            items, audience, viewer, today, for_feed=for_feed, calendar=True,
            removed_since=cancelled_since(today) if for_feed else None,
        )
    views.sort(key=lambda v: (v.starts_at, v.item_id))
    return build_calendar(name, views, describe, reminders(audience) if with_reminders else ())
