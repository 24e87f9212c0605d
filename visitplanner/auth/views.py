"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms import ConfirmForm
from ..redirects import safe_local_path
from .forms import LoginForm
from .models import User, check_dummy_password

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            check_dummy_password()
        if user is not None and user.check_password(form.password.data) and user.active:
            login_user(user)
            return redirect(safe_local_path(request.args.get("next")) or url_for("main.home"))
        form.password.errors = [_("E-mail address or password is not correct, or the account is disabled.")]
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
