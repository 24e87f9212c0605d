"""Readable names for audit actions and fields."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..enums import FIELD_ENUMS
from ..formatting import format_date
from ..messages import is_stored, shown

ACTIONS = {
    "user.create": _l("Account created"),
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
    "feed.create": _l("Calendar feed created"),
    "outcome.record": _l("Meeting outcome recorded"),
    "followup.add": _l("Follow-up action added"),
    "followup.update": _l("Follow-up action changed"),
    "evaluation.add": _l("Evaluation recorded"),
    "company.update": _l("Company record changed"),
    "feed.revoke": _l("Calendar feed revoked"),
    "feed.fetches_pruned": _l("Old records of feed fetches deleted (retention)"),
    "database.backup": _l("Backup written"),
    "database.restore": _l("Database restored from a backup"),
    "keys.rotate_start": _l("New encryption key made current"),
    "keys.rotate": _l("Personal data re-encrypted under the current key"),
    "keys.prune": _l("Encryption keys nothing used any more dropped"),
}

FIELDS = {
    "email": _l("E-mail address"),
    "name": _l("Name"),
    "active": _l("Account active"),
    "failed_sign_ins": _l("Wrong passwords in a row"),
    "dossier_reviewed_on": _l("Dossier last reviewed"),
    "locked_until": _l("Locked until"),
    "role_names": _l("Roles"),
    "password": _l("Password"),
    "own_organisation": _l("Own organisation"),
    "partner_region": _l("Partner region"),
    "region_type": _l("Region type"),
    "kind": _l("Kind"),
    "cooperation_themes": _l("Cooperation themes"),
    "partnership_id": _l("Partnership"),
    "direction": _l("Direction"),
    "title": _l("Title"),
    "purpose": _l("Purpose"),
    "start_date": _l("First day"),
    "end_date": _l("Last day"),
    "timezone": _l("Time zone"),
    "status": _l("Status"),
    "user_id": _l("Account"),
    "function": _l("Function"),
    "organisation": _l("Organisation"),
    "sector": _l("Sector"),
    "contact": _l("Contact"),
    "company": _l("Company"),
    "starts_at": _l("Start"),
    "ends_at": _l("End"),
    "location": _l("Location"),
    "description": _l("Description"),
    "talking_points": _l("Human-rights talking points"),
    "visibility": _l("Visibility"),
    "parallel": _l("Parallel"),
    "attendee_names": _l("Attendees"),
    "starts_local": _l("Start"),
    "ends_local": _l("End"),
    "reason": _l("Reason"),
    "sign_off": _l("Sign-off"),
    "fingerprint": _l("Fingerprint"),
    "checklist": _l("Checklist"),
    "removed_at": _l("Removed"),
    "scopes": _l("Consent"),
    "reconfirm_by": _l("Reconfirm by"),
    "item": _l("Programme item"),
    "risk_level": _l("Risk level"),
    "decision": _l("Decision"),
    "override_reason": _l("Override"),
    "high_risk_reason": _l("High-risk mode"),
    "protected": _l("Kept out of calendars"),
    "left_out": _l("Items left out (high-risk mode)"),
    "digests": _l("Calendar digests kept under the new key"),
    "export": _l("Export"),
    "talking_points_block": _l("Talking points block finalisation"),
    "no_talking_points_reason": _l("Reason for having no talking points"),
    "participant_aliases": _l("Civil-society participants"),
    "theme_names": _l("Focal themes raised"),
    "alias": _l("Alias"),
    "at_risk": _l("At risk"),
    "residence": _l("Where they live"),
    "real_name": _l("Real name"),
    "advised_against": _l("Engagement advised against"),
    "advised_against_reason": _l("Reason for the advice"),
    "focal_themes": _l("Focal themes"),
    "topic": _l("Topic"),
    "summary": _l("Summary"),
    "sources": _l("Sources"),
    "entry_date": _l("Date"),
    "what": _l("Objective"),
    "benchmark": _l("Benchmark"),
    "target_date": _l("Target date"),
    "evaluation_due": _l("Evaluation due"),
    "focal_theme_id": _l("Focal theme"),
    "audience": _l("Audience"),
    "raised": _l("Raised"),
    "partner_response": _l("Response"),
    "with_whom": _l("With whom"),
    "owner_id": _l("Owner"),
    "due_date": _l("Due date"),
    "objective_id": _l("Objective"),
    "evaluated_on": _l("Date"),
    "progress": _l("Progress"),
    "findings": _l("Findings"),
    "next_steps": _l("Next steps"),
    "briefed_on": _l("Human-rights briefing"),
    "briefing_held": _l("Briefing held"),
    "headcount": _l("People kept off the record"),
    "headcount_reason": _l("Why they are kept off the record"),
    "due_diligence": _l("Due diligence"),
    "due_diligence_notes": _l("Due-diligence notes"),
    "met_defenders": _l("Met human-rights defenders"),
    "revoked_at": _l("Revoked"),
    "starts": _l("Start"),
    "end_timezone": _l("Time zone at the end"),
    "ends": _l("End"),
    "attendees": _l("Attendees"),
    "participants": _l("Civil-society participants"),
    "changed": _l("What changed"),
    "sessions": _l("Sessions"),
    "channel": _l("Who was consulted"),
    "consulted_on": _l("Consulted on"),
    "valid_until": _l("Valid until"),
    "covers": _l("About"),
    "recovery_codes": _l("Recovery codes left"),
    "key": _l("Encryption key"),
    "values": _l("Values"),
    "removed": _l("Removed"),
    "keep_until": _l("Kept until"),
    "retention_days": _l("Retention period (days)"),
    "fetches_removed": _l("Fetch records deleted"),
}


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


def _one(field: str, value) -> str:
    label = _labelled(field, value)
    return str(value) if label is None else label


def audit_value(field: str, value) -> str:
    """A recorded value as a person reads it: yes/no, labels instead of codes, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if is_stored(value):  # a message kept as a code with parameters: a void reason, what changed
        return shown(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_one(field, v) for v in value)
    return _one(field, value)
