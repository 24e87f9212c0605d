"""Contacts with the partner region between visits: the log's pages (B.c "doorlopende communicatie")."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..followup.models import FollowUpStatus
from ..forms import ConfirmForm, save_edit, save_form
from ..partnerships.models import Partnership
from ..shell import loads
from ..timeutil import today_utc
from .forms import ContactForm
from .models import Contact
from .operations import log_contact, update_contact

bp = Blueprint("contacts", __name__)


def _form(partnership: Partnership, contact: Contact | None = None) -> ContactForm:
    """The contact form, its themes those of the partnership; filled from the contact on a first look."""
    form = ContactForm(obj=contact) if request.method == "GET" and contact else ContactForm()
    form.focal_themes.choices = [(t.id, t.label) for t in partnership.focal_themes]
    if request.method == "GET" and contact is not None:
        form.focal_themes.data = [t.id for t in contact.focal_themes]
    return form


def _filled(contact: Contact) -> ContactForm:
    """The form filled from the contact as it is now, remembering what it showed (the base of a merge)."""
    form = ContactForm(formdata=None, obj=contact)
    form.focal_themes.choices = [(t.id, t.label) for t in contact.partnership.focal_themes]
    form.focal_themes.data = [t.id for t in contact.focal_themes]
    form.version.data = contact.version
    form.remember()
    return form


def _fields(form: ContactForm) -> dict:
    return {"kind": form.kind.data, "happened_on": form.happened_on.data, "subject": form.subject.data or "",
            "partner_response": form.partner_response.data or "", "theme_ids": form.focal_themes.data or []}


@bp.route("/partnerships/<int:partnership_id>/contacts/new", methods=["GET", "POST"])
@loads("partnership")
def create(partnership: Partnership):
    """Log a contact with the partner region."""
    form = _form(partnership)
    made = []
    if form.validate_on_submit() and save_form(
            form, lambda: made.append(log_contact(current_user, partnership, **_fields(form)))):
        flash(_("Contact logged."), "success")
        return redirect(url_for("contacts.show", contact_id=made[0].id))
    return render_template("contacts/form.html", form=form, partnership=partnership, contact=None)


@bp.route("/contacts/<int:contact_id>")
@loads("contact")
def show(contact: Contact):
    """A contact with the partner region, the themes it raised, the response and its follow-ups."""
    return render_template("contacts/show.html", contact=contact, partnership=contact.partnership,
                           today=today_utc(), statuses=FollowUpStatus.choices(), table_form=ConfirmForm())


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@loads("contact")
def edit(contact: Contact):
    """Change a contact with the partner region."""
    form = _form(contact.partnership, contact)
    if request.method == "GET":
        form = _filled(contact)
    if form.validate_on_submit() and save_edit(
        form, lambda: update_contact(current_user, contact, expected_version=form.version_value(), **_fields(form)),
        latest=lambda: _filled(contact), noun=_("this contact"),
    ):
        flash(_("Contact saved."), "success")
        return redirect(url_for("contacts.show", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, partnership=contact.partnership, contact=contact)
