"""The home page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from ..missions.queries import all_missions, missions_of
from ..partnerships.queries import all_partnerships

bp = Blueprint("main", __name__)


class LanguageForm(FlaskForm):
    lang = HiddenField()
    next = HiddenField()


@bp.route("/")
def home():
    """Staff see partnerships and missions; delegation members see their own missions."""
    if current_user.is_staff:
        return render_template("main/home_staff.html", partnerships=all_partnerships(), missions=all_missions())
    return render_template("main/home_delegate.html", missions=missions_of(current_user))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (Dutch or English)."""
    form = LanguageForm()
    target = url_for("main.home")
    if form.validate_on_submit():
        if form.lang.data in current_app.config["LANGUAGES"]:
            session["lang"] = form.lang.data
        candidate = form.next.data or ""
        parts = urlsplit(candidate)
        if candidate.startswith("/") and not candidate.startswith("//") and not parts.netloc:
            target = candidate
    return redirect(target)
