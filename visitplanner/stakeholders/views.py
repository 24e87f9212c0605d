"""The register of stakeholders, and who was involved in an objective of the action plan."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..disclosure import (
    involved_party,
    may_read_what_was_said,
    may_see_stakeholder,
    participant_label,
    stakeholder_label,
)
from ..forms import ConfirmForm, save_edit, save_form
from ..participants.retention import erase_stakeholder
from ..partnerships.models import Objective
from ..shell import loads
from ..timeutil import today_utc
from .forms import InvolvementForm, ProtectionForm, StakeholderForm
from .models import Stakeholder
from .operations import (
    create_stakeholder,
    record_involvement,
    set_protection,
    update_stakeholder,
)
from .queries import all_stakeholders, companies, involvement_of, people

bp = Blueprint("stakeholders", __name__)


def _names() -> dict:
    """How the templates name everyone: by the disclosure rules, never on their own."""
    return {"label": lambda s: stakeholder_label(s, current_user),
            "person": lambda p: participant_label(p, current_user),
            "party": lambda i: involved_party(i, current_user),
            "may_read": lambda i: may_read_what_was_said(i, current_user)}


@bp.route("/stakeholders/")
def index():
    """The register: organisations, people and companies the partnership works with."""
    return render_template("stakeholders/index.html", stakeholders=all_stakeholders(), people=people(),
                           companies=companies(), **_names())


@bp.route("/stakeholders/new", methods=["GET", "POST"])
def create():
    """Add an organisation to the register (protected until the advisor releases it)."""
    form = StakeholderForm()
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(create_stakeholder(
            current_user, name=form.name.data, alias=form.alias.data or "", kind=form.kind.data,
            contact=form.contact.data or ""))):
        [stakeholder] = created
        flash(_("Organisation added to the register as %(alias)s.", alias=stakeholder.alias), "success")
        return redirect(url_for("stakeholders.show", stakeholder_id=stakeholder.id))
    return render_template("stakeholders/form.html", form=form, stakeholder=None)


@bp.route("/stakeholders/<int:stakeholder_id>")
@loads("stakeholder")
def show(stakeholder: Stakeholder):
    """An organisation of the register, with the objectives it was consulted on."""
    return render_template("stakeholders/show.html", stakeholder=stakeholder,
                           named=may_see_stakeholder(stakeholder, current_user), **_names())


def _filled(stakeholder: Stakeholder) -> StakeholderForm:
    """The form filled from the record as it is now; without the name and contact for a role that may not see them
    (the form's signed base would carry them otherwise)."""
    form = StakeholderForm(formdata=None, obj=stakeholder)
    _fit(form, stakeholder)
    form.version.data = stakeholder.version
    form.remember()
    return form


def _fit(form: StakeholderForm, stakeholder: Stakeholder) -> None:
    if not may_see_stakeholder(stakeholder, current_user):
        del form.name
        del form.contact


@bp.route("/stakeholders/<int:stakeholder_id>/edit", methods=["GET", "POST"])
@loads("stakeholder")
def edit(stakeholder: Stakeholder):
    """Change an organisation's details."""
    form = StakeholderForm(obj=stakeholder)
    _fit(form, stakeholder)
    if request.method == "GET":
        form = _filled(stakeholder)
    named = "name" in form
    if form.validate_on_submit() and save_edit(
        form, lambda: update_stakeholder(
            current_user, stakeholder, expected_version=form.version_value(),
            name=form.name.data if named else stakeholder.name, alias=form.alias.data or "", kind=form.kind.data,
            contact=(form.contact.data or "") if named else stakeholder.contact),
        latest=lambda: _filled(stakeholder), noun=_("this organisation"),
    ):
        flash(_("Organisation saved."), "success")
        return redirect(url_for("stakeholders.show", stakeholder_id=stakeholder.id))
    return render_template("stakeholders/form.html", form=form, stakeholder=stakeholder)


def _protection_filled(stakeholder: Stakeholder) -> ProtectionForm:
    """The protection form filled from the organisation as it is now, remembering what the page shows of it."""
    form = ProtectionForm(formdata=None)
    form.protected.data = "yes" if stakeholder.protected else "no"
    form.reason.data = stakeholder.released_reason
    form.version.data = stakeholder.version
    form.remember(seen=ProtectionForm.state(stakeholder))
    return form


@bp.route("/stakeholders/<int:stakeholder_id>/protection", methods=["GET", "POST"])
@loads("stakeholder")
def protection(stakeholder: Stakeholder):
    """The advisor decides whether an organisation is protected; releasing it needs a reason.

    A decision made on an older page is never applied, nor merged, even when only other fields changed meanwhile:
    whether an organisation may be named rests on who it is (its kind, its name), and a change there (moved to the
    diaspora, renamed, released or protected by someone else) may change the decision. The page then shows the
    organisation as it is now and what changed since it was opened, keeps the advisor's choice and reason in the form,
    and carries the current version: saving again applies the decision, made on what is there now.
    """
    form = _protection_filled(stakeholder) if request.method == "GET" else ProtectionForm()
    stale, changed = False, None
    if form.validate_on_submit():
        if form.version_value() != stakeholder.version:
            stale, changed = True, form.changed_meanwhile(stakeholder)
            form.version.data = stakeholder.version
            form.remember(seen=ProtectionForm.state(stakeholder))
            form.form_errors.append(_("Someone else changed this organisation while you were deciding. Your "
                                      "decision is not saved: check it against the organisation as it is now, "
                                      "shown below, and save again."))
        elif save_form(form, lambda: set_protection(
                current_user, stakeholder, expected_version=form.version_value(),
                protected=form.protected.data == "yes", reason=form.reason.data or ""),
                current_version=lambda: stakeholder.version):
            flash(_("Protection saved."), "success")
            return redirect(url_for("stakeholders.show", stakeholder_id=stakeholder.id))
    return render_template("stakeholders/protection.html", form=form, stakeholder=stakeholder, stale=stale,
                           changed=changed)


@bp.route("/stakeholders/<int:stakeholder_id>/erase", methods=["GET", "POST"])
@loads("stakeholder")
def erase(stakeholder: Stakeholder):
    """Erase an organisation's record, after a confirmation: only its alias is left."""
    form = ConfirmForm()
    if form.validate_on_submit() and save_form(None, lambda: erase_stakeholder(current_user, stakeholder)):
        flash(_("%(alias)s erased: only the alias is left.", alias=stakeholder.alias), "success")
        return redirect(url_for("stakeholders.show", stakeholder_id=stakeholder.id))
    return render_template("stakeholders/erase.html", form=form, stakeholder=stakeholder)


def _party_choices() -> list[tuple[str, str]]:
    """Everyone an objective's input can come from, named by the disclosure rules."""
    return ([("", _("— choose —"))]
            + [(f"stakeholder-{s.id}", f"{stakeholder_label(s, current_user)} ({s.kind_label})")
               for s in all_stakeholders() if s.erased_at is None]
            + [(f"participant-{p.id}", f"{participant_label(p, current_user)} ({p.kind_label})") for p in people()]
            + [(f"company-{c.id}", f"{c.name} ({_('company')})") for c in companies()])


@bp.route("/objectives/<int:objective_id>/involvement/new", methods=["GET", "POST"])
@loads("objective")
def add_involvement(objective: Objective):
    """Record who was consulted on or involved in an objective: when, how, and what they said."""
    form = InvolvementForm()
    form.party.choices = _party_choices()
    if request.method == "GET":
        form.held_on.data = today_utc()
        form.party.data = request.args.get("party", "")
    if form.validate_on_submit() and save_form(form, lambda: record_involvement(
            current_user, objective, party=form.party.data, held_on=form.held_on.data, way=form.way.data,
            said=form.said.data or "")):
        flash(_("Involvement recorded."), "success")
        return redirect(url_for("partnerships.show", partnership_id=objective.partnership_id)
                        + f"#objective-{objective.id}")
    return render_template("stakeholders/involvement_form.html", form=form, objective=objective,
                           partnership=objective.partnership,
                           earlier=involvement_of([objective.id])[objective.id], **_names())
