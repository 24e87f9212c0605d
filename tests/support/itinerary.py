"""Programme items as their form sends them, and as the database holds them."""

from __future__ import annotations

from sqlalchemy import select

from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem


def item_form(**overrides) -> dict:
    """What the new-item form sends, with ``overrides`` (``None`` leaves a field out)."""
    data = {
        "kind": "official_meeting",
        "title": "Ontvangst door het stadsbestuur",
        "starts_at": "2027-04-13T14:00",
        "ends_at": "2027-04-13T15:30",
        "timezone": "Asia/Shanghai",
        "location": "Stadhuis Wuxi",
        "description": "",
        "talking_points": "",
        "visibility": "delegation",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(item: ProgrammeItem, **overrides) -> dict:
    """The item's edit form as the page fills it, with ``overrides``."""
    local = "%Y-%m-%dT%H:%M"
    data = item_form(
        kind=item.kind, title=item.title, timezone=item.timezone, location=item.location,
        description=item.description, talking_points=item.talking_points, visibility=item.visibility,
        starts_at=item.local_start.strftime(local), ends_at=item.local_end.strftime(local),
        attendees=[str(i) for i in item.attendee_ids], parallel="y" if item.parallel else None,
        version=str(item.version),
    )
    data.update(overrides)
    return data


def items() -> list[ProgrammeItem]:
    """Every programme item, as the database holds them now."""
    db.session.expire_all()
    return list(db.session.scalars(select(ProgrammeItem).order_by(ProgrammeItem.id)))
