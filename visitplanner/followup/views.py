"""After a visit: outcomes of official meetings, follow-up actions, evaluations of the action plan."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..access import DECISIONS
from ..auth.models import User, UserRole
from ..contacts.models import Contact
from ..disclosure import involved_party, may_read_what_was_said
from ..extensions import db
from ..forms import ConfirmForm, parse_id, save_form
from ..itinerary.models import ItemKind, ProgrammeItem
from ..missions.models import Mission
from ..partnerships.models import Objective, Partnership
from ..stakeholders.models import input_gaps
from ..stakeholders.queries import involvement_of
from ..shell import loads
from ..timeutil import today_utc
from .forms import EvaluationForm, FollowUpForm, OutcomeForm
from .models import FollowUp, FollowUpStatus, MeetingOutcome
from .operations import (
    add_evaluation,
    add_follow_up,
    add_partnership_follow_up,
    record_outcome,
    set_follow_up_statuses,
)

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
@loads("item")
def outcome(item: ProgrammeItem):
    """Record what was raised in an official meeting and the partner's response."""
    mission = item.mission
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
    stmt = (select(User).join(UserRole).where(UserRole.role.in_([r.value for r in DECISIONS["hold a follow-up"]]),
                                              User.active.is_(True)).order_by(User.name))
    return [(u.id, u.name) for u in db.session.scalars(stmt).unique()]


def _follow_up_form(partnership: Partnership) -> FollowUpForm:
    form = FollowUpForm()
    form.owner_id.choices = _staff_choices()
    form.objective_id.choices = [(0, _("— none —"))] + [(o.id, o.label) for o in partnership.objectives]
    return form


def _follow_up_fields(form: FollowUpForm) -> dict:
    return {"what": form.what.data, "with_whom": form.with_whom.data or "",
            "owner": db.session.get(User, form.owner_id.data), "due_date": form.due_date.data,
            "objective": db.session.get(Objective, form.objective_id.data) if form.objective_id.data else None}


@bp.route("/missions/<int:mission_id>/follow-ups/new", methods=["GET", "POST"])
@loads("mission")
def add(mission: Mission):
    """Add a follow-up action."""
    form = _follow_up_form(mission.partnership)
    back = url_for("followup.after", mission_id=mission.id)
    if form.validate_on_submit():
        done = _save(form, lambda: add_follow_up(current_user, mission, **_follow_up_fields(form)),
                     _("Follow-up action added."), back)
        if done:
            return done
    return render_template("followup/follow_up_form.html", form=form, back=back, back_label=mission.title,
                           intro=None)


@bp.route("/partnerships/<int:partnership_id>/follow-ups/new", methods=["GET", "POST"])
@loads("partnership")
def add_to_partnership(partnership: Partnership):
    """Add a follow-up action to the partnership between visits."""
    form = _follow_up_form(partnership)
    back = url_for("partnerships.show", partnership_id=partnership.id) + "#follow-ups"
    if form.validate_on_submit():
        done = _save(form, lambda: add_partnership_follow_up(current_user, partnership, **_follow_up_fields(form)),
                     _("Follow-up action added."), back)
        if done:
            return done
    return render_template("followup/follow_up_form.html", form=form, back=back, back_label=partnership.label,
                           intro=_("Between visits: a follow-up of the partnership, not of one mission."))


@bp.route("/contacts/<int:contact_id>/follow-ups/new", methods=["GET", "POST"])
@loads("contact")
def add_to_contact(contact: Contact):
    """Add a follow-up action to a contact with the partner region."""
    form = _follow_up_form(contact.partnership)
    back = url_for("contacts.show", contact_id=contact.id)
    if form.validate_on_submit():
        done = _save(form, lambda: add_partnership_follow_up(current_user, contact.partnership, contact=contact,
                                                             **_follow_up_fields(form)),
                     _("Follow-up action added."), back + "#follow-ups")
        if done:
            return done
    return render_template("followup/follow_up_form.html", form=form, back=back, back_label=contact.label,
                           intro=_("A follow-up of the contact “%(subject)s”.", subject=contact.subject))


@bp.route("/missions/<int:mission_id>/follow-ups/status", methods=["POST"])
@loads("mission")
def status(mission: Mission):
    """Save the statuses of the follow-up table at once (one form, one Save); tell the person of a row someone else
    changed meanwhile that they changed too, which keeps the other's status."""
    back = redirect(url_for("followup.after", mission_id=mission.id) + "#follow-ups")
    return _save_statuses(mission.follow_ups, back)


@bp.route("/partnerships/<int:partnership_id>/follow-ups/status", methods=["POST"])
@loads("partnership")
def partnership_status(partnership: Partnership):
    """Save the statuses of the partnership's follow-up table between visits at once (the partnership's page, or a
    contact's: ``?contact=<id>`` goes back there)."""
    follow_ups = list(db.session.scalars(select(FollowUp).where(FollowUp.partnership_id == partnership.id)))
    contact_id = parse_id(request.args.get("contact"))
    contact = db.session.get(Contact, contact_id) if contact_id else None
    if contact is not None and contact.partnership_id == partnership.id:
        back = url_for("contacts.show", contact_id=contact.id)
    else:
        back = url_for("partnerships.show", partnership_id=partnership.id)
    return _save_statuses(follow_ups, redirect(back + "#follow-ups"))


def _save_statuses(follow_ups: list[FollowUp], back):
    """Save a follow-up table's statuses, saying what changed and which rows someone else changed meanwhile."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; nothing was saved. Please try again."), "error")
        return back
    chosen = {f.id: (request.form.get(f"was-{f.id}"), request.form[f"status-{f.id}"])
              for f in follow_ups if f"status-{f.id}" in request.form}
    done = []
    if not save_form(None, lambda: done.append(set_follow_up_statuses(current_user, follow_ups, chosen))):
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
@loads("objective")
def evaluate(objective: Objective):
    """Evaluate an objective of the action plan."""
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
