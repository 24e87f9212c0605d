"""The briefing book: one PDF per audience with the programme, the delegation, a sheet per official meeting and, for
the office, the background, made on the server with WeasyPrint from the application's own template
(``templates/briefing/book.html``, with ``static/briefing.css`` for paged media).

What goes in is what the print of the same programme shows: the days come from the programme page's own context
(``itinerary/views.py``), made by ``disclosure.present_programme``; the sheets are made from the same item views, so
that an item the audience may not see, or sees as a private appointment or a neutral meeting, gets no sheet. What
else the book carries is asked of ``disclosure`` too (who is named, what is the office's only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from ..disclosure import (
    NAMES_DELEGATION,
    Audience,
    ItemView,
    book_shows_background,
    confidential,
    high_risk_reasons,
    programme_title,
    safety_notes,
)
from ..missions.models import DelegationMember, Mission
from ..partnerships.models import DossierEntry, DossierTopic, Partnership
from ..timeutil import in_zone
from .kinds import ItemKind

if TYPE_CHECKING:  # the days come laid out by itinerary/programme.py, a builder beside this one
    from .programme import ProgrammeDay

#: The stylesheet of the book's pages (A4, the marking, print date and "n / N" in the margins of every page).
STYLESHEET = "briefing.css"


@dataclass(frozen=True)
class MeetingSheet:
    """An official meeting on a page of its own, as the audience sees the item."""

    view: ItemView
    #: The day it starts, where it happens.
    day: date
    #: Who we meet: the visiting delegation's members who attend (an inbound mission), else the partner's authorities.
    visiting: tuple[str, ...]
    #: Who attends on our side (empty where the audience is not told who attends).
    ours: tuple[str, ...]


def meeting_sheets(mission: Mission, views: list[ItemView]) -> list[MeetingSheet]:
    """A sheet for every official meeting the audience sees as one (a private appointment or a travel copy's neutral
    meeting has no kind, and so no sheet), in time order."""
    visitors = {m.display_name for m in mission.visitors}
    return [MeetingSheet(view, in_zone(view.starts_at, view.timezone).date(),
                         tuple(a for a in view.attendees if a in visitors),
                         tuple(a for a in view.attendees if a not in visitors))
            for view in views if view.kind == ItemKind.OFFICIAL_MEETING.value and not view.private]


def latest_dossier(partnership: Partnership) -> list[DossierEntry]:
    """The research dossier's latest entry on each topic, in the order of the topics."""
    latest: dict[str, DossierEntry] = {}
    for entry in partnership.dossier_entries:
        kept = latest.get(entry.topic)
        if kept is None or (entry.entry_date, entry.id) > (kept.entry_date, kept.id):
            latest[entry.topic] = entry
    return [latest[topic.value] for topic in DossierTopic if topic.value in latest]


def delegation(mission: Mission, audience: Audience) -> tuple[list[DelegationMember], list[DelegationMember]]:
    """Our own people and the visiting delegation (an inbound mission's), where the audience is told who comes."""
    if audience not in NAMES_DELEGATION:
        return [], []
    return mission.ours, mission.visitors


def book_html(mission: Mission, audience: Audience, days: list[ProgrammeDay], *,
              printed_at: datetime, home_timezone: str, today: date) -> str:
    """The book as HTML for WeasyPrint, in the reader's language."""
    views = [view for day in days for view in day.items]
    background = book_shows_background(audience)
    ours, visitors = delegation(mission, audience)
    return render_template(
        "briefing/book.html", mission=mission, audience=audience, title=programme_title(mission, audience),
        days=days, home_timezone=home_timezone, printed_at=printed_at,
        confidential=confidential(views) or background, ours=ours, visitors=visitors,
        sheets=meeting_sheets(mission, views), background=background,
        themes=mission.partnership.focal_themes if background else [],
        dossier=latest_dossier(mission.partnership) if background else [],
        high_risk=high_risk_reasons(mission) if background else [],
        safety=safety_notes(mission, {view.item_id for view in views}, today) if background else [],
    )


@cache
def _stylesheet(folder: str) -> CSS:
    return CSS(string=(Path(folder) / STYLESHEET).read_text(encoding="utf-8"), url_fetcher=_NO_FETCHING)


#: The book fetches nothing: no image, stylesheet or font from a URL (its own stylesheet is read from the package).
_NO_FETCHING = URLFetcher(allowed_protocols=())


def briefing_book(mission: Mission, audience: Audience, days: list[ProgrammeDay], *,
                  printed_at: datetime, home_timezone: str, today: date) -> bytes:
    """The briefing book as a tagged PDF (PDF/UA-1: its structure, language and title for screen readers)."""
    html = book_html(mission, audience, days, printed_at=printed_at, home_timezone=home_timezone, today=today)
    return HTML(string=html, url_fetcher=_NO_FETCHING).write_pdf(
        stylesheets=[_stylesheet(current_app.static_folder)], pdf_variant="pdf/ua-1")
