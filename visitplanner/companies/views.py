"""The company register: every company of the region with ties to China, with or without a mission (B.c), its
briefings, due diligence, meetings with local defenders, contacts with foreign civil society and objectives."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..extensions import db
from ..forms import save_edit, save_form
from ..missions.models import Company
from ..shell import among, loads
from ..timeutil import today_utc
from .forms import BriefingForm, CompanyForm, ConnectionForm, DueDiligenceForm, MeetingForm, ObjectivesForm
from .models import CompanyBriefing
from .operations import (
    FIELDS,
    create_company,
    record_briefing,
    record_connection,
    record_defender_meeting,
    set_due_diligence,
    set_objectives,
    update_briefing,
    update_company,
)
from .queries import briefers, objective_choices, register

bp = Blueprint("companies", __name__, url_prefix="/companies")


def _page(company: Company, anchor: str = ""):
    return redirect(url_for("companies.show", company_id=company.id, _anchor=anchor or None))


def _objective_choices() -> list[tuple[int, str]]:
    return [(o.id, f"{o.partnership.partner_region}: {o.what}") for o in objective_choices()]


@bp.route("/")
def index():
    """Every company in the register, with where its briefing and due diligence stand."""
    return render_template("companies/index.html", companies=register(),
                           months=current_app.config["COMPANY_BRIEFING_VALID_MONTHS"])


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Add a company to the register."""
    form = CompanyForm()
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(
            create_company(current_user, **{k: form[k].data or "" for k in FIELDS}))):
        [company] = created
        flash(_("%(name)s is in the company register. Record its briefings and due diligence here.",
                name=company.name), "success")
        return _page(company)
    return render_template("companies/form.html", form=form, company=None)


@bp.route("/<int:company_id>")
@loads("company")
def show(company: Company):
    """A company's page: its briefings, due diligence, meetings with defenders, contacts, objectives, missions."""
    return render_template("companies/show.html", company=company,
                           months=current_app.config["COMPANY_BRIEFING_VALID_MONTHS"])


def _filled(company: Company) -> CompanyForm:
    form = CompanyForm(formdata=None, obj=company)
    form.version.data = company.version
    form.remember()
    return form


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@loads("company")
def edit(company: Company):
    """Change a company's name, sector, contact or ties."""
    form = CompanyForm(obj=company)
    if request.method == "GET":
        form = _filled(company)
    if form.validate_on_submit() and save_edit(
        form, lambda: update_company(current_user, company, expected_version=form.version_value(),
                                     **{k: form[k].data or "" for k in FIELDS}),
        latest=lambda: _filled(company), noun=_("this company"),
    ):
        flash(_("%(name)s saved.", name=company.name), "success")
        return _page(company)
    return render_template("companies/form.html", form=form, company=company)


def _briefing_form(**kwargs) -> BriefingForm:
    """The briefing form with who may give it and the objectives it may cover to choose from."""
    form = BriefingForm(**kwargs)
    form.briefed_by.choices = [(0, _("— someone without an account —"))] + [
        (u.id, u.name) for u in briefers()]
    form.objectives.choices = _objective_choices()
    return form


def _briefing_filled(briefing: CompanyBriefing) -> BriefingForm:
    """The briefing form filled from the briefing as it is now."""
    form = _briefing_form(formdata=None)
    form.briefed_on.data, form.held.data = briefing.briefed_on, briefing.held
    form.briefed_by.data = briefing.briefed_by_id or 0
    form.topics.data = briefing.topic_values
    form.objectives.data = [o.id for o in briefing.objectives]
    form.note.data = briefing.briefing_note
    form.version.data = briefing.version
    form.remember()
    return form


def _briefing_values(form: BriefingForm) -> dict:
    return {"briefed_on": form.briefed_on.data, "held": form.held.data,
            "briefed_by": db.session.get(User, form.briefed_by.data) if form.briefed_by.data else None,
            "note": form.note.data or "", "topics": form.topics.data or [],
            "objective_ids": form.objectives.data or [], "today": today_utc()}


@bp.route("/<int:company_id>/briefings/new", methods=["GET", "POST"])
@loads("company")
def add_briefing(company: Company):
    """Record a human-rights briefing of the company, held or planned."""
    form = _briefing_form()
    if request.method == "GET":
        form.briefed_on.data = today_utc()
        form.briefed_by.data = current_user.id
    if form.validate_on_submit() and save_form(form, lambda: record_briefing(current_user, company,
                                                                             **_briefing_values(form))):
        flash(_("Briefing of %(name)s recorded.", name=company.name), "success")
        return _page(company, "briefings")
    return render_template("companies/briefing_form.html", form=form, company=company, briefing=None)


