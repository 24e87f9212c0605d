"""Missions: create, show, edit, history; the delegation and the companies taking part."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import allows, may
from ..audit.queries import mission_history
from ..auth.models import User
from ..extensions import db
from ..forms import ConfirmForm, save_edit, save_form
from ..partnerships.models import Partnership
from ..partnerships.queries import all_partnerships
from ..companies.queries import companies_to_pick
from ..disclosure import high_risk_reasons, protected_items
from ..readiness.forms import ReasonForm
from ..readiness.operations import moved_since_vouched
from ..shell import among, loads
from ..timeutil import today_utc
from .forms import CompanyForm, MemberForm, MissionForm, RoomRequestForm, SideForm
from .models import Company, Direction, Mission, RoomAnswer, Side
from .operations import (
    FIELDS,
    add_company,
    add_member,
    create_mission,
    end_high_risk,
    record_room_request,
    remove_company,
    remove_member,
    set_high_risk,
    set_member_side,
    update_mission,
)
from .queries import accounts_for_delegation

bp = Blueprint("missions", __name__)


def _partnership_choices(form: MissionForm) -> None:
    form.partnership_id.choices = [(p.id, p.label) for p in all_partnerships()]


@bp.route("/partnerships/<int:partnership_id>/missions/new", methods=["GET", "POST"])
@loads("partnership")
def create(partnership: Partnership):
    """Create a mission for a partnership."""
    form = MissionForm()
    _partnership_choices(form)
    if request.method == "GET":
        form.partnership_id.data = partnership.id
        form.direction.data = Direction.OUTBOUND.value
        form.timezone.data = ""  # follows the direction chosen
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(create_mission(
        current_user, override_reason=form.override_reason.data or "", **{k: form[k].data for k in FIELDS},
    ))):
        [mission] = created
        flash(_("Mission created. Now add the delegation and the programme."), "success")
        return redirect(url_for("missions.show", mission_id=mission.id))
    return render_template("missions/form.html", form=form, mission=None, partnership=partnership)


@bp.route("/missions/<int:mission_id>")
@loads("mission")
def show(mission: Mission):
    """A mission: its details, delegation and companies (each with where its briefing stands for this departure)."""
    today, months = today_utc(), current_app.config["COMPANY_BRIEFING_VALID_MONTHS"]
    briefing = {c.id: c.briefing_before(mission.start_date, today, months) for c in mission.companies}
    office = may(current_user, "see every mission")
    return render_template("missions/show.html", mission=mission, confirm=ConfirmForm(), briefing=briefing,
                           moved=(moved_since_vouched(mission, today_utc())
                                  if allows(current_user, "readiness.checklist") else None),
                           high_risk=high_risk_reasons(mission) if office else [],
                           protected=protected_items(mission) if office else [],
                           # The request to the partner for room to meet civil society: the office's, outbound only.
                           shows_room=office and mission.can_record_room_request())


@bp.route("/missions/<int:mission_id>/high-risk", methods=["GET", "POST"])
@loads("mission")
def high_risk(mission: Mission):
    """The advisor sets high-risk mode on a mission, or ends the mode they set, with a reason."""
    ending = mission.high_risk_reason is not None
    form = ReasonForm()
    if form.validate_on_submit() and save_form(form, lambda: (end_high_risk if ending else set_high_risk)(
            current_user, mission, form.reason.data)):
        flash(_("High-risk mode ended.") if ending else _("High-risk mode is on: no calendar feed carries items "
                                                          "with civil-society participants of this mission."),
              "success")
        return redirect(url_for("missions.show", mission_id=mission.id))
    return render_template("missions/high_risk.html", mission=mission, form=form, ending=ending,
                           reasons=high_risk_reasons(mission))


def _filled_mission(mission: Mission) -> MissionForm:
    """The mission form filled from the mission as it is now."""
    form = MissionForm(formdata=None, obj=mission)
    _partnership_choices(form)
    form.version.data = mission.version
    form.remember()
    return form


@bp.route("/missions/<int:mission_id>/edit", methods=["GET", "POST"])
@loads("mission")
def edit(mission: Mission):
    """Change a mission's details."""
    form = MissionForm(obj=mission)
    _partnership_choices(form)
    if request.method == "GET":
        form = _filled_mission(mission)
    if form.validate_on_submit() and save_edit(
        form, lambda: update_mission(current_user, mission, expected_version=form.version_value(),
                                     **{k: form[k].data for k in FIELDS}),
        latest=lambda: _filled_mission(mission), noun=_("this mission"),
    ):
        flash(_("Mission saved."), "success")
        return redirect(url_for("missions.show", mission_id=mission.id))
    return render_template("missions/form.html", form=form, mission=mission, partnership=mission.partnership)


@bp.route("/missions/<int:mission_id>/history")
@loads("mission")
def history(mission: Mission):
    """Who changed what in this mission, newest first."""
    return render_template("missions/history.html", mission=mission, entries=mission_history(mission.id))


@bp.route("/missions/<int:mission_id>/members/new", methods=["GET", "POST"], endpoint="add_member")
@loads("mission")
def add_member_view(mission: Mission):
    """Add a person to the delegation."""
    form = MemberForm()
    form.user_id.choices = [(0, _("— external person (enter the name below) —"))] + [
        (u.id, f"{u.name} ({u.email})") for u in accounts_for_delegation()
    ]
    if mission.is_outbound:
        del form.side  # an outbound delegation is our own people
    added = []
    if form.validate_on_submit() and save_form(form, lambda: added.append(add_member(
        current_user, mission, user=db.session.get(User, form.user_id.data) if form.user_id.data else None,
        name=form.name.data or "", function=form.function.data or "", organisation=form.organisation.data or "",
        side=form.side.data if "side" in form else Side.OURS.value,
    ))):
        [member] = added
        flash(_("%(name)s added to the delegation.", name=member.display_name), "success")
        return redirect(url_for("missions.show", mission_id=mission.id) + "#delegation")
    return render_template("missions/member_form.html", form=form, mission=mission)


