"""After a visit: outcomes of official meetings, follow-up actions, evaluations of the action plan."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import STAFF_ROLES, User, UserRole
from ..disclosure import involved_party, may_read_what_was_said
from ..extensions import db
from ..forms import ConfirmForm, save_form
from ..itinerary.models import ItemKind, ProgrammeItem
from ..missions.models import Mission
from ..partnerships.models import Objective
from ..stakeholders.models import input_gaps
from ..stakeholders.queries import involvement_of
from ..shell import load_mission, loads
from ..timeutil import today_utc
from .forms import EvaluationForm, FollowUpForm, OutcomeForm
from .models import FollowUpStatus, MeetingOutcome
from .operations import add_evaluation, add_follow_up, record_outcome, set_follow_up_statuses

bp = Blueprint("followup", __name__)


def _save(form, operation, success: str, target: str):
    if not save_form(form, operation):
        return None
    flash(success, "success")
    return redirect(target)


@bp.route("/missions/<int:mission_id>/after")
@loads("mission")
def after(mission: Mission):
    """What happened in the official meetings, and what is followed up."""
    meetings = [i for i in mission.items if i.kind == ItemKind.OFFICIAL_MEETING and i.removed_at is None]
    outcomes = {o.item_id: o for o in db.session.scalars(
        select(MeetingOutcome).where(MeetingOutcome.item_id.in_([i.id for i in meetings])))}
    return render_template("followup/after.html", mission=mission, meetings=meetings, outcomes=outcomes,
                           statuses=FollowUpStatus.choices(), table_form=ConfirmForm(), today=today_utc())


@bp.route("/items/<int:item_id>/outcome", methods=["GET", "POST"])
def outcome(item_id: int):
    """Record what was raised in an official meeting and the partner's response."""
    item = db.session.get(ProgrammeItem, item_id) or abort(404)
    mission = load_mission(item.mission_id)
    existing = db.session.scalar(select(MeetingOutcome).where(MeetingOutcome.item_id == item.id))
    form = OutcomeForm(obj=existing)
    if form.validate_on_submit():
        done = _save(form, lambda: record_outcome(current_user, item, raised=form.raised.data,
                                                  partner_response=form.partner_response.data or ""),
                     _("Outcome recorded."), url_for("followup.after", mission_id=mission.id))
        if done:
            return done
    return render_template("followup/outcome_form.html", form=form, mission=mission, item=item)


def _staff_choices():
    stmt = (select(User).join(UserRole).where(UserRole.role.in_([r.value for r in STAFF_ROLES]),
                                              User.active.is_(True)).order_by(User.name))
    return [(u.id, u.name) for u in db.session.scalars(stmt).unique()]


@bp.route("/missions/<int:mission_id>/follow-ups/new", methods=["GET", "POST"])
@loads("mission")
def add(mission: Mission):
    """Add a follow-up action."""
    form = FollowUpForm()
    form.owner_id.choices = _staff_choices()
    form.objective_id.choices = [(0, _("— none —"))] + [(o.id, o.label) for o in mission.partnership.objectives]
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        objective = db.session.get(Objective, form.objective_id.data) if form.objective_id.data else None
        done = _save(form, lambda: add_follow_up(current_user, mission, what=form.what.data,
                                                 with_whom=form.with_whom.data or "", owner=owner,
                                                 due_date=form.due_date.data, objective=objective),
                     _("Follow-up action added."), url_for("followup.after", mission_id=mission.id))
        if done:
            return done
    return render_template("followup/follow_up_form.html", form=form, mission=mission)


@bp.route("/missions/<int:mission_id>/follow-ups/status", methods=["POST"])
@loads("mission")
def status(mission: Mission):
    """Save the statuses of the follow-up table at once (one form, one Save); tell the person of a row someone else
    changed meanwhile that they changed too, which keeps the other's status."""
    form = ConfirmForm()
    back = redirect(url_for("followup.after", mission_id=mission.id) + "#follow-ups")
    if not form.validate_on_submit():
        flash(_("The form had expired; nothing was saved. Please try again."), "error")
        return back
    chosen = {f.id: (request.form.get(f"was-{f.id}"), request.form[f"status-{f.id}"])
              for f in mission.follow_ups if f"status-{f.id}" in request.form}
    done = []
    if not save_form(None, lambda: done.append(set_follow_up_statuses(current_user, mission, chosen))):
        return back
    [saved] = done
    if saved.changed:
        flash(ngettext("Status saved: %(num)d follow-up action changed.",
                       "Statuses saved: %(num)d follow-up actions changed.", len(saved.changed)), "success")
    elif not saved.clashes:
        flash(_("Nothing changed."), "info")
    for follow_up in saved.clashes:
        flash(_("“%(what)s” was set to “%(status)s” by someone else meanwhile; your choice for it is not saved. "
                "Choose again if it should change.", what=follow_up.label, status=follow_up.status_label), "warning")
    return back


@bp.route("/objectives/<int:objective_id>/evaluate", methods=["GET", "POST"])
def evaluate(objective_id: int):
    """Evaluate an objective of the action plan."""
    objective = db.session.get(Objective, objective_id) or abort(404)
    form = EvaluationForm()
    if form.validate_on_submit():
        done = _save(form, lambda: add_evaluation(
            current_user, objective, evaluated_on=form.evaluated_on.data, progress=form.progress.data,
            findings=form.findings.data or "", next_steps=form.next_steps.data or "", next_due=form.next_due.data),
            _("Evaluation recorded."), url_for("partnerships.show", partnership_id=objective.partnership_id) + "#plan")
        if done:
            return done
    involved = involvement_of([objective.id])[objective.id]
    return render_template("followup/evaluation_form.html", form=form, objective=objective, involved=involved,
                           gaps=input_gaps(involved), party=lambda i: involved_party(i, current_user),
                           may_read=lambda i: may_read_what_was_said(i, current_user))
