"""Mission status transitions, sign-offs, and the voiding of sign-offs when what they vouched for moved.

Every operation takes the acting user (None: the system), refuses an illegal move with a RuleViolation, and
writes its audit entry in the same transaction. Which moves exist, and who takes them, is the one table in
``lifecycle.py``. Submitting, signing off, finalising and voiding hold the mission's row lock (:func:`lock`).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..access import may
from ..audit.operations import record
from ..auth.models import User
from ..errors import RuleViolation
from ..extensions import db
from ..formatting import format_date
from ..messages import Message, joined, shown, stored
from ..missions.models import Mission, MissionStatus
from ..missions.queries import programme_options
from ..notices.operations import mission_finalised, sign_off_requested, sign_offs_voided
from ..revisions import keep_as_is
from ..timeutil import now_utc
from .checks import PRE_SIGNOFF, Context, failing, participant_links, run_checks
from .fingerprint import changes_since, fingerprint, vouched_content
from .lifecycle import TRANSITIONS, Action, four_eyes_refusal, may_sign_as, target
from .models import (
    TALKING_POINTS_BLOCK,
    ManualCheck,
    ManualConfirmation,
    Setting,
    SignOff,
    SignOffRole,
    short_code,
)


def context(today: date) -> Context:
    """The check context: today's date and the organisation's settings."""
    setting = db.session.get(Setting, TALKING_POINTS_BLOCK)
    return Context(today=today, talking_points_block=setting is not None and setting.value == "1",
                   briefing_valid_months=current_app.config["COMPANY_BRIEFING_VALID_MONTHS"])


def _audit(actor, action: str, mission: Mission, changes: dict) -> None:
    record(actor, action, mission, label=mission.title, changes=changes, mission_id=mission.id,
           partnership_id=mission.partnership_id)


def _move(actor, mission: Mission, action: Action, audit_action: str, extra: dict | None = None,
          **columns) -> None:
    """Take ``action`` as the lifecycle table says, setting ``columns`` with the status in one write; audit it."""
    before = mission.status
    after = target(before, action).value
    with db.session.no_autoflush:  # the state and the columns that go with it are written together
        for key, value in columns.items():
            setattr(mission, key, value)
        mission.status = after
    db.session.flush()
    _audit(actor, audit_action, mission, {"status": [before, mission.status], **(extra or {})})


def lock(mission: Mission) -> Mission:
    """Hold the mission's row until the transaction ends, then read it (and its programme) again as it now is.

    Two people submitting, signing or voiding at once then take turns: the second sees what the first did.
    PostgreSQL locks the row (``SELECT … FOR UPDATE``); SQLite, which locks the whole database for a writer,
    takes its write lock with an UPDATE that changes nothing.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        table = Mission.__table__
        db.session.connection().execute(
            update(table).where(table.c.id == mission.id).values(id=table.c.id, **keep_as_is(table)))
    locked = db.session.scalar(
        select(Mission).where(Mission.id == mission.id).options(*programme_options())
        .with_for_update(of=Mission).execution_options(populate_existing=True))
    assert locked is mission
    return mission


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


def standing_sign_offs(mission: Mission) -> list[SignOff]:
    return [s for s in mission.sign_offs if s.voided_at is None]


def moved_since_vouched(mission: Mission, today: date) -> list[str] | None:
    """What changed since the mission was submitted and signed off, in words; None while their vouch holds.

    Only a submitted or finalised mission is vouched for. Lapses by date (a consent or assessment expiring,
    a check failing from a day on) show here as soon as they happen; the cron command applies them.
    """
    if (mission.status, Action.VOID) not in TRANSITIONS:
        return None
    content = vouched_content(mission, context(today))
    current = fingerprint(content)
    if current == mission.vouched_fingerprint and all(s.fingerprint == current for s in standing_sign_offs(mission)):
        return None
    return changes_since(mission.vouched_content, content)


