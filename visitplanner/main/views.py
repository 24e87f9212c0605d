"""The home page, the language switch, and the organisation's house style (its stylesheet and logo)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from wtforms import HiddenField

from ..access import allows, may
from ..forms import BaseForm
from ..missions.queries import all_missions, missions_of
from ..partnerships.queries import all_partnerships
from ..redirects import safe_local_path
from ..timeutil import today_utc
from .dashboard import build_dashboard, waiting_for_sign_off

bp = Blueprint("main", __name__)


class LanguageForm(BaseForm):
    lang = HiddenField()
    next = HiddenField()


def takes_participant_steps(user) -> bool:
    """Whether the dashboard lists the participants waiting for a step: for the advisor, who takes them, and the
    protocol officer, who proposes people and waits for them."""
    return allows(user, "participants.consent") or allows(user, "participants.propose")


@bp.route("/")
def home():
    """Staff see partnerships and missions; delegation members see their own missions."""
    if may(current_user, "see every mission"):
        return render_template("main/home_staff.html", partnerships=all_partnerships(), missions=all_missions(),
                               board=build_dashboard(today_utc(), participants=takes_participant_steps(current_user),
                                                     review_months=current_app.config["PARTNERSHIP_REVIEW_MONTHS"]),
                               today=today_utc(),
                               waiting=waiting_for_sign_off(current_user))
    return render_template("main/home_delegate.html", missions=missions_of(current_user))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (Dutch or English)."""
    form = LanguageForm()
    target = url_for("main.home")
    if form.validate_on_submit():
        if form.lang.data in current_app.config["LANGUAGES"]:
            session["lang"] = form.lang.data
        target = safe_local_path(form.next.data) or target
    return redirect(target)


#: A versioned address (the digest of what it serves) may be kept for a year; any other for an hour.
_FOR_GOOD, _FOR_A_WHILE = 365 * 24 * 3600, 3600


def _cached(response: Response, version: str | None) -> Response:
    response.set_etag(version or "")
    kept = _FOR_GOOD if version and request.args.get("v") == version else _FOR_A_WHILE
    response.headers["Cache-Control"] = f"public, max-age={kept}" + (", immutable" if kept == _FOR_GOOD else "")
    return response.make_conditional(request)


@bp.route("/organisation/theme.css")
def theme():
    """The organisation's colours as NL Design System tokens (``theme.py``): a stylesheet, since pages carry no
    inline style."""
    style = current_app.extensions["visitplanner.theme"]
    return _cached(Response(style.css, mimetype="text/css"), style.version)


@bp.route("/organisation/logo")
def logo():
    """The organisation's logo file from the settings (``ORGANISATION_LOGO``); 404 without one."""
    style = current_app.extensions["visitplanner.theme"]
    if style.logo_file is None:
        abort(404)
    return _cached(Response(style.logo_bytes, mimetype=style.logo_type), style.logo_version)
