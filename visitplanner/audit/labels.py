"""Readable names for audit actions and fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..enums import FIELD_ENUMS
from ..formatting import format_date, short_code, shown_moment, shown_zone
from ..messages import is_stored, shown

ACTIONS = {
    "user.create": _l("Account created"),
    "user.notices": _l("Choice of notices changed"),
    "notices.pruned": _l("Old notices deleted (retention)"),
    "user.update": _l("Account changed"),
    "user.sign_in_failed": _l("Wrong password at sign-in"),
    "user.lock": _l("Account locked after five wrong passwords"),
    "user.sign_in_refused": _l("Sign-in refused: account locked"),
    "user.sessions_ended": _l("Signed out everywhere"),
    "user.second_factor_enrolled": _l("Second factor set up"),
    "user.second_factor_failed": _l("Wrong second-factor code at sign-in"),
    "user.recovery_code_used": _l("Signed in with a recovery code"),
    "user.second_factor_reset": _l("Second factor removed"),
    "partnership.create": _l("Partnership created"),
    "partnership.update": _l("Partnership changed"),
    "mission.create": _l("Mission created"),
    "mission.update": _l("Mission changed"),
    "mission.add_company": _l("Company added"),
    "mission.remove_company": _l("Company removed"),
    "company.create": _l("Company record created"),
    "delegation.add": _l("Added to the delegation"),
    "delegation.remove": _l("Removed from the delegation"),
    "item.create": _l("Programme item added"),
    "item.update": _l("Programme item changed"),
    "item.remove": _l("Programme item removed"),
    "programme.import": _l("Draft programme imported from a calendar file"),
    "participant.create": _l("Participant recorded"),
    "participant.update": _l("Participant changed"),
    "participant.propose": _l("Participant proposed by alias"),
    "participant.pseudonymise": _l("Participant's personal data removed (retention)"),
    "participant.retention_renew": _l("Participant's personal data kept longer"),
    "participant.access_export": _l("Everything kept about a participant shown (Art. 15)"),
    "participant.erase": _l("Participant erased at their request (Art. 17)"),
    "consent.give": _l("Consent recorded"),
    "consent.withdraw": _l("Consent withdrawn"),
    "safety.assess": _l("Safety assessed"),
    "consultation.record": _l("Consultation of the embassy or a trusted channel recorded"),
    "mission.submit": _l("Submitted for sign-off"),
    "mission.sign_off": _l("Signed off"),
    "mission.finalise": _l("Mission finalised"),
    "mission.confirm": _l("Checklist item confirmed"),
    "mission.void_sign_off": _l("Sign-off voided: needs attention"),
    "mission.complete": _l("Mission completed"),
    "mission.cancel": _l("Mission cancelled"),
    "mission.override": _l("Override recorded"),
    "mission.high_risk_on": _l("High-risk mode set"),
    "mission.high_risk_off": _l("High-risk mode ended"),
    "programme.high_risk_export": _l("Programme with high-risk items downloaded or printed"),
    "programme.export_cli": _l("Programme written to a file on the command line"),
    "programme.briefing_book": _l("Briefing book (PDF) downloaded"),
    "item.protect": _l("Programme item kept out of calendars (critical risk)"),
    "item.release": _l("Programme item released into calendars by the advisor"),
    "programme.high_risk_export_wrong": _l("Download or print of a programme with high-risk items refused: wrong "
                                           "password or code"),
    "programme.high_risk_export_limited": _l("Download or print of a programme with high-risk items refused: too "
                                             "many attempts"),
    "settings.update": _l("Settings changed"),
    "dossier.add": _l("Dossier entry added"),
    "dossier.review": _l("Research dossier reviewed"),
    "partnership.advice": _l("Risk and advice changed"),
    "partnership.themes": _l("Focal themes changed"),
    "objective.add": _l("Objective added"),
    "stakeholder.create": _l("Organisation added to the register"),
    "stakeholder.update": _l("Organisation of the register changed"),
    "stakeholder.release": _l("Organisation released from protection by the advisor"),
    "stakeholder.protect": _l("Organisation protected again"),
    "stakeholder.erase": _l("Organisation of the register erased"),
    "stakeholder.pseudonymise": _l("Organisation's name and notes removed (retention)"),
    "involvement.create": _l("Consultation on an objective recorded"),
    "partnership.review": _l("Partnership reviewed against its action plan"),
    "mission.room_request": _l("Request to the partner for room to meet civil society recorded"),
    "library.add": _l("Talking-points library: entry prepared"),
    "library.revise": _l("Talking-points library: new version"),
    "library.retire": _l("Talking-points library: entry retired"),
    "policy.revise": _l("Own human-rights policy: new version"),
    "feed.create": _l("Calendar feed created"),
    "outcome.record": _l("Meeting outcome recorded"),
    "followup.add": _l("Follow-up action added"),
    "followup.update": _l("Follow-up action changed"),
    "contact.add": _l("Contact with the partner region logged"),
    "contact.update": _l("Contact with the partner region changed"),
    "evaluation.add": _l("Evaluation recorded"),
    "company.update": _l("Company record changed"),
    "company.brief": _l("Company briefing recorded"),
    "company.update_briefing": _l("Company briefing changed"),
    "company.due_diligence": _l("Company due diligence changed"),
    "company.meet_defenders": _l("Company's meeting with local defenders recorded"),
    "company.connect": _l("Company put in touch with foreign civil society"),
    "company.objectives": _l("Company's objectives changed"),
    "feed.revoke": _l("Calendar feed revoked"),
    "feed.fetches_pruned": _l("Old records of feed fetches deleted (retention)"),
    "database.backup": _l("Backup written"),
    "database.restore": _l("Database restored from a backup"),
    "keys.rotate_start": _l("New encryption key made current"),
    "keys.rotate": _l("Personal data re-encrypted under the current key"),
    "keys.prune": _l("Encryption keys nothing used any more dropped"),
}

#: Fields that are no column of their own, audited under these names: local times, the names of linked rows, what
#: a check or a sign-off recorded, what a command did. A column's label is on the column (``info=facts(audit=...)``,
#: ``visitplanner/facts.py``) and joins these when the application starts (:func:`use_column_labels`).
OTHER_FIELDS = {
    "failed_sign_ins": _l("Wrong passwords in a row"),
    "notices_off": _l("Notices turned off"),
    "notices_removed": _l("Notices deleted"),
    "locked_until": _l("Locked until"),
    "role_names": _l("Roles"),
    "password": _l("Password"),
    "company": _l("Company"),
    "briefings": _l("Human-rights briefings"),
    "topics": _l("Dossier topics covered"),
    "objectives": _l("Objectives"),
    "attendee_names": _l("Attendees"),
    "starts_local": _l("Start"),
    "ends_local": _l("End"),
    "reason": _l("Reason"),
    "party": _l("Who was consulted"),
    "partnership": _l("Partnership"),
    "objective": _l("Objective"),
    "sign_off": _l("Sign-off"),
    "checklist": _l("Checklist"),
    "scopes": _l("Consent"),
    "item": _l("Programme item"),
    "protected": _l("Kept out of calendars"),
    "left_out": _l("Items left out (high-risk mode)"),
    "digests": _l("Calendar digests kept under the new key"),
    "export": _l("Export"),
    "talking_points_block": _l("Talking points block finalisation"),
    "participant_aliases": _l("Civil-society participants"),
    "theme_names": _l("Focal themes raised"),
    "focal_themes": _l("Focal themes"),
    "composed_from": _l("Composed from the library"),
    "version": _l("Version"),
    "retired": _l("Retired"),
    "starts": _l("Start"),
    "ends": _l("End"),
    "attendees": _l("Attendees"),
    "participants": _l("Civil-society participants"),
    "changed": _l("What changed"),
    "sessions": _l("Sessions"),
    "covers": _l("About"),
    "recovery_codes": _l("Recovery codes left"),
    "key": _l("Encryption key"),
    "values": _l("Values"),
    "removed": _l("Removed"),
    "retention_days": _l("Retention period (days)"),
    "fetches_removed": _l("Fetch records deleted"),
    "objective_notes": _l("Notes per objective"),
    "items_added": _l("Items added"),
    "items_updated": _l("Items updated"),
    "items_unchanged": _l("Items unchanged"),
    "events_ignored": _l("Events ignored"),
}

#: Every field's label, by its name: the columns' and the others above.
FIELDS: dict[str, Any] = dict(OTHER_FIELDS)


def use_column_labels(labels: Mapping[str, Any]) -> None:
    """Add the labels the columns declare (``facts.audit_labels``): given by ``create_app``, since this module
    imports no area (no column is named as a field above: ``tests/app/test_facts.py``)."""
    FIELDS.update(labels)


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name))


def entry_label(entry) -> str:
    """What an entry is about, as a person reads it: a feed's "mission/delegation" becomes its kind and audience,
    a setting's key and a dossier topic their labels, in the reader's language (labels stored as codes are
    translated when shown, not when written)."""
    if entry.object_type == "Setting":
        return field_label(entry.label)
    if entry.object_type == "DossierEntry":
        return _one("topic", entry.label)  # a topic's code; an entry written before kept its label as text
    if entry.object_type == "Consultation":
        return _consultation(entry)
    if entry.object_type == "CalendarFeed" and entry.label.count("/") == 1:
        kind, audience = entry.label.split("/")
        labels = _labelled("kind", kind), _labelled("audience", audience)
        return entry.label if None in labels else " – ".join(labels)
    return entry.label


def _consultation(entry) -> str:
    """A consultation by its channel and day, from the facts its entry recorded: never its label, which entries
    written before kept as who was consulted (a post or a person), since protocol officers read the history."""
    changes = entry.changes or {}
    channel, day = (changes.get("channel") or [None, None])[1], (changes.get("consulted_on") or [None, None])[1]
    label = _labelled("channel", channel)
    try:
        return "" if label is None else f"{label}, {format_date(date.fromisoformat(day))}"
    except (TypeError, ValueError):
        return ""


def _labelled(field: str, value) -> str | None:
    """The label of a value stored in ``field``, by the enums that say they label it; None when none has the value."""
    for enum in FIELD_ENUMS.get(field, ()):
        try:
            return enum(value).label
        except ValueError:
            continue
    return None


#: Fields that hold the id of another record, each with how that record is named (None: it is gone): shown by name,
#: never by number. Given by ``create_app`` (:func:`use_references`), since this module imports no area.
REFERENCES: dict[str, Callable[[int], str | None]] = {}
#: Fields that hold a time zone's name.
ZONE_FIELDS = frozenset({"timezone", "end_timezone", "home_timezone"})
#: A fingerprint (SHA-256, hexadecimal): shown as the short code people compare, never whole.
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def use_references(names: Mapping[str, Callable[[int], str | None]]) -> None:
    """How the records whose ids the log holds are named (``owner_id`` by the user's name): given by
    ``create_app``."""
    REFERENCES.update(names)


def audit_value(field: str, value) -> str:
    """A recorded value as a person reads it, never as it is stored: yes/no, labels instead of codes, names instead of
    ids, dates and times in the one style of the reader's language, a fingerprint as its short code, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "fingerprint" and isinstance(value, str):  # a sign-off's: its short code, said what it is
        return _("%(code)s (the code of what was submitted and signed off: the checklist shows the same code while "
                 "the mission is unchanged)", code=short_code(value))
    if is_stored(value):  # a message kept as a code with parameters: a void reason, what changed
        return shown(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_one(field, v) for v in value)
    if field in REFERENCES and isinstance(value, int):
        return _referenced(field, value)
    return _one(field, value)


def _referenced(field: str, record_id: int) -> str:
    name = REFERENCES[field](record_id)
    return _("(no longer recorded)") if name is None else name


def _one(field: str, value) -> str:
    label = _labelled(field, value)
    if label is not None:
        return label
    if not isinstance(value, str):
        return str(value)
    if _DIGEST.match(value):
        return short_code(value)
    if field in ZONE_FIELDS:
        return shown_zone(value)
    if field == "sign_off" and ": " in value:  # "role: name", as a sign-off records who signed in which role
        role, name = value.split(": ", 1)
        return f"{_labelled('sign_off_role', role) or role}: {name}"
    return shown_moment(value)

