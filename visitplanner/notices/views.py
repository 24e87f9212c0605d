"""A person's notices: the list of what they were told, and the account page where they turn kinds off and choose
their language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import save_form
from .forms import NoticeChoicesForm
from .models import NoticeKind
from .operations import set_notice_choices
from .queries import kinds_off, notices_of
from .rendering import link_of, subject_of

bp = Blueprint("notices", __name__)


@bp.route("/notices")
def index():
    """The signed-in person's notices, newest first, each with its link."""
    notices = notices_of(current_user)
    shown = [(notice, subject_of(notice), link_of(notice)) for notice in notices]
    return render_template("notices/index.html", notices=shown)


@bp.route("/account/notices", methods=["GET", "POST"])
def settings():
    """Turn kinds of notice off or on, and choose their language."""
    form = NoticeChoicesForm.for_user(current_user)
    offered = [NoticeKind(value) for value, _label in form.kinds.choices]
    if request.method == "GET":
        off = kinds_off(current_user)
        form.kinds.data = [kind.value for kind in offered if kind not in off]
        form.language.data = current_user.language
    if form.validate_on_submit():
        wanted = set(form.kinds.data or [])
        off = [kind.value for kind in offered if kind.value not in wanted]
        changed = []
        if save_form(form, lambda: changed.append(set_notice_choices(current_user, off, form.language.data))):
            flash(_("Your choices are saved.") if changed[0] else _("Nothing changed."), "success")
            return redirect(url_for("notices.settings"))
    return render_template("notices/settings.html", form=form,
                           kinds={kind.value: kind for kind in offered})
