"""Partnerships: list, create, show, edit."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..contacts.queries import contacts_of, follow_ups_between_visits
from ..disclosure import ReportAudience, involved_party, may_read_what_was_said, report_audience
from ..extensions import db
from ..followup.models import FollowUpStatus
from ..missions.operations import may_create_mission
from ..stakeholders.models import input_gaps
from ..stakeholders.queries import involvement_of
from ..forms import ConfirmForm, save_edit, save_form
from ..shell import loads
from ..timeutil import now_utc, today_utc
from .forms import (
    AdviceForm,
    DossierEntryForm,
    ObjectiveForm,
    PartnershipForm,
    ThemesForm,
    review_form,
)
from .models import FocalTheme, Partnership
from .operations import (
    mark_dossier_reviewed,
    FIELDS,
    add_dossier_entry,
    add_objective,
    create_partnership,
    record_review,
    set_advice,
    set_focal_themes,
    update_partnership,
)
from .queries import (
    RECENT_MISSIONS,
    all_partnerships,
    items_per_theme,
    last_reviews,
    review_sources,
    themes_raised,
)
from .report import build_review

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
        form.own_organisation.data = current_app.config["ORGANISATION_NAME"]
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(
            create_partnership(current_user, **{k: form[k].data for k in FIELDS}))):
        [partnership] = created
        flash(_("Partnership created."), "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None)


@bp.route("/<int:partnership_id>")
@loads("partnership")
def show(partnership: Partnership):
    """A partnership and its missions."""
    partnership_id = partnership.id
    last_review = last_reviews([partnership_id]).get(partnership_id)
    objectives = [o for o in partnership.objectives if not o.is_project]
    involved = involvement_of([o.id for o in partnership.objectives])
    return render_template("partnerships/show.html", partnership=partnership,
                           may_create_mission=may_create_mission(current_user, partnership),
                           raised=items_per_theme(partnership_id),
                           themes=themes_raised([partnership_id])[partnership_id], recent=RECENT_MISSIONS,
                           objectives=objectives, projects=[o for o in partnership.objectives if o.is_project],
                           last_review=last_review, today=today_utc(),
                           review_due=partnership.review_due(last_review, _review_months(), today_utc()),
                           involved=involved, gaps={o.id: input_gaps(involved[o.id]) for o in objectives},
                           party=lambda i: involved_party(i, current_user),
                           may_read=lambda i: may_read_what_was_said(i, current_user),
                           contacts=contacts_of(partnership_id), follow_ups=follow_ups_between_visits(partnership_id),
                           statuses=FollowUpStatus.choices(), table_form=ConfirmForm())


def _review_months() -> int:
    return current_app.config["PARTNERSHIP_REVIEW_MONTHS"]


def _filled(partnership: Partnership) -> PartnershipForm:
    """The partnership form filled from the record as it is now."""
    form = PartnershipForm(formdata=None, obj=partnership)
    form.version.data = partnership.version
    form.remember()
    return form


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@loads("partnership")
def edit(partnership: Partnership):
    """Change a partnership."""
    form = PartnershipForm(obj=partnership)
    if request.method == "GET":
        form = _filled(partnership)
    if form.validate_on_submit() and save_edit(
        form, lambda: update_partnership(current_user, partnership, expected_version=form.version_value(),
                                         **{k: form[k].data for k in FIELDS}),
        latest=lambda: _filled(partnership), noun=_("this partnership"),
    ):
        flash(_("Partnership saved."), "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership)


def _added(partnership: Partnership, form, template: str, operation, success: str):
    """Validate, run the operation that adds to the partnership and go back to it; or show the form again."""
    if form.validate_on_submit() and save_form(form, lambda: operation(partnership)):
        flash(success, "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template(template, form=form, partnership=partnership)


def _edited(partnership: Partnership, form, template: str, change, latest, success: str):
    """Validate and save an edit of the partnership, merged with what others saved meanwhile (``save_edit``), and go
    back to it; or show the form again, with the fields both changed side by side."""
    if form.validate_on_submit() and save_edit(form, change, latest=latest, noun=_("this partnership")):
        flash(success, "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template(template, form=form, partnership=partnership)


def _advice_filled(partnership: Partnership) -> AdviceForm:
    """The advice form filled from the partnership as it is now."""
    form = AdviceForm(formdata=None, obj=partnership)
    form.version.data = partnership.version
    form.remember()
    return form


@bp.route("/<int:partnership_id>/advice", methods=["GET", "POST"])
@loads("partnership")
def advice(partnership: Partnership):
    """Set the risk level and whether engagement is advised against."""
    form = _advice_filled(partnership) if request.method == "GET" else AdviceForm(obj=partnership)
    return _edited(partnership, form, "partnerships/advice_form.html",
                   lambda: set_advice(current_user, partnership, expected_version=form.version_value(),
                                      risk_level=form.risk_level.data, advised_against=form.advised_against.data,
                                      advised_against_reason=form.advised_against_reason.data or ""),
                   lambda: _advice_filled(partnership), _("Risk and advice saved."))


@bp.route("/<int:partnership_id>/dossier/new", methods=["GET", "POST"], endpoint="add_dossier_entry")
@loads("partnership")
def add_dossier_entry_view(partnership: Partnership):
    """Add an entry to the research dossier."""
    form = DossierEntryForm()
    return _added(partnership, form, "partnerships/dossier_form.html",
                  lambda p: add_dossier_entry(current_user, p, topic=form.topic.data, summary=form.summary.data,
                                              sources=form.sources.data or "", entry_date=form.entry_date.data),
                  _("Dossier entry added."))


@bp.route("/<int:partnership_id>/dossier/reviewed", methods=["POST"])
@loads("partnership")
def review_dossier(partnership: Partnership):
    """Record that the research dossier was reviewed as a whole today."""
    if ConfirmForm().validate_on_submit() and save_form(
            None, lambda: mark_dossier_reviewed(current_user, partnership, today_utc())):
        flash(_("The research dossier is marked as reviewed today."), "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id) + "#dossier")


def _themes_form(**kwargs) -> ThemesForm:
    """The focal-themes form with the whole catalogue to choose from."""
    form = ThemesForm(**kwargs)
    catalogue = db.session.scalars(select(FocalTheme).order_by(FocalTheme.line, FocalTheme.id))
    form.themes.choices = [(t.id, f"{t.label} ({t.line_label})") for t in catalogue]
    return form


def _themes_filled(partnership: Partnership) -> ThemesForm:
    """The focal-themes form filled from the partnership as it is now."""
    form = _themes_form(formdata=None)
    form.themes.data = [t.id for t in partnership.focal_themes]
    form.version.data = partnership.version
    form.remember()
    return form


@bp.route("/<int:partnership_id>/themes", methods=["GET", "POST"])
@loads("partnership")
def themes(partnership: Partnership):
    """Choose the partnership's focal themes; a choice based on an older page keeps what others added and removed
    meanwhile."""
    form = _themes_filled(partnership) if request.method == "GET" else _themes_form()
    return _edited(partnership, form, "partnerships/themes_form.html",
                   lambda: set_focal_themes(current_user, partnership, form.themes.data or [],
                                            form.custom_name.data or "", form.custom_line.data or "",
                                            expected_version=form.version_value()),
                   lambda: _themes_filled(partnership), _("Focal themes saved."))


@bp.route("/<int:partnership_id>/objectives/new", methods=["GET", "POST"], endpoint="add_objective")
@loads("partnership")
def add_objective_view(partnership: Partnership):
    """Add an objective to the action plan."""
    form = ObjectiveForm()
    form.focal_theme_id.choices = [(0, _("— no focal theme —"))] + [(t.id, t.label) for t in partnership.focal_themes]
    return _added(partnership, form, "partnerships/objective_form.html",
                  lambda p: add_objective(current_user, p, kind=form.kind.data,
                                          local_partner=form.local_partner.data or "",
                                          what=form.what.data, benchmark=form.benchmark.data or "",
                                          focal_theme_id=form.focal_theme_id.data, target_date=form.target_date.data,
                                          evaluation_due=form.evaluation_due.data),
                  _("Objective added."))


@bp.route("/<int:partnership_id>/review")
@loads("partnership")
def review(partnership: Partnership):
    """The partnership reviewed against its action plan: each objective and project with its benchmark, evaluations
    and follow-ups, the focal themes' record, the missions, and the reviews held (B.b "evalueer je actieplan
    regelmatig")."""
    sources = review_sources(partnership)
    return render_template("partnerships/review.html", audiences=list(ReportAudience),
                           report=_review_of(sources, ReportAudience.INTERNAL))


