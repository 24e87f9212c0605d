"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import limits
from ..forms import ConfirmForm, save_form
from ..redirects import safe_local_path
from . import second_factor, sessions
from .forms import RECOVERY_CODE, CodeForm, LoginForm
from .operations import (
    authenticate,
    check_second_factor,
    end_sessions,
    enrol_second_factor,
    refuse_sign_in,
)

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
        # The audit entries of a wrong password or a refusal are committed with the answer (the request shell).
        if user is not None:
            next_page = safe_local_path(request.args.get("next"))
            if second_factor.asked_of(user):
                sessions.await_second_factor(user, next_page)
                return redirect(url_for("auth.code" if user.totp_secret else "auth.enrol"))
            sessions.begin(user)
            return redirect(next_page or url_for("main.home"))
        form.password.errors = [refused_message()]
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    pending = sessions.pending_user()
    if pending is None or pending[0].totp_secret is None:
        return redirect(url_for("auth.login"))
    user, next_page = pending
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        if not limits.second_factor_allowed(address, user):
            refuse_sign_in(user.email)
            opened, status = False, 429
        else:
            opened = check_second_factor(user, form.code.data)
            if not opened:  # wrong codes count with wrong passwords, and for the account from every address
                limits.count_failed_second_factor(address, user)
        if opened:
            sessions.begin(user)
            return redirect(next_page or url_for("main.home"))
        form.code.errors = [_("This code does not open the account: it is wrong, was used before, or there were "
                              "too many attempts. Enter the next code your app shows, or a recovery code.")]
    return render_template("auth/code.html", form=form, recovery=request.args.get("recovery") == "1",
                           recovery_attrs=RECOVERY_CODE), status


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """Set up the second factor, required for this account's role, before the first sign-in with it."""
    pending = sessions.pending_user()
    if pending is None or pending[0].totp_secret is not None:
        return redirect(url_for("auth.login"))
    user, next_page = pending
    secret = session.get("_enrol_secret") or second_factor.new_secret()
    session["_enrol_secret"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = []
        if save_form(form, lambda: codes.extend(enrol_second_factor(user, secret, form.code.data))):
            sessions.begin(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_page=next_page or url_for(
                "main.home"))
    uri = second_factor.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, qr=second_factor.qr_code(uri), secret=secret,
                           email=user.email)


def refused_message() -> str:
    """One message for every refusal (unknown, wrong, disabled, too many), so that none tells them apart."""
    return _("E-mail address or password is not correct, or the account is disabled, or there were too many "
             "attempts from here: wait a minute and try again.")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, everywhere: every session of the account ends, on every device."""
    if ConfirmForm().validate_on_submit():
        end_sessions(current_user, current_user)
        logout_user()
        sessions.forget()
        flash(_("You are signed out, on every device."), "info")
    return redirect(url_for("auth.login"))