@bp.route("/<int:company_id>/briefings/<int:briefing_id>/edit", methods=["GET", "POST"])
@loads("company")
def edit_briefing(company: Company, briefing_id: int):
    """Change a briefing: record a planned one as held, or correct it; a save based on an older page keeps what
    others saved meanwhile."""
    briefing = among(company.briefings, briefing_id)
    form = _briefing_filled(briefing) if request.method == "GET" else _briefing_form()
    if form.validate_on_submit() and save_edit(
        form, lambda: update_briefing(current_user, briefing, expected_version=form.version_value(),
                                      **_briefing_values(form)),
        latest=lambda: _briefing_filled(briefing), noun=_("this briefing"),
    ):
        flash(_("Briefing of %(name)s saved.", name=company.name), "success")
        return _page(company, "briefings")
    return render_template("companies/briefing_form.html", form=form, company=company, briefing=briefing)


@bp.route("/<int:company_id>/due-diligence", methods=["GET", "POST"])
@loads("company")
def due_diligence(company: Company):
    """Record the company's due-diligence status, kept in its history."""
    form = DueDiligenceForm()
    if request.method == "GET":
        form.status.data = company.due_diligence
    if form.validate_on_submit() and save_form(form, lambda: set_due_diligence(
            current_user, company, status=form.status.data, note=form.note.data or "")):
        flash(_("Due diligence of %(name)s recorded.", name=company.name), "success")
        return _page(company, "due-diligence")
    return render_template("companies/step_form.html", form=form, company=company,
                           title=_("Due diligence of %(name)s", name=company.name),
                           submit=_("Record due diligence"))


@bp.route("/<int:company_id>/meetings/new", methods=["GET", "POST"])
@loads("company")
def add_meeting(company: Company):
    """Record a meeting of the company with local human-rights defenders (no names)."""
    form = MeetingForm()
    if form.validate_on_submit() and save_form(form, lambda: record_defender_meeting(
            current_user, company, met_on=form.met_on.data, note=form.note.data or "", today=today_utc())):
        flash(_("Meeting of %(name)s with local defenders recorded.", name=company.name), "success")
        return _page(company, "defenders")
    return render_template("companies/step_form.html", form=form, company=company,
                           title=_("A meeting of %(name)s with local human-rights defenders", name=company.name),
                           submit=_("Record meeting"))


@bp.route("/<int:company_id>/connections/new", methods=["GET", "POST"])
@loads("company")
def add_connection(company: Company):
    """Record that the company was put in touch with foreign civil society."""
    form = ConnectionForm()
    if request.method == "GET":
        form.connected_on.data = today_utc()
    if form.validate_on_submit() and save_form(form, lambda: record_connection(
            current_user, company, connected_with=form.connected_with.data, connected_on=form.connected_on.data,
            note=form.note.data or "", today=today_utc())):
        flash(_("Contact of %(name)s with %(organisation)s recorded.", name=company.name,
                organisation=form.connected_with.data), "success")
        return _page(company, "connections")
    return render_template("companies/step_form.html", form=form, company=company,
                           title=_("%(name)s in touch with foreign civil society", name=company.name),
                           submit=_("Record contact"))


def _objectives_form(**kwargs) -> ObjectivesForm:
    form = ObjectivesForm(**kwargs)
    form.objectives.choices = _objective_choices()
    return form


def _objectives_filled(company: Company) -> ObjectivesForm:
    """The objectives form filled from the company as it is now."""
    form = _objectives_form(formdata=None)
    form.objectives.data = [o.id for o in company.objectives]
    form.version.data = company.version
    form.remember()
    return form


@bp.route("/<int:company_id>/objectives", methods=["GET", "POST"])
@loads("company")
def objectives(company: Company):
    """Say which objectives of the action plan the company is involved in; a choice based on an older page keeps what
    others added and removed meanwhile."""
    form = _objectives_filled(company) if request.method == "GET" else _objectives_form()
    if form.validate_on_submit() and save_edit(
        form, lambda: set_objectives(current_user, company, form.objectives.data or [],
                                     expected_version=form.version_value()),
        latest=lambda: _objectives_filled(company), noun=_("this company"),
    ):
        flash(_("Objectives of %(name)s saved.", name=company.name), "success")
        return _page(company, "objectives")
    return render_template("companies/step_form.html", form=form, company=company,
                           title=_("Objectives %(name)s is involved in", name=company.name),
                           submit=_("Save objectives"))