def _review_of(sources, audience: ReportAudience):
    """The review for ``audience``, with who each objective's input rests on and the contacts between visits."""
    return build_review(sources, audience, today_utc(), _review_months(), viewer=current_user,
                        involved=involvement_of([o.id for o in sources.partnership.objectives]),
                        contacts=contacts_of(sources.partnership.id))


@bp.route("/<int:partnership_id>/review/new", methods=["GET", "POST"], endpoint="record_review")
@loads("partnership")
def record_review_view(partnership: Partnership):
    """Record a periodic review of the whole partnership, with a note per objective."""
    form = review_form(partnership.objectives)
    if request.method == "GET":
        form.held_on.data = today_utc()
    if form.validate_on_submit() and save_form(form, lambda: record_review(
            current_user, partnership, held_on=form.held_on.data, conclusion=form.conclusion.data or "",
            next_steps=form.next_steps.data or "", internal_notes=form.internal_notes.data or "",
            notes=form.notes(), today=today_utc())):
        flash(_("Review recorded. The next one falls due in %(months)d months.", months=_review_months()), "success")
        return redirect(url_for("partnerships.review", partnership_id=partnership.id))
    return render_template("partnerships/review_form.html", form=form, partnership=partnership)


@bp.route("/<int:partnership_id>/review/report")
@loads("partnership")
def review_report(partnership: Partnership):
    """The review as a printable report, for the office or for the council; never for the partner."""
    audience = report_audience(request.args.get("audience"))
    if audience is None:
        return render_template("error.html", code=400, title=_("No such report"), message=_(
            "A partnership's review report is made for the office or for the council, never for the partner "
            "authorities or the public.")), 400
    sources = review_sources(partnership)
    return render_template("partnerships/review_report.html", printed_at=now_utc(),
                           report=_review_of(sources, audience))
