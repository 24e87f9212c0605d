"""The time-driven notices, written by ``flask notify`` before it sends: consents and safety assessments ending
within 14 days or before the person's meeting (to the advisors), follow-ups due within a week or overdue (to their
owner), calendar feeds expiring within 14 days (to their owner).

Each is written once per (kind, subject, date, person): its dedupe key is unique, so a second run, or two runs at
once, write nothing new. What ends is found by the dashboard's own queries (``main/dashboard.py``), so that the
e-mail and the dashboard never disagree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..calendar.models import CalendarFeed
from ..extensions import db
from ..followup.models import FollowUp, FollowUpStatus
from ..main.dashboard import (
    HORIZON,
    assessments_before_meeting,
    consents_before_meeting,
    expiring_assessments,
    expiring_consents,
)
from ..missions.models import Mission, MissionStatus
from .models import NoticeKind
from .operations import notify_once

#: A follow-up's owner hears of it this long before its due date, and again once it is overdue.
FOLLOW_UP_AHEAD = timedelta(days=7)


def _receiving(kind: NoticeKind, accounts: list[User]) -> list[User]:
    """The active accounts whose roles get ``kind`` (its roles are the access table's)."""
    return [user for user in accounts if kind.for_user(user)]


def write_due(today: date, now: datetime) -> int:
    """Write every time-driven notice that is due and was not written before; returns how many were written."""
    written = 0
    accounts = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
    live = list(db.session.scalars(select(Mission.id).where(
        Mission.status.notin_([MissionStatus.COMPLETED.value, MissionStatus.CANCELLED.value])).order_by(Mission.id)))
    until = today + HORIZON

    # Before the meeting first: the same record ending soon is then written once, with its meeting's day.
    consents = [(p.id, m.id, ends, day) for p, m, ends, day in consents_before_meeting(live, today)]
    consents += [(p.id, m.id, ends, None) for p, m, ends in expiring_consents(live, today, until)]
    for participant_id, mission_id, ends, day in consents:
        for person in _receiving(NoticeKind.CONSENT_ENDING, accounts):
            written += notify_once(person, NoticeKind.CONSENT_ENDING, "main.home", {},
                                   {"ends_on": ends, **({"meeting_on": day} if day else {})},
                                   f"{participant_id}:{mission_id}:{ends.isoformat()}")
    assessments = [(p.id, i.id, ends, day) for p, i, ends, day in assessments_before_meeting(live, today)]
    assessments += [(p.id, i.id, ends, None) for p, i, ends in expiring_assessments(live, today, until)]
    for participant_id, item_id, ends, day in assessments:
        for person in _receiving(NoticeKind.ASSESSMENT_ENDING, accounts):
            written += notify_once(person, NoticeKind.ASSESSMENT_ENDING, "main.home", {},
                                   {"ends_on": ends, **({"meeting_on": day} if day else {})},
                                   f"{participant_id}:{item_id}:{ends.isoformat()}")

    follow_ups = db.session.scalars(
        select(FollowUp).where(FollowUp.status != FollowUpStatus.DONE.value, FollowUp.owner_id.is_not(None),
                               FollowUp.due_date <= today + FOLLOW_UP_AHEAD).order_by(FollowUp.id))
    for follow_up in follow_ups:
        overdue = follow_up.is_overdue(today)
        link, values = (("followup.after", {"mission_id": follow_up.mission_id}) if follow_up.mission_id is not None
                        else ("partnerships.show", {"partnership_id": follow_up.partnership_id}))
        written += notify_once(follow_up.owner, NoticeKind.FOLLOW_UP_DUE, link, values,
                               {"due_on": follow_up.due_date, "overdue": overdue},
                               f"{follow_up.id}:{follow_up.due_date.isoformat()}:{'overdue' if overdue else 'due'}")

    feeds = db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None), CalendarFeed.expires_at.is_not(None),
                                   CalendarFeed.expires_at > now, CalendarFeed.expires_at <= now + HORIZON)
        .order_by(CalendarFeed.id))
    for feed in feeds:
        expires_on = feed.expires_at.date()
        written += notify_once(feed.owner, NoticeKind.FEED_EXPIRING, "calendar.feeds", {},
                               {"expires_on": expires_on}, f"{feed.id}:{expires_on.isoformat()}")
    return written