def void_reason(changes: list[dict]) -> dict:
    """Why the sign-offs were voided: a stored message (``messages.py``), shown in the reader's language."""
    return stored("Changed since it was submitted for sign-off: %(changes)s.", changes=joined(changes))


def submit_for_signoff(actor: User, mission: Mission, today: date) -> None:
    """Draft → ready for sign-off, when no check fails; the submitter vouches for the mission as it now is."""
    lock(mission)
    target(mission.status, Action.SUBMIT)
    ctx = context(today)
    failed = failing(run_checks(mission, ctx, PRE_SIGNOFF))
    if failed:
        raise RuleViolation(_("The mission cannot be submitted while checks fail: %(checks)s.",
                              checks=", ".join(r.title for r in failed)))
    content = vouched_content(mission, ctx)
    vouched = fingerprint(content)
    _move(actor, mission, Action.SUBMIT, "mission.submit", {"fingerprint": [None, vouched]},
          vouched_content=content, vouched_fingerprint=vouched, submitted_by_id=actor.id, submitted_at=now_utc(),
          attention_reason=None)
    sign_off_requested(actor, mission)


def sign_off_refusal(actor: User, mission: Mission, role: SignOffRole, today: date) -> str | None:
    """Why ``actor`` may not sign ``mission`` off in ``role`` now, in words (None: they may). The confirmation page
    reads it before anyone signs, and the sign-off itself again, under the mission's lock."""
    first = next((s for s in standing_sign_offs(mission) if s.role == role.value), None)
    if first is not None:
        return _("Someone else signed first: %(name)s has already signed this mission off as %(role)s.",
                 name=first.user.name, role=role.label)
    try:
        target(mission.status, Action.SIGN_OFF)
    except RuleViolation as refused:
        return refused.message
    if not may_sign_as(actor, role):
        return _("You do not have the role %(role)s.", role=role.label)
    refusal = four_eyes_refusal(mission, actor.id, standing_sign_offs(mission))
    if refusal is not None:
        return _("Someone else must sign this mission off: %(why)s (four-eyes principle).", why=shown(refusal))
    ctx = context(today)
    failed = failing(run_checks(mission, ctx, PRE_SIGNOFF))
    if failed:
        return _("The mission cannot be signed off while checks fail: %(checks)s.",
                 checks=", ".join(r.title for r in failed))
    open_items = unconfirmed_manual_checks(mission)
    if open_items:
        return _("First confirm the manual checklist items: %(items)s.", items="; ".join(m.label for m in open_items))
    moved = moved_since_vouched(mission, today)
    if moved:
        return _("The mission changed since it was submitted, so it cannot be signed off as it stands: %(changes)s.",
                 changes="; ".join(moved))
    return None


def sign_off(actor: User, mission: Mission, role: SignOffRole, today: date, *, comment: str = "",
             seen: str | None = None) -> SignOff:
    """Sign the mission off in one role, with an optional comment; the second of the two sign-offs finalises it,
    exactly once. ``seen`` is the code the signer confirmed (the confirmation page's): a sign-off is refused when the
    mission was submitted again since, with other content."""
    lock(mission)
    refusal = sign_off_refusal(actor, mission, role, today)
    if refusal is not None:
        raise RuleViolation(refusal)
    if seen is not None and seen != short_code(mission.vouched_fingerprint):
        raise RuleViolation(_("The mission was submitted again since you opened the confirmation, with other "
                              "content (code %(code)s): read it again before you sign.",
                              code=short_code(mission.vouched_fingerprint)))
    signature = SignOff(mission_id=mission.id, role=role.value, user_id=actor.id,
                        fingerprint=mission.vouched_fingerprint, comment=(comment or "").strip())
    mission.sign_offs.append(signature)
    db.session.flush()
    _audit(actor, "mission.sign_off", mission, {"sign_off": [None, f"{role.value}: {actor.name}"],
                                                "fingerprint": [None, signature.fingerprint]})
    if {s.role for s in standing_sign_offs(mission)} >= {r.value for r in SignOffRole}:
        _move(actor, mission, Action.FINALISE, "mission.finalise", finalised_at=now_utc())
        mission_finalised(mission)
    return signature


