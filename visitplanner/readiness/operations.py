"""Mission status transitions, sign-offs and the voiding of sign-offs when something that matters changes.

Every operation takes the acting user (None: the system), refuses an illegal move with a
RuleViolation, flushes, and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..auth.models import User
from ..errors import RuleViolation
from ..extensions import db
from ..missions.models import Mission, MissionStatus
from ..participants.models import consent_state, current_assessment
from ..timeutil import now_utc
from .checks import (
    PRE_SIGNOFF,
    Context,
    Status,
    failing,
    live_items,
    participant_links,
    run_checks,
)
from .models import (
    TALKING_POINTS_BLOCK,
    ManualCheck,
    ManualConfirmation,
    Setting,
    SignOff,
    SignOffRole,
)


def context(today: date) -> Context:
    """The check context: today's date and the organisation's settings."""
    setting = db.session.get(Setting, TALKING_POINTS_BLOCK)
    return Context(today=today, talking_points_block=setting is not None and setting.value == "1")


def _audit(actor, action: str, mission: Mission, changes: dict) -> None:
    record(actor, action, mission, label=mission.title, changes=changes, mission_id=mission.id,
           partnership_id=mission.partnership_id)


def _move(actor, mission: Mission, to: MissionStatus, action: str, extra: dict | None = None) -> None:
    before = mission.status
    mission.status = to.value
    db.session.flush()
    _audit(actor, action, mission, {"status": [before, to.value], **(extra or {})})


def required_manual_checks(mission: Mission) -> list[ManualCheck]:
    """The manual checklist items that apply to this mission."""
    required = [ManualCheck.DELEGATION_BRIEFED]
    if mission.is_outbound and participant_links(mission):
        required.insert(0, ManualCheck.EMBASSY_INFORMED)
    if mission.companies:
        required.append(ManualCheck.COMPANIES_BRIEFED)
    return required


def unconfirmed_manual_checks(mission: Mission) -> list[ManualCheck]:
    done = {c.key for c in mission.confirmations}
    return [m for m in required_manual_checks(mission) if m.value not in done]


def fingerprint(mission: Mission, ctx: Context) -> str:
    """A SHA-256 over what a sign-off vouches for: the check results and the programme as it stands."""
    items = []
    for item in live_items(mission):
        people = []
        for p in sorted(item.participants, key=lambda p: p.id):
            state = consent_state(p.consents, mission.id, ctx.today)
            assessment = current_assessment(p.assessments, item.id)
            people.append([p.id, state.record.id if state.record else None, assessment.id if assessment else None])
        items.append([item.uid, item.sequence, item.version, item.kind, item.visibility, item.attendee_ids, people])
    payload = {
        "mission": [mission.id, mission.direction, mission.start_date.isoformat(), mission.end_date.isoformat()],
        "items": items,
        "companies": sorted(c.id for c in mission.companies),
        "checks": [[r.name, r.status.value] for r in run_checks(mission, ctx, PRE_SIGNOFF)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def submit_for_signoff(actor: User, mission: Mission, today: date) -> None:
    """Draft → ready for sign-off, when no check fails."""
    if mission.status != MissionStatus.DRAFT:
        raise RuleViolation(_("Only a draft mission can be submitted for sign-off."))
    failed = failing(run_checks(mission, context(today), PRE_SIGNOFF))
    if failed:
        raise RuleViolation(_("The mission cannot be submitted while checks fail: %(checks)s.",
                              checks=", ".join(r.title for r in failed)))
    mission.submitted_by_id = actor.id
    mission.submitted_at = now_utc()
    mission.attention_reason = None
    _move(actor, mission, MissionStatus.READY, "mission.submit")


def sign_off(actor: User, mission: Mission, role: SignOffRole, today: date) -> SignOff:
    """Sign the mission off in one role; the second of the two sign-offs finalises it."""
    if mission.status != MissionStatus.READY:
        raise RuleViolation(_("Only a mission that is ready for sign-off can be signed off."))
    if not role.held_by(actor):
        raise RuleViolation(_("You do not have the role %(role)s.", role=role.label))
    if actor.id == mission.submitted_by_id:
        raise RuleViolation(_("You submitted this mission; someone else must sign it off (four-eyes principle)."))
    active = [s for s in mission.sign_offs if s.voided_at is None]
    if any(s.role == role.value for s in active):
        raise RuleViolation(_("The mission has already been signed off as %(role)s.", role=role.label))
    if any(s.user_id == actor.id for s in active):
        raise RuleViolation(_("You already signed this mission off in another role; a second person must sign."))
    if mission.override_by_id == actor.id:
        raise RuleViolation(_("You overrode the advice against engagement for this mission; someone else must "
                              "sign it off (four-eyes principle)."))
    ctx = context(today)
    failed = failing(run_checks(mission, ctx, PRE_SIGNOFF))
    if failed:
        raise RuleViolation(_("The mission cannot be signed off while checks fail: %(checks)s.",
                              checks=", ".join(r.title for r in failed)))
    open_items = unconfirmed_manual_checks(mission)
    if open_items:
        raise RuleViolation(_("First confirm the manual checklist items: %(items)s.",
                              items="; ".join(m.label for m in open_items)))
    signature = SignOff(mission_id=mission.id, role=role.value, user_id=actor.id, fingerprint=fingerprint(mission, ctx))
    mission.sign_offs.append(signature)
    db.session.flush()
    _audit(actor, "mission.sign_off", mission, {"sign_off": [None, f"{role.value}: {actor.name}"],
                                                "fingerprint": [None, signature.fingerprint]})
    signed = {s.role for s in mission.sign_offs if s.voided_at is None}
    if signed >= {r.value for r in SignOffRole}:
        mission.finalised_at = now_utc()
        _move(actor, mission, MissionStatus.FINALISED, "mission.finalise")
    return signature


def record_override(actor: User, mission: Mission, reason: str) -> None:
    """An approver records why the mission goes ahead although the partnership is advised against."""
    if not mission.can_override(actor):
        raise RuleViolation(_("Only an approver can override the advice against engagement."))
    if not mission.partnership.advised_against:
        raise RuleViolation(_("Engagement with this partner is not advised against; no override is needed."))
    if not reason.strip():
        raise RuleViolation(_("Give the reason for the override."), "reason")
    before = mission.override_reason
    mission.override_reason, mission.override_by_id, mission.override_at = reason.strip(), actor.id, now_utc()
    db.session.flush()
    _audit(actor, "mission.override", mission, {"override_reason": [before, mission.override_reason]})


def confirm_manual_check(actor: User, mission: Mission, key: ManualCheck, note: str = "") -> ManualConfirmation:
    """Confirm a manual checklist item."""
    if key not in required_manual_checks(mission):
        raise RuleViolation(_("This checklist item does not apply to this mission."))
    if any(c.key == key.value for c in mission.confirmations):
        raise RuleViolation(_("This checklist item is already confirmed."))
    confirmation = ManualConfirmation(mission_id=mission.id, key=key.value, confirmed_by_id=actor.id, note=note)
    mission.confirmations.append(confirmation)
    db.session.flush()
    _audit(actor, "mission.confirm", mission, {"checklist": [None, key.label]})
    return confirmation


def void_sign_offs(actor: User | None, mission: Mission, reason: str) -> bool:
    """After a change that matters: void the sign-offs and put the mission back to needing attention.

    Does nothing for a draft without sign-offs, or a completed or cancelled mission. Returns whether it voided.
    """
    active = [s for s in mission.sign_offs if s.voided_at is None]
    if mission.status not in (MissionStatus.READY, MissionStatus.FINALISED) and not active:
        return False
    now = now_utc()
    for s in active:
        s.voided_at, s.void_reason = now, reason
    before = mission.status
    mission.status = MissionStatus.DRAFT.value
    mission.submitted_by_id = mission.submitted_at = mission.finalised_at = None
    mission.attention_reason = reason
    db.session.flush()
    _audit(actor, "mission.void_sign_off", mission, {"status": [before, MissionStatus.DRAFT.value],
                                                      "reason": [None, reason]})
    return True


def refresh(mission: Mission, today: date) -> bool:
    """Void the sign-offs of a submitted or finalised mission whose consent or safety no longer holds (by date)."""
    if mission.status not in (MissionStatus.READY, MissionStatus.FINALISED):
        return False
    ctx = context(today)
    broken = [r for r in run_checks(mission, ctx, PRE_SIGNOFF) if r.status == Status.FAIL]
    if not broken:
        return False
    return void_sign_offs(None, mission, _("Checks no longer pass: %(checks)s — %(reason)s",
                                           checks=", ".join(r.title for r in broken), reason=broken[0].reason))


def return_to_draft(actor: User, mission: Mission, reason: str) -> None:
    """Ready for sign-off → draft, at the office's request."""
    if mission.status != MissionStatus.READY:
        raise RuleViolation(_("Only a mission that is ready for sign-off can be returned to draft."))
    void_sign_offs(actor, mission, reason or _("Returned to draft by %(name)s.", name=actor.name))


