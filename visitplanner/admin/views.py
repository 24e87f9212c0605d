"""Administration: accounts and the whole audit log."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit.queries import mission_titles, recent
from ..auth.models import User
from ..auth.operations import create_user, end_sessions, reset_second_factor, update_user
from ..extensions import db
from ..forms import ConfirmForm, parse_id, save_edit, save_form
from ..privacy.markdown import render_markdown
from ..privacy.record import TITLE, build_record, layout
from ..shell import loads
from ..timeutil import now_utc
from .forms import NewUserForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 100


@bp.route("/users")
def users():
    """All accounts."""
    accounts = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=accounts, now=now_utc())


@bp.route("/users/new", methods=["GET", "POST"], endpoint="create_user")
def new_user():
    """Create an account."""
    form = NewUserForm()
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(create_user(
        current_user, email=form.email.data, name=form.name.data, password=form.password.data,
        roles=form.roles.data,
    ))):
        flash(_("Account %(email)s created.", email=created[0].email), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _user_filled(user: User) -> UserForm:
    """The account form filled from the account as it is now (no password: that is only ever typed)."""
    form = UserForm(formdata=None, obj=user)
    form.roles.data = sorted(r.value for r in user.role_names)
    form.password.data = ""
    form.version.data = user.version
    form.remember()
    return form


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@loads("user")
def edit_user(user: User):
    """Change an account: details, roles, active, password; a save based on an older page keeps what another
    administrator saved meanwhile (the roles as a set: what each added and removed)."""
    form = _user_filled(user) if request.method == "GET" else UserForm()
    if form.validate_on_submit() and save_edit(
        form,
        lambda: update_user(current_user, user, expected_version=form.version_value(), email=form.email.data,
                            name=form.name.data, roles=form.roles.data, active=form.active.data,
                            password=form.password.data or None),
        latest=lambda: _user_filled(user), noun=_("this account"),
    ):
        flash(_("Account %(email)s saved.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    if form.conflicts and form.password.data:
        # A password field is never written back into the page: say so, rather than drop it unnoticed.
        form.password.errors = [*form.password.errors, _("Type the new password again: a password is never kept in "
                                                         "the page.")]
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/sign-out", methods=["GET", "POST"])
@loads("user")
def sign_out_user(user: User):
    """End every session of an account, after confirmation (a lost laptop, a phone left behind)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if save_form(None, lambda: end_sessions(current_user, user)):
            flash(_("%(name)s is signed out on every device.", name=user.name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "confirm.html", form=form, title=_("Sign %(name)s out everywhere?", name=user.name),
        message=_("Every session of this account ends at once, on every device; the person signs in again."),
        confirm_label=_("Sign out everywhere"), cancel_url=url_for("admin.edit_user", user_id=user.id),
    )


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["GET", "POST"], endpoint="reset_second_factor")
@loads("user")
def reset_second_factor_view(user: User):
    """Remove an account's second factor (a lost phone), after confirmation; they set it up again at sign-in."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if save_form(None, lambda: reset_second_factor(current_user, user)):
            flash(_("The second factor of %(name)s is removed; they set up a new one at their next sign-in.",
                    name=user.name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "confirm.html", form=form, title=_("Remove the second factor of %(name)s?", name=user.name),
        message=_("Do this only when you are sure who asks: a lost or replaced phone. Their authenticator app and "
                  "recovery codes stop working, every session of theirs ends, and at the next sign-in with the "
                  "password they set up a new second factor."),
        confirm_label=_("Remove second factor"), cancel_url=url_for("admin.edit_user", user_id=user.id),
    )


@bp.route("/audit")
def audit_log():
    """The whole audit log, newest first."""
    page = parse_id(request.args.get("page")) or 1
    entries = recent(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    entries, has_more = entries[:PAGE_SIZE], len(entries) > PAGE_SIZE
    return render_template("admin/audit_log.html", entries=entries, page=page, has_more=has_more,
                           missions=mission_titles(entries))


@bp.route("/processing")
def processing():
    """The record of processing (GDPR Art. 30), built from the code and the settings as they are now."""
    record = build_record()
    return render_template("admin/processing.html", title=TITLE, sections=layout(record))


@bp.route("/processing.md", endpoint="processing_markdown")
def processing_markdown():
    """The same record as a Markdown file, for the privacy officer."""
    record = build_record()
    response = Response(render_markdown(record), mimetype="text/markdown")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"processing-record-{record.generated_at.date().isoformat()}.md")
    return response