def record_override(actor: User, mission: Mission, reason: str) -> None:
    """An approver records why the mission goes ahead although the partnership is advised against."""
    if not may(actor, "override the advice against engagement"):  # whoever else reaches this
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
    _audit(actor, "mission.confirm", mission, {"checklist": [None, key.value]})  # its label when shown
    return confirmation


def void_state(mission: Mission, action: Action, reason: Message) -> str:
    """Void the standing sign-offs and take the mission back to draft; returns the status before. On a void, whoever
    submitted the mission and whoever signed it off are told, in this transaction: every void passes here (a change
    the commit pipeline finds, ``binding.py``; a lapse by date, :func:`void_sign_offs`). A return to draft is the
    office's own request (:func:`return_to_draft`), and tells no one."""
    before = mission.status
    after = target(before, action).value
    now = now_utc()
    with db.session.no_autoflush:
        standing = standing_sign_offs(mission)
        submitter, signers = mission.submitted_by_id, [s.user_id for s in standing]
        for s in standing:
            s.voided_at, s.void_reason = now, reason
        mission.submitted_by_id = mission.submitted_at = mission.finalised_at = None
        mission.vouched_fingerprint = mission.vouched_content = None
        mission.attention_reason = reason
        mission.status = after
    if action == Action.VOID:
        sign_offs_voided(mission, submitter, signers)
    return before


def void_sign_offs(actor: User | None, mission: Mission, reason: Message, changes: list[dict] | None = None) -> bool:
    """Void the sign-offs of a submitted or finalised mission and put it back to needing attention, audited.

    Returns whether it voided (a draft, completed or cancelled mission has nothing to void).
    """
    if (mission.status, Action.VOID) not in TRANSITIONS:
        return False
    before = void_state(mission, Action.VOID, reason)
    db.session.flush()
    _audit(actor, "mission.void_sign_off", mission, void_changes(before, reason, changes))
    return True


def void_changes(before: str, reason: Message, changes: list[dict] | None) -> dict:
    entry = {"status": [before, MissionStatus.DRAFT.value], "reason": [None, reason]}
    if changes:
        entry["changed"] = [None, changes]
    return entry


def settle(mission: Mission, today: date) -> bool:
    """Void the sign-offs of a submitted or finalised mission whose vouched content moved (cron: lapses by date)."""
    moved = moved_since_vouched(mission, today)
    if moved is None:
        return False
    return void_sign_offs(None, mission, void_reason(moved), moved)


def return_to_draft(actor: User, mission: Mission, reason: str) -> None:
    """Ready for sign-off → draft, at the office's request."""
    lock(mission)
    reason = reason.strip() or stored("Returned to draft by %(name)s.", name=actor.name)
    before = void_state(mission, Action.RETURN, reason)
    db.session.flush()
    _audit(actor, "mission.void_sign_off", mission, void_changes(before, reason, None))


def complete(actor: User, mission: Mission, today: date) -> None:
    """Finalised → completed, once the mission's last day has come."""
    target(mission.status, Action.COMPLETE)
    if today < mission.end_date:
        raise RuleViolation(_("The mission can be completed from its last day (%(day)s) on.",
                              day=format_date(mission.end_date)))
    _move(actor, mission, Action.COMPLETE, "mission.complete", completed_at=now_utc())


def cancel(actor: User, mission: Mission, reason: str) -> None:
    """Draft, ready or finalised → cancelled, with a reason."""
    target(mission.status, Action.CANCEL)
    if not reason.strip():
        raise RuleViolation(_("Give a reason for cancelling."), "reason")
    now = now_utc()
    for s in standing_sign_offs(mission):
        s.voided_at, s.void_reason = now, stored("Mission cancelled.")
    _move(actor, mission, Action.CANCEL, "mission.cancel", {"reason": [None, reason.strip()]},
          vouched_fingerprint=None, vouched_content=None, cancelled_at=now, cancel_reason=reason.strip())


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