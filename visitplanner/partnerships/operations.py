"""Changes to partnerships."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from .models import DossierEntry, FocalTheme, Objective, Partnership, ThemeLine

FIELDS = Partnership.AUDITED


def create_partnership(actor: User, **data) -> Partnership:
    """Record a new partnership."""
    partnership = Partnership(**{k: data[k] for k in FIELDS})
    db.session.add(partnership)
    db.session.flush()
    record(actor, "partnership.create", partnership, label=partnership.label,
           partnership_id=partnership.id, changes=changed({}, snapshot(partnership, FIELDS)))
    return partnership


def update_partnership(actor: User, partnership: Partnership, *, expected_version: int | None, **data) -> Partnership:
    """Change a partnership's details; refuses a save based on a stale version."""
    if expected_version != partnership.version:
        raise StaleEdit()
    before = snapshot(partnership, FIELDS)
    for key in FIELDS:
        setattr(partnership, key, data[key])
    changes = changed(before, snapshot(partnership, FIELDS))
    if changes:
        db.session.flush()
        record(actor, "partnership.update", partnership, label=partnership.label,
               partnership_id=partnership.id, changes=changes)
    return partnership


def set_advice(actor: User, partnership: Partnership, *, expected_version: int | None, risk_level: str,
               advised_against: bool, advised_against_reason: str) -> Partnership:
    """Set the partnership's risk level and whether engagement is advised against (with its reason)."""
    if expected_version != partnership.version:
        raise StaleEdit()
    if advised_against and not advised_against_reason.strip():
        raise RuleViolation(_("Give the reason why engagement is advised against."), "advised_against_reason")
    before = snapshot(partnership, Partnership.ADVICE)
    partnership.risk_level, partnership.advised_against = risk_level, advised_against
    partnership.advised_against_reason = advised_against_reason.strip() if advised_against else ""
    changes = changed(before, snapshot(partnership, Partnership.ADVICE))
    if changes:
        db.session.flush()
        record(actor, "partnership.advice", partnership, label=partnership.label, partnership_id=partnership.id,
               changes=changes)
    return partnership


def mark_dossier_reviewed(actor: User, partnership: Partnership, today: date) -> Partnership:
    """The advisor has read the whole research dossier again and finds it current."""
    before = partnership.dossier_reviewed_on
    partnership.dossier_reviewed_on = today
    db.session.flush()
    record(actor, "dossier.review", partnership, label=partnership.label, partnership_id=partnership.id,
           changes={"dossier_reviewed_on": [before.isoformat() if before else None, today.isoformat()]})
    return partnership


def add_dossier_entry(actor: User, partnership: Partnership, **data) -> DossierEntry:
    """Add an entry to the research dossier, dated and with at least one source; the dossier counts as reviewed."""
    if not (data.get("sources") or "").strip():
        raise RuleViolation(_("Give at least one source: a link or a citation, with its date."), "sources")
    if data.get("entry_date") is None:
        raise RuleViolation(_("Give the date of the entry."), "entry_date")
    entry = DossierEntry(partnership=partnership, author_id=actor.id, **data)
    db.session.add(entry)
    partnership.dossier_reviewed_on = max(filter(None, [partnership.dossier_reviewed_on, data["entry_date"]]))
    db.session.flush()
    record(actor, "dossier.add", entry, label=entry.topic, partnership_id=partnership.id,  # its label when shown
           changes=changed({}, snapshot(entry, DossierEntry.AUDITED)))
    return entry


def set_focal_themes(actor: User, partnership: Partnership, theme_ids: list[int], custom_name: str = "",
                     custom_line: str = "") -> Partnership:
    """Choose the partnership's focal themes, optionally adding a theme of its own."""
    themes = list(db.session.scalars(select(FocalTheme).where(FocalTheme.id.in_(theme_ids or []))))
    if len(themes) != len(set(theme_ids or [])):
        raise RuleViolation(_("Choose themes from the list."), "themes")
    if custom_name.strip():
        if custom_line not in {t.value for t in ThemeLine}:
            raise RuleViolation(_("Choose the line of choice for your own theme."), "custom_line")
        custom = FocalTheme(name=custom_name.strip(), line=custom_line)
        db.session.add(custom)
        themes.append(custom)
    before = sorted(t.label for t in partnership.focal_themes)
    partnership.focal_themes = themes
    db.session.flush()
    after = sorted(t.label for t in themes)
    if before != after:
        record(actor, "partnership.themes", partnership, label=partnership.label, partnership_id=partnership.id,
               changes={"focal_themes": [before, after]})
    return partnership


def add_objective(actor: User, partnership: Partnership, **data) -> Objective:
    """Add an objective to the partnership's action plan."""
    if data.get("focal_theme_id") and data["focal_theme_id"] not in {t.id for t in partnership.focal_themes}:
        raise RuleViolation(_("Choose one of the partnership's focal themes."), "focal_theme_id")
    objective = Objective(partnership=partnership, **{**data, "focal_theme_id": data.get("focal_theme_id") or None})
    db.session.add(objective)
    db.session.flush()
    record(actor, "objective.add", objective, label=objective.label, partnership_id=partnership.id,
           changes=changed({}, snapshot(objective, Objective.AUDITED)))
    return objective
