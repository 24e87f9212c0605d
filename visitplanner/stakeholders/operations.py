"""Changes to the register of stakeholders and to who was involved in an objective."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..access import may
from ..audit.operations import changed, record, snapshot
from ..auth.models import User
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..missions.models import Company
from ..participants.aliases import alias_taken, generate_alias
from ..participants.models import Participant
from ..partnerships.models import Objective
from ..timeutil import now_utc
from .models import ALWAYS_PROTECTED, Involvement, Stakeholder

#: What the audit log says of a changed name or contact: that it changed, never the value.
_UNLOGGED = ("name", "contact")


def _clean_alias(alias: str, except_id: int | None = None) -> str:
    alias = alias.strip()
    if alias and alias_taken(alias, stakeholder_id=except_id):
        raise RuleViolation(_("This alias is already in use; choose another or leave it empty."), "alias")
    return alias


def create_stakeholder(actor: User, *, name: str, alias: str = "", kind: str, contact: str = "") -> Stakeholder:
    """Add an organisation to the register: protected until the advisor releases it."""
    if not name.strip():
        raise RuleViolation(_("Give the organisation's name."), "name")
    stakeholder = Stakeholder(name=name.strip(), alias=_clean_alias(alias) or generate_alias(), kind=kind,
                              contact=contact.strip(), protected=True)
    db.session.add(stakeholder)
    db.session.flush()
    changes = changed({}, snapshot(stakeholder, Stakeholder.AUDITED))
    changes.update({name: ["", _("(changed)")] for name in _UNLOGGED if getattr(stakeholder, name)})
    record(actor, "stakeholder.create", stakeholder, label=stakeholder.alias, changes=changes)
    return stakeholder


def update_stakeholder(actor: User, stakeholder: Stakeholder, *, expected_version: int | None, name: str, alias: str,
                       kind: str, contact: str) -> Stakeholder:
    """Change an organisation's details. Its name stays as it was for a role that may not see it."""
    if expected_version != stakeholder.version:
        raise StaleEdit()
    if stakeholder.erased_at is not None:
        raise RuleViolation(_("This organisation has been erased; only its alias is left."))
    if kind in ALWAYS_PROTECTED and not stakeholder.protected:
        # Moving a released organisation to a kind that is always protected protects it again.
        stakeholder.protected, stakeholder.released_reason = True, ""
        stakeholder.released_by_id, stakeholder.released_at = None, None
    before = snapshot(stakeholder, Stakeholder.AUDITED)
    new = {"name": name.strip(), "contact": contact.strip()}
    if not new["name"]:
        raise RuleViolation(_("Give the organisation's name."), "name")
    moved = [key for key in _UNLOGGED if getattr(stakeholder, key) != new[key]]
    stakeholder.name, stakeholder.contact = new["name"], new["contact"]
    stakeholder.alias = _clean_alias(alias, stakeholder.id) or stakeholder.alias
    stakeholder.kind = kind
    changes = changed(before, snapshot(stakeholder, Stakeholder.AUDITED))
    changes.update({key: ["", _("(changed)")] for key in moved})
    if changes:
        db.session.flush()
        record(actor, "stakeholder.update", stakeholder, label=stakeholder.alias, changes=changes)
    return stakeholder


def set_protection(actor: User, stakeholder: Stakeholder, *, expected_version: int | None, protected: bool,
                   reason: str = "") -> Stakeholder:
    """The advisor's decision: release an organisation from protection, with a reason, or protect it again.
    Civil society in the partner region and diaspora organisations are never released."""
    if expected_version != stakeholder.version:
        raise StaleEdit()
    if not may(actor, "decide protection"):
        raise RuleViolation(_("Only the human-rights advisor decides whether an organisation is protected."))
    if protected == stakeholder.protected:
        return stakeholder
    if not protected:
        if stakeholder.always_protected:
            raise RuleViolation(_("Civil society in the partner region and diaspora organisations are always "
                                  "protected."), "protected")
        if not reason.strip():
            raise RuleViolation(_("Give the reason why this organisation need not be protected."), "reason")
        stakeholder.released_reason, stakeholder.released_by_id, stakeholder.released_at = (
            reason.strip(), actor.id, now_utc())
    else:
        stakeholder.released_reason, stakeholder.released_by_id, stakeholder.released_at = "", None, None
    stakeholder.protected = protected
    db.session.flush()
    record(actor, "stakeholder.protect" if protected else "stakeholder.release", stakeholder,
           label=stakeholder.alias, changes={"reason": [None, reason.strip()]} if not protected else {})
    return stakeholder


def record_involvement(actor: User, objective: Objective, *, party: str, held_on: date, way: str,
                       said: str = "") -> Involvement:
    """Record who was consulted on or involved in an objective: ``party`` is "stakeholder-<id>",
    "participant-<id>" or "company-<id>"."""
    kind, _sep, number = party.partition("-")
    model = {"stakeholder": Stakeholder, "participant": Participant, "company": Company}.get(kind)
    found = db.session.get(model, int(number)) if model is not None and number.isdigit() else None
    if found is None or getattr(found, "erased_at", None) is not None:
        raise RuleViolation(_("Choose who was consulted or involved from the list."), "party")
    involvement = Involvement(objective_id=objective.id, held_on=held_on, way=way, said=said.strip(),
                              recorded_by_id=actor.id, **{f"{kind}_id": found.id})
    db.session.add(involvement)
    db.session.flush()
    changes = changed({}, snapshot(involvement, Involvement.AUDITED))
    changes["party"] = [None, found.name if model is Company else found.alias]
    if involvement.said:
        changes["said"] = ["", _("(changed)")]
    record(actor, "involvement.create", involvement, label=involvement.way_label, changes=changes,
           partnership_id=objective.partnership_id)
    return involvement