@bp.route("/missions/<int:mission_id>/members/<int:member_id>/side", methods=["POST"], endpoint="member_side")
@loads("mission")
def member_side_view(mission: Mission, member_id: int):
    """Move a member of an inbound delegation to our side or the visitors' (one button on the mission's page)."""
    member = among(mission.members, member_id)
    form = SideForm()
    if form.validate_on_submit() and save_form(None, lambda: set_member_side(current_user, mission, member,
                                                                             form.side.data)):
        flash(_("%(name)s: %(side)s.", name=member.display_name, side=member.side_label), "success")
    return redirect(url_for("missions.show", mission_id=mission.id) + "#delegation")


@bp.route("/missions/<int:mission_id>/members/<int:member_id>/remove", methods=["GET", "POST"],
          endpoint="remove_member")
@loads("mission")
def remove_member_view(mission: Mission, member_id: int):
    """Take a person out of the delegation, after confirmation."""
    member = among(mission.members, member_id)
    form = ConfirmForm()
    name = member.display_name
    if form.validate_on_submit() and save_form(None, lambda: remove_member(current_user, mission, member)):
        flash(_("%(name)s removed from the delegation.", name=name), "success")
        return redirect(url_for("missions.show", mission_id=mission.id) + "#delegation")
    return render_template(
        "confirm.html", form=form,
        title=_("Remove %(name)s from the delegation?", name=member.display_name),
        message=_("They will also be taken off every programme item they attend."),
        confirm_label=_("Remove from delegation"),
        cancel_url=url_for("missions.show", mission_id=mission.id),
    )


def _picked(company_id: int | None) -> Company | None:
    """The register's company chosen in the form; 0 or none: a new one by name."""
    return db.session.get(Company, company_id) if company_id else None


@bp.route("/missions/<int:mission_id>/companies/new", methods=["GET", "POST"], endpoint="add_company")
@loads("mission")
def add_company_view(mission: Mission):
    """Add a company taking part in the mission."""
    form = CompanyForm()
    form.company_id.choices = [(0, _("— a new company (enter its name below) —"))] + [
        (c.id, c.name) for c in companies_to_pick(mission)]
    added = []
    if form.validate_on_submit() and save_form(form, lambda: added.append(add_company(
        current_user, mission, company=_picked(form.company_id.data), name=form.name.data or "",
        sector=form.sector.data or "", contact=form.contact.data or "",
    ))):
        [company] = added
        flash(_("%(name)s added to the mission.", name=company.name), "success")
        return redirect(url_for("missions.show", mission_id=mission.id) + "#companies")
    return render_template("missions/company_form.html", form=form, mission=mission)


@bp.route("/missions/<int:mission_id>/companies/<int:company_id>/remove", methods=["GET", "POST"],
          endpoint="remove_company")
@loads("mission")
def remove_company_view(mission: Mission, company_id: int):
    """Unlink a company from the mission, after confirmation."""
    company = among(mission.companies, company_id)
    form = ConfirmForm()
    if form.validate_on_submit() and save_form(None, lambda: remove_company(current_user, mission, company)):
        flash(_("%(name)s no longer takes part in this mission.", name=company.name), "success")
        return redirect(url_for("missions.show", mission_id=mission.id) + "#companies")
    return render_template(
        "confirm.html", form=form,
        title=_("Remove %(name)s from this mission?", name=company.name),
        message=_("The company's record is kept; only its part in this mission ends."),
        confirm_label=_("Remove company"),
        cancel_url=url_for("missions.show", mission_id=mission.id),
    )


def _filled_room(mission: Mission) -> RoomRequestForm:
    """The room-request form filled from the mission as it is now."""
    form = RoomRequestForm(formdata=None, obj=mission)
    if not mission.room_answer:
        form.room_answer.data = RoomAnswer.PENDING.value
    form.version.data = mission.version
    form.remember()
    return form


@bp.route("/missions/<int:mission_id>/room-for-civil-society", methods=["GET", "POST"])
@loads("mission")
def room_request(mission: Mission):
    """An outbound mission's request to the partner for room to meet civil society, and the partner's answer."""
    if not mission.can_record_room_request():
        flash(_("Room to meet civil society is asked of the partner for a visit to the partner region: this mission "
                "is inbound, so there is no request to record."), "error")
        return redirect(url_for("missions.show", mission_id=mission.id))
    form = RoomRequestForm(obj=mission)
    if request.method == "GET":
        form = _filled_room(mission)
    if form.validate_on_submit() and save_edit(
        form, lambda: record_room_request(
            current_user, mission, expected_version=form.version_value(), requested_on=form.room_requested_on.data,
            request=form.room_request.data or "", answer=form.room_answer.data or "",
            answered_on=form.room_answered_on.data, notes=form.room_answer_notes.data or "", today=today_utc()),
        latest=lambda: _filled_room(mission), noun=_("this mission"),
    ):
        flash(_("The request for room to meet civil society is saved."), "success")
        return redirect(url_for("missions.show", mission_id=mission.id) + "#room")
    return render_template("missions/room_request.html", form=form, mission=mission)
