"""Which calendar providers the feeds reach: read from the user agents of the recorded feed fetches.

A feed is fetched by whatever program its owner gave the URL to; most copy it to their own servers. The fetch
records (kept 90 days, ``calendar/operations.py``) say which: this module sorts their user agents into providers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..calendar.models import CalendarFeed, FeedFetch
from ..disclosure import Audience
from ..enums import LabelledEnum, MemberText
from ..extensions import db


class CalendarProvider(LabelledEnum):
    GOOGLE = "google"
    MICROSOFT = "microsoft"
    APPLE = "apple"
    THUNDERBIRD = "thunderbird"
    OTHER = "other"

    __labels__ = {
        GOOGLE: _l("Google Calendar"),
        MICROSOFT: _l("Microsoft Outlook or Exchange"),
        APPLE: _l("Apple Calendar (iPhone, iPad, Mac)"),
        THUNDERBIRD: _l("Thunderbird"),
        OTHER: _l("Other programs"),
    }

    #: Where the feed's copy is kept.
    where = MemberText({
        GOOGLE: _l("Fetched and kept by Google's servers, possibly outside the EU."),
        MICROSOFT: _l("Fetched by the Outlook app, or by Microsoft's servers for Outlook on the web and "
                      "Microsoft 365, possibly outside the EU."),
        APPLE: _l("Fetched by the device; kept in iCloud too when the subscription is stored there."),
        THUNDERBIRD: _l("Fetched and kept by the computer it runs on."),
        OTHER: _l("Another program or a browser: judge by the fetch records on the feeds page."),
    })

#: The first pattern that matches a user agent names its provider; nothing matching is "other".
PATTERNS = (
    (CalendarProvider.GOOGLE, re.compile(r"Google-Calendar-Importer|Google ?Calendar", re.IGNORECASE)),
    (CalendarProvider.MICROSOFT, re.compile(r"Microsoft|Outlook|Exchange|MSFT", re.IGNORECASE)),
    (CalendarProvider.APPLE, re.compile(r"dataaccessd|CalendarAgent|iCal/|iCloud", re.IGNORECASE)),
    (CalendarProvider.THUNDERBIRD, re.compile(r"Thunderbird", re.IGNORECASE)),
)


def provider_of(user_agent: str) -> CalendarProvider:
    """The calendar provider a feed fetch came from, by its user agent."""
    for provider, pattern in PATTERNS:
        if pattern.search(user_agent or ""):
            return provider
    return CalendarProvider.OTHER


@dataclass(frozen=True)
class ProviderReach:
    """How many feeds one provider fetched, for which audiences, and when last."""

    provider: CalendarProvider
    feeds: int
    fetches: int
    last_fetch: datetime
    audiences: tuple[Audience, ...]


def reach() -> list[ProviderReach]:
    """The providers that fetched a feed in the records kept, in the order of ``CalendarProvider``."""
    stmt = (select(FeedFetch.feed_id, FeedFetch.user_agent, CalendarFeed.audience, func.count(), func.max(FeedFetch.at))
            .join(CalendarFeed, CalendarFeed.id == FeedFetch.feed_id)
            .group_by(FeedFetch.feed_id, FeedFetch.user_agent, CalendarFeed.audience))
    feeds: dict[CalendarProvider, set[int]] = {}
    fetches: dict[CalendarProvider, int] = {}
    last: dict[CalendarProvider, datetime] = {}
    audiences: dict[CalendarProvider, set[str]] = {}
    for feed_id, user_agent, audience, count, latest in db.session.execute(stmt):
        provider = provider_of(user_agent)
        feeds.setdefault(provider, set()).add(feed_id)
        fetches[provider] = fetches.get(provider, 0) + count
        last[provider] = max(last.get(provider, latest), latest)
        audiences.setdefault(provider, set()).add(audience)
    return [ProviderReach(provider, len(feeds[provider]), fetches[provider], last[provider],
                          tuple(a for a in Audience if a.value in audiences[provider]))
            for provider in CalendarProvider if provider in feeds]
