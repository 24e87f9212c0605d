"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import limits
from ..extensions import db
from ..forms import ConfirmForm
from ..redirects import safe_local_path
from . import sessions
from .forms import LoginForm
from .operations import authenticate, end_sessions, refuse_sign_in

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address, email = request.remote_addr or "", form.email.data
        if not limits.sign_in_allowed(address, email):
            refuse_sign_in(email)
            user, status = None, 429
        else:
            user = authenticate(email, form.password.data)
            if user is None:
                limits.count_failed_sign_in(address, email)
        db.session.commit()  # the audit entries of a wrong password or a refusal
        if user is not None:
            sessions.begin(user)
            return redirect(safe_local_path(request.args.get("next")) or url_for("main.home"))
        form.password.errors = [refused_message()]
    return render_template("auth/login.html", form=form), status


def refused_message() -> str:
    """One message for every refusal (unknown, wrong, disabled, too many), so that none tells them apart."""
    return _("E-mail address or password is not correct, or the account is disabled, or there were too many "
             "attempts from here: wait a minute and try again.")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, everywhere: every session of the account ends, on every device."""
    if ConfirmForm().validate_on_submit():
        end_sessions(current_user, current_user)
        db.session.commit()
        logout_user()
        sessions.forget()
        flash(_("You are signed out, on every device."), "info")
    return redirect(url_for("auth.login"))
