"""Logging contacts with the partner region between visits."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..partnerships.models import FocalTheme, Partnership
from .models import Contact, ContactKind


def _themes(partnership: Partnership, theme_ids: list[int]) -> list[FocalTheme]:
    """The partnership's focal themes chosen: only those can be raised with the partner as its themes."""
    own = {t.id: t for t in partnership.focal_themes}
    if not set(theme_ids) <= own.keys():
        raise RuleViolation(_("Choose focal themes of this partnership."), "focal_themes")
    return [own[i] for i in sorted(set(theme_ids))]


def _check(kind: str, happened_on: date | None, subject: str) -> None:
    if kind not in {k.value for k in ContactKind}:
        raise RuleViolation(_("Choose the kind of contact."), "kind")
    if happened_on is None:
        raise RuleViolation(_("Give the date of the contact."), "happened_on")
    if not subject.strip():
        raise RuleViolation(_("Give a short subject."), "subject")


def _labels(themes: list[FocalTheme]) -> list[str]:
    return sorted(t.label for t in themes)


def log_contact(actor: User, partnership: Partnership, *, kind: str, happened_on: date, subject: str,
                partner_response: str, theme_ids: list[int]) -> Contact:
    """Log a letter, call, video meeting or visit by others with the partner region, the focal themes raised in it
    and the partner's response."""
    _check(kind, happened_on, subject)
    themes = _themes(partnership, theme_ids)
    contact = Contact(partnership_id=partnership.id, kind=kind, happened_on=happened_on, subject=subject.strip(),
                      partner_response=partner_response, recorded_by_id=actor.id, focal_themes=themes)
    db.session.add(contact)
    db.session.flush()
    changes = changed({}, snapshot(contact, Contact.AUDITED))
    if themes:
        changes["focal_themes"] = [[], _labels(themes)]
    record(actor, "contact.add", contact, label=contact.label, partnership_id=partnership.id, changes=changes)
    return contact


def update_contact(actor: User, contact: Contact, *, expected_version: int | None, kind: str, happened_on: date,
                   subject: str, partner_response: str, theme_ids: list[int]) -> Contact:
    """Change a contact with the partner region: what it was, when, the themes raised, the response; refuses a save
    based on a stale version (the page merges it field by field, ``forms.save_edit``)."""
    if expected_version != contact.version:
        raise StaleEdit()
    _check(kind, happened_on, subject)
    themes = _themes(contact.partnership, theme_ids)
    before, themes_before = snapshot(contact, Contact.AUDITED), _labels(contact.focal_themes)
    contact.kind, contact.happened_on, contact.subject = kind, happened_on, subject.strip()
    contact.partner_response, contact.focal_themes = partner_response, themes
    changes = changed(before, snapshot(contact, Contact.AUDITED))
    if themes_before != _labels(themes):
        changes["focal_themes"] = [themes_before, _labels(themes)]
    if changes:
        db.session.flush()
        record(actor, "contact.update", contact, label=contact.label, partnership_id=contact.partnership_id,
               changes=changes)
    return contact
