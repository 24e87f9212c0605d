"""Changes to partnerships."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..timeutil import now_utc
from .models import (
    DossierEntry,
    FocalTheme,
    Objective,
    ObjectiveKind,
    Partnership,
    PartnershipReview,
    ReviewNote,
    ThemeLine,
)

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
                     custom_line: str = "", *, expected_version: int | None = None) -> Partnership:
    """Choose the partnership's focal themes, optionally adding a theme of its own. ``expected_version``: the version
    the person's choice was based on (a stale one is refused); None for the demo and scripts, which base it on
    nothing."""
    if expected_version is not None and expected_version != partnership.version:
        raise StaleEdit()
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
    moved = {t.id for t in partnership.focal_themes} != {t.id for t in themes}  # a theme of its own has no id yet
    partnership.focal_themes = themes
    if moved:
        # The themes live in their own table: touch the row so that its version goes up with them, and a form
        # based on the themes before is merged, not saved over them.
        partnership.updated_at = now_utc()
    db.session.flush()
    after = sorted(t.label for t in themes)
    if before != after:
        record(actor, "partnership.themes", partnership, label=partnership.label, partnership_id=partnership.id,
               changes={"focal_themes": [before, after]})
    return partnership


def add_objective(actor: User, partnership: Partnership, **data) -> Objective:
    """Add an objective to the partnership's action plan, or a project with a local partner (an organisation)."""
    if data.get("focal_theme_id") and data["focal_theme_id"] not in {t.id for t in partnership.focal_themes}:
        raise RuleViolation(_("Choose one of the partnership's focal themes."), "focal_theme_id")
    data["kind"] = data.get("kind") or ObjectiveKind.OBJECTIVE.value
    data["local_partner"] = (data.get("local_partner") or "").strip()
    if data["kind"] not in {k.value for k in ObjectiveKind}:
        raise RuleViolation(_("Choose an objective or a project."), "kind")
    if data["kind"] == ObjectiveKind.PROJECT and not data["local_partner"]:
        raise RuleViolation(_("Name the local partner of the project: the organisation, not a person."),
                            "local_partner")
    if data["kind"] == ObjectiveKind.OBJECTIVE and data["local_partner"]:
        raise RuleViolation(_("Only a project has a local partner: choose “Project with a local partner”, or leave "
                              "the local partner empty."), "local_partner")
    objective = Objective(partnership=partnership, **{**data, "focal_theme_id": data.get("focal_theme_id") or None})
    db.session.add(objective)
    db.session.flush()
    record(actor, "objective.add", objective, label=objective.label, partnership_id=partnership.id,
           changes=changed({}, snapshot(objective, Objective.AUDITED)))
    return objective


def record_review(actor: User, partnership: Partnership, *, held_on: date | None, conclusion: str,
                  next_steps: str = "", internal_notes: str = "", notes: dict[int, str] | None = None,
                  today: date) -> PartnershipReview:
    """Record a periodic review of the whole partnership against its action plan, with a note per objective."""
    problems = []
    if held_on is None:
        problems.append(RuleViolation(_("Give the date the review was held."), "held_on"))
    elif held_on > today:
        problems.append(RuleViolation(_("A review is recorded once it was held: the date cannot be in the future."),
                                      "held_on"))
    if not (conclusion or "").strip():
        problems.append(RuleViolation(_("Give the overall conclusion of the review."), "conclusion"))
    own = {o.id for o in partnership.objectives}
    written = {objective_id: text.strip() for objective_id, text in (notes or {}).items() if (text or "").strip()}
    if set(written) - own:
        problems.append(RuleViolation(_("A note belongs to an objective of this partnership.")))
    if problems:
        raise RuleViolation.of(problems)
    review = PartnershipReview(partnership=partnership, held_on=held_on, reviewed_by_id=actor.id,
                               conclusion=conclusion.strip(), next_steps=(next_steps or "").strip(),
                               internal_notes=(internal_notes or "").strip(),
                               notes=[ReviewNote(objective_id=i, note=text) for i, text in sorted(written.items())])
    db.session.add(review)
    db.session.flush()
    changes = changed({}, snapshot(review, PartnershipReview.AUDITED))
    if written:
        changes["objective_notes"] = [None, len(written)]
    record(actor, "partnership.review", review, label=partnership.label, partnership_id=partnership.id,
           changes=changes)
    return review
