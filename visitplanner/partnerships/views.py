"""Partnerships: list, create, show, edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import StaleEdit
from ..extensions import db
from .forms import PartnershipForm
from .models import Partnership
from .operations import FIELDS, create_partnership, update_partnership
from .queries import all_partnerships, partnership_with_missions

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")


@bp.route("/")
def index():
    """All partnerships."""
    return render_template("partnerships/index.html", partnerships=all_partnerships())


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Record a new partnership."""
    form = PartnershipForm()
    if request.method == "GET":
        from flask import current_app

        form.own_organisation.data = current_app.config["ORGANISATION_NAME"]
    if form.validate_on_submit():
        partnership = create_partnership(current_user, **{k: form[k].data for k in FIELDS})
        db.session.commit()
        flash(_("Partnership created."), "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None)


@bp.route("/<int:partnership_id>")
def show(partnership_id: int):
    """A partnership and its missions."""
    partnership = partnership_with_missions(partnership_id) or abort(404)
    return render_template("partnerships/show.html", partnership=partnership)


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
def edit(partnership_id: int):
    """Change a partnership."""
    partnership = db.session.get(Partnership, partnership_id) or abort(404)
    form = PartnershipForm(obj=partnership)
    if request.method == "GET":
        form.version.data = partnership.version
    if form.validate_on_submit():
        try:
            update_partnership(
                current_user, partnership, expected_version=form.version_value(),
                **{k: form[k].data for k in FIELDS},
            )
            db.session.flush()
        except StaleEdit:
            db.session.rollback()
            flash(_("Someone else changed this partnership while you were editing. Your input is kept below; "
                    "check it against the current details and save again."), "error")
            form.version.data = db.session.get(Partnership, partnership_id).version
        else:
            db.session.commit()
            flash(_("Partnership saved."), "success")
            return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership)
