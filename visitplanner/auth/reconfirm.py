"""Proving again who one is, before an output that shows an item of someone at critical risk (high-risk mode).

A download or print of such a programme is refused on GET with a page that asks for the password (or, for whoever
has a second factor, a code from the app); the POST with the right answer makes the output. The audit log keeps
who made which, and who tried which and was refused (a wrong answer, or too many attempts). Wrong answers count
towards the sign-in limits of ``visitplanner/limits.py`` (wrong codes also towards the account's cap on
second-factor guesses).
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from .. import limits
from ..audit.operations import record
from ..forms import BaseForm
from .models import User
from .operations import check_second_factor


class ReconfirmForm(BaseForm):
    secret = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=1000)])


#: Why a re-check refused, as the action of its audit entry: a wrong answer, or too many attempts (the limits).
WRONG, LIMITED = "programme.high_risk_export_wrong", "programme.high_risk_export_limited"


def _refused(user: User, secret: str) -> str | None:
    """None when ``secret`` proves who ``user`` is now; else why not (WRONG or LIMITED)."""
    address = request.remote_addr or ""
    if user.totp_secret:
        if not limits.second_factor_allowed(address, user):
            return LIMITED
        if check_second_factor(user, secret):
            return None
        limits.count_failed_second_factor(address, user)
        return WRONG
    if not limits.sign_in_allowed(address, user.email):
        return LIMITED
    if user.check_password(secret):
        return None
    limits.count_failed_sign_in(address, user.email)
    return WRONG


def gate(user: User, mission, export: str, action: str):
    """None when ``export`` (e.g. "ics:delegation", "print:internal") may be made in this request: a POST that
    proved who the user is, written to the audit log. Otherwise the page that asks, to return as the response; a
    refused answer is written to the audit log too, with the mission and the export tried."""
    form = ReconfirmForm()
    if user.totp_secret:
        form.secret.label.text = _("Code from your authenticator app")
    status = 200
    if form.validate_on_submit():
        refused = _refused(user, form.secret.data)
        record(user, refused or "programme.high_risk_export", mission, label=mission.title,
               changes={"export": [None, export]}, mission_id=mission.id, partnership_id=mission.partnership_id)
        # A refusal is audited as well: the request shell commits it with the response that refuses.
        if refused is None:
            return None
        form.secret.errors = [_("That did not confirm it is you (or there were too many attempts). Try again.")]
        status = 403
    return render_template("auth/reconfirm.html", form=form, mission=mission, action=action), status
