"""Reading the contacts with the partner region and the follow-ups between visits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..followup.models import FollowUp
from ..partnerships.models import Partnership
from .models import Contact


def contacts_of(partnership_id: int) -> list[Contact]:
    """The partnership's contacts, latest first, with the themes each raised: two queries, however many."""
    return list(db.session.scalars(
        select(Contact).where(Contact.partnership_id == partnership_id)
        .options(selectinload(Contact.focal_themes))
        .order_by(Contact.happened_on.desc(), Contact.id.desc())))


def follow_ups_between_visits(partnership_id: int) -> list[FollowUp]:
    """The partnership's own follow-ups (not a mission's), by due date, each with its contact: two queries."""
    return list(db.session.scalars(
        select(FollowUp).where(FollowUp.partnership_id == partnership_id)
        .options(selectinload(FollowUp.contact))
        .order_by(FollowUp.due_date, FollowUp.id)))


def contact_with_follow_ups(contact_id: int) -> Contact | None:
    """A contact with its themes and its follow-ups."""
    return db.session.scalar(
        select(Contact).where(Contact.id == contact_id)
        .options(selectinload(Contact.focal_themes), selectinload(Contact.follow_ups),
                 selectinload(Contact.partnership).selectinload(Partnership.focal_themes)))