def complete(actor: User, mission: Mission, today: date) -> None:
    """Finalised → completed, once the mission's last day has come."""
    if mission.status != MissionStatus.FINALISED:
        raise RuleViolation(_("Only a finalised mission can be completed."))
    if today < mission.end_date:
        raise RuleViolation(_("The mission can be completed from its last day (%(day)s) on.",
                              day=mission.end_date.isoformat()))
    mission.completed_at = now_utc()
    _move(actor, mission, MissionStatus.COMPLETED, "mission.complete")


def cancel(actor: User, mission: Mission, reason: str) -> None:
    """Draft, ready or finalised → cancelled, with a reason."""
    if mission.status in (MissionStatus.COMPLETED, MissionStatus.CANCELLED):
        raise RuleViolation(_("A completed or cancelled mission cannot be cancelled."))
    if not reason.strip():
        raise RuleViolation(_("Give a reason for cancelling."), "reason")
    now = now_utc()
    for s in mission.sign_offs:
        if s.voided_at is None:
            s.voided_at, s.void_reason = now, _("Mission cancelled.")
    mission.cancelled_at, mission.cancel_reason = now, reason.strip()
    _move(actor, mission, MissionStatus.CANCELLED, "mission.cancel", {"reason": [None, reason.strip()]})


def set_talking_points_block(actor: User, block: bool) -> None:
    """Make missing talking points block finalisation (True) or only warn (False)."""
    setting = db.session.get(Setting, TALKING_POINTS_BLOCK) or Setting(key=TALKING_POINTS_BLOCK, value="0")
    before = setting.value
    setting.value = "1" if block else "0"
    db.session.add(setting)
    db.session.flush()
    if before != setting.value:
        record(actor, "settings.update", setting, label=TALKING_POINTS_BLOCK,
               changes={TALKING_POINTS_BLOCK: [before == "1", block]})


def signed_off_by(mission: Mission) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.mission_id == mission.id).order_by(SignOff.id)))
