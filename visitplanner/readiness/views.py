"""The checklist of a mission: the automatic checks, the manual items, sign-off and status changes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import save_form
from ..missions.models import Mission, MissionStatus
from ..participants.retention import retention_days, set_retention_days
from ..shell import loads
from ..timeutil import today_utc
from .checks import run_checks
from .fingerprint import fingerprint, vouched_content
from .forms import ConfirmCheckForm, ReasonForm, SettingsForm, SignOffForm
from .lifecycle import action_options
from .models import TALKING_POINTS_BLOCK, ManualCheck, Setting, SignOffRole, short_code
from .operations import (
    cancel,
    complete,
    confirm_manual_check,
    context,
    moved_since_vouched,
    record_override,
    required_manual_checks,
    return_to_draft,
    set_talking_points_block,
    sign_off,
    sign_off_refusal,
    submit_for_signoff,
)
from .vouching import vouch

bp = Blueprint("readiness", __name__)


def _back(mission):
    return redirect(url_for("readiness.checklist", mission_id=mission.id))


def _act(mission, operation, success: str):
    if save_form(None, operation):
        flash(success, "success")
    return _back(mission)


@bp.route("/missions/<int:mission_id>/checklist")
@loads("mission")
def checklist(mission: Mission):
    """Every check with its reason and a link to fix it; the manual items; who signed off."""
    confirmed = {c.key: c for c in mission.confirmations}
    today = today_utc()
    ctx = context(today)
    return render_template(
        "readiness/checklist.html", mission=mission, results=run_checks(mission, ctx),
        manual=[(m, confirmed.get(m.value)) for m in required_manual_checks(mission)],
        sign_offs=mission.sign_offs, moved=moved_since_vouched(mission, today),
        current_code=short_code(fingerprint(vouched_content(mission, ctx))),
        options=action_options(mission, current_user), form=SignOffForm(), confirm_form=ConfirmCheckForm(),
    )


@bp.route("/missions/<int:mission_id>/submit", methods=["POST"])
@loads("mission")
def submit(mission: Mission):
    """Submit the mission for sign-off."""
    if not SignOffForm().validate_on_submit():
        abort(400)
    return _act(mission, lambda: submit_for_signoff(current_user, mission, today_utc()),
                _("The mission is ready for sign-off."))


@bp.route("/missions/<int:mission_id>/sign-off", methods=["GET", "POST"])
@loads("mission")
def sign(mission: Mission):
    """Sign the mission off in one of one's roles, as a deliberate act: a page first says what the signer vouches for
    (the role's promises, the content in words, its code, the open warnings) and takes an optional comment."""
    if request.values.get("role") not in {r.value for r in SignOffRole}:
        abort(404)
    role = SignOffRole(request.values["role"])
    form = SignOffForm()
    today = today_utc()
    if form.validate_on_submit():
        signed = save_form(form, lambda: sign_off(current_user, mission, role, today, comment=form.comment.data or "",
                                                  seen=form.code.data or None))
        if signed and mission.status == MissionStatus.FINALISED:  # the last sign-off needed: say what it did
            flash(_("Signed off as %(role)s. The mission is now final: the visit can go ahead as signed off.",
                    role=role.label), "success")
            return _back(mission)
        if signed:
            flash(_("Signed off as %(role)s. The mission waits for the other sign-off.", role=role.label), "success")
            return _back(mission)
    ctx = context(today)
    summary = vouch(mission, role, ctx)
    form.role.data, form.code.data = role.value, summary.code
    return render_template("readiness/sign_off.html", mission=mission, form=form, vouch=summary,
                           refusal=sign_off_refusal(current_user, mission, role, today))


@bp.route("/missions/<int:mission_id>/confirm/<key>", methods=["POST"])
@loads("mission")
def confirm(mission: Mission, key: str):
    """Confirm a manual checklist item."""
    if key not in {m.value for m in ManualCheck}:
        abort(404)
    form = ConfirmCheckForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(mission, lambda: confirm_manual_check(current_user, mission, ManualCheck(key), form.note.data or ""),
                _("Checklist item confirmed."))


@bp.route("/missions/<int:mission_id>/complete", methods=["POST"])
@loads("mission")
def complete_view(mission: Mission):
    """Mark a finalised mission as completed."""
    if not SignOffForm().validate_on_submit():
        abort(400)
    return _act(mission, lambda: complete(current_user, mission, today_utc()), _("The mission is completed."))


def _reason_page(mission, form, title: str, message: str, label: str, *, danger: bool = False):
    """A confirmation with a reason; ``danger`` for what cannot be undone (its button is red)."""
    return render_template("readiness/reason_form.html", mission=mission, form=form, title=title, message=message,
                           confirm_label=label, danger=danger)


@bp.route("/missions/<int:mission_id>/return", methods=["GET", "POST"])
@loads("mission")
def return_view(mission: Mission):
    """Return a mission awaiting sign-off to draft, with a reason."""
    form = ReasonForm()
    if form.validate_on_submit():
        return _act(mission, lambda: return_to_draft(current_user, mission, form.reason.data),
                    _("The mission is back in draft."))
    return _reason_page(mission, form, _("Return to draft?"),
                        _("Sign-offs given so far are voided; the mission must be submitted again."),
                        _("Return to draft"))


@bp.route("/missions/<int:mission_id>/cancel", methods=["GET", "POST"])
@loads("mission")
def cancel_view(mission: Mission):
    """Cancel a mission, with a reason, after confirmation."""
    form = ReasonForm()
    if form.validate_on_submit():
        return _act(mission, lambda: cancel(current_user, mission, form.reason.data), _("The mission is cancelled."))
    return _reason_page(mission, form, _("Cancel this mission?"),
                        _("A cancelled mission cannot be planned further. Its history is kept."),
                        _("Cancel mission"), danger=True)


@bp.route("/missions/<int:mission_id>/override", methods=["GET", "POST"])
@loads("mission")
def override(mission: Mission):
    """An approver records why this mission goes ahead although the partnership is advised against."""
    form = ReasonForm()
    if form.validate_on_submit():
        return _act(mission, lambda: record_override(current_user, mission, form.reason.data),
                    _("Override recorded."))
    return _reason_page(mission, form, _("Record an override"),
                        _("Engagement with this partner is advised against: %(reason)s. Record why this mission "
                          "goes ahead nonetheless.", reason=mission.partnership.advised_against_reason or "—"),
                        _("Record override"))


@bp.route("/admin/settings", methods=["GET", "POST"])
def settings():
    """Organisation settings: whether missing talking points block finalisation; how long personal data is kept."""
    form = SettingsForm()
    if request.method == "GET":
        setting = db.session.get(Setting, TALKING_POINTS_BLOCK)
        form.talking_points_block.data = setting is not None and setting.value == "1"
        form.retention_days.data = retention_days()
    def save() -> None:
        set_talking_points_block(current_user, form.talking_points_block.data)
        set_retention_days(current_user, form.retention_days.data)

    # Through save_form: two administrators saving the first settings at once clash on the key, a form error.
    if form.validate_on_submit() and save_form(form, save):
        flash(_("Settings saved."), "success")
        return redirect(url_for("readiness.settings"))
    return render_template("readiness/settings.html", form=form)
