"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..extensions import db
from ..forms import ConfirmForm
from ..redirects import safe_local_path
from ..timeutil import now_utc
from . import sessions
from .forms import LoginForm
from .operations import authenticate, end_sessions

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, now_utc())
        db.session.commit()  # the count of wrong passwords, a lock, and their audit entries
        if user is not None:
            sessions.begin(user)
            return redirect(safe_local_path(request.args.get("next")) or url_for("main.home"))
        form.password.errors = [_("E-mail address or password is not correct, or the account is disabled, or it is "
                                  "locked for 15 minutes after five wrong passwords in a row.")]
    return render_template("auth/login.html", form=form)


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
