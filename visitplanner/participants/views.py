"""Civil-society participants: list, record, edit; consent and safety assessments."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import allows
from ..auth.models import Role
from ..disclosure import NAME_ROLES, may_see_real_names, participant_label
from ..extensions import db
from ..formatting import format_date, format_datetime
from ..forms import parse_id, save_edit, save_form
from ..itinerary.models import ProgrammeItem
from ..missions.models import Mission
from ..participants.models import Participant, Scope, consent_state, current_assessment
from ..readiness.checks import consent_ends_early, consulted, last_meeting_days, meeting_day, participant_links
from ..shell import among, at_once, load_mission, loads
from ..timeutil import today_utc
from .forms import (
    AssessmentForm,
    AttachForm,
    ConsentForm,
    ConsultationForm,
    DataRequestForm,
    EraseForm,
    ParticipantForm,
    ProposalForm,
    RenewForm,
    WithdrawForm,
)
from .operations import (
    ASSESSMENT_FIELDS,
    attach_participant,
    create_participant,
    missions_of,
    propose_participant,
    record_assessments,
    record_consent,
    record_consultation,
    update_participant,
    withdraw_consent,
)
from .queries import all_participants, items_to_attach, other_items_of, programme_of
from .retention import due_on, erase, export_stored, renew, retention_days

bp = Blueprint("participants", __name__, url_prefix="/participants")

FIELDS = ("real_name", "alias", "organisation", "kind", "residence", "contact", "at_risk", "in_partner_region",
          "another_person")


@bp.route("/")
def index():
    """All civil-society participants, by alias (real names for the roles that need them)."""
    return render_template("participants/index.html", participants=all_participants(),
                           label=lambda p: participant_label(p, current_user))


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Record a civil-society participant."""
    form = ParticipantForm()
    created = []
    if form.validate_on_submit() and save_form(
        form, lambda: created.append(create_participant(current_user, **{k: form[k].data for k in FIELDS}))
    ):
        [participant] = created
        flash(_("Participant recorded as %(alias)s.", alias=participant.alias), "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/form.html", form=form, participant=None)


@bp.route("/propose", methods=["GET", "POST"])
def propose():
    """A protocol officer proposes a participant by alias; the human-rights advisor completes the rest. Proposed
    from a mission (``?mission=``, and ``&item=`` for the item the link was beside), the person is linked to the
    item chosen."""
    mission_id = parse_id(request.args.get("mission"))
    mission = load_mission(mission_id) if mission_id is not None else None
    form = ProposalForm()
    items = {}
    if mission is None:
        del form.item
    else:
        items = {i.id: i for i in mission.items if i.removed_at is None}
        form.item.choices = [(i.id, f"{i.title} ({format_datetime(i.starts_at, i.timezone, 'short')})")
                             for i in items.values()]
        if request.method == "GET":
            form.item.data = parse_id(request.args.get("item"))
    created = []
    if form.validate_on_submit() and save_form(form, lambda: created.append(propose_participant(
        current_user, alias=form.alias.data or "", organisation=form.organisation.data or "", kind=form.kind.data,
        at_risk=form.at_risk.data, item=items.get(form.item.data) if mission is not None else None,
    ))):
        [participant] = created
        flash(_("Participant proposed as %(alias)s. The human-rights advisor completes the real name, consent and "
                "safety.", alias=participant.alias), "success")
        if mission is not None:
            return redirect(url_for("itinerary.programme", mission_id=mission.id, _anchor=f"item-{form.item.data}"))
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/propose.html", form=form, mission=mission)


@bp.route("/<int:participant_id>")
@loads("participant")
def show(participant: Participant):
    """A participant: details, consent per mission with its history, safety assessments per item."""
    today = today_utc()
    missions = []
    for mission, items in programme_of(participant):
        missions.append({
            "mission": mission,
            "consent": consent_state(participant.consents, mission.id, today),
            "last_meeting": max(meeting_day(i) for i in items),
            "history": [c for c in reversed(participant.consents) if c.mission_id == mission.id],
            "links": [(i, current_assessment(participant.assessments, i.id)) for i in items],
        })
    last_end = max((m["mission"].end_date for m in missions), default=None)
    return render_template(
        "participants/show.html", participant=participant, missions=missions, today=today,
        due=due_on(participant, last_end, retention_days()), renew_form=RenewForm(),
        name=participant_label(participant, current_user), show_real_name=may_see_real_names(current_user),
        scopes=list(Scope),
        attach_form=_attach_form(participant) if allows(current_user, "participants.attach") else None,
    )


def _attach_form(participant: Participant) -> AttachForm:
    """The items of the missions in preparation the person can be added to, grouped by mission."""
    form = AttachForm()
    groups: dict[str, list] = {}
    for item in items_to_attach(participant):
        groups.setdefault(item.mission.title, []).append(
            (item.id, f"{item.title} ({format_datetime(item.starts_at, item.timezone, 'short')})"))
    form.item.choices = groups
    return form


@bp.route("/<int:participant_id>/attach", methods=["POST"])
@loads("participant")
def attach(participant: Participant):
    """Add the participant to a programme item: chosen from the list on their page, one button."""
    form = _attach_form(participant)
    if form.validate_on_submit():
        item = db.session.get(ProgrammeItem, form.item.data)
        if save_form(None, lambda: attach_participant(current_user, participant, item)):
            flash(_("%(alias)s added to “%(title)s”. Consent for the mission and a safety assessment for the item "
                    "are needed before the mission is finalised.", alias=participant.alias, title=item.title),
                  "success")
            return redirect(url_for("participants.show", participant_id=participant.id,
                                    _anchor=f"mission-{item.mission_id}"))
    else:
        flash(_("Choose a programme item to add %(alias)s to.", alias=participant.alias), "error")
    return redirect(url_for("participants.show", participant_id=participant.id))


def _filled(participant: Participant) -> ParticipantForm:
    """The participant form filled from the record as it is now."""
    form = ParticipantForm(formdata=None, obj=participant)
    form.version.data = participant.version
    form.remember()
    return form


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@loads("participant")
def edit(participant: Participant):
    """Change a participant's details (real name only for the roles that may see it)."""
    form = ParticipantForm(obj=participant)
    if request.method == "GET":
        form = _filled(participant)
    if form.validate_on_submit() and save_edit(
        form, lambda: update_participant(current_user, participant, expected_version=form.version_value(),
                                         **{k: form[k].data for k in FIELDS}),
        latest=lambda: _filled(participant), noun=_("this participant"),
    ):
        flash(_("Participant saved."), "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/form.html", form=form, participant=participant)


@bp.route("/<int:participant_id>/missions/<int:mission_id>/consent", methods=["GET", "POST"])
@loads("participant")
@at_once
def consent(participant: Participant, mission_id: int):
    """Record consent for a mission; every scope starts unticked."""
    mission = among(missions_of(participant), mission_id)
    form = ConsentForm()
    today = today_utc()
    if form.validate_on_submit() and save_form(form, lambda: record_consent(
        current_user, participant, mission, scopes=[s.value for s in Scope if form[s.value].data],
        method=form.method.data, information_version=form.information_version.data,
        reconfirm_by=form.reconfirm_by.data, note=form.note.data or "", today=today,
    )):
        flash(_("Consent recorded."), "success")
        # Recorded as the person gave it; the advisor learns at once that it will not hold at the meeting. By alias:
        # a flashed message travels in the session cookie.
        early = consent_ends_early(mission, participant, today)
        if early:
            flash(_("The consent of %(alias)s ends on %(day)s, before the meeting on %(meeting)s: the consent check "
                    "fails until it is reconfirmed until that day.", alias=participant.alias,
                    day=format_date(early.ends_on), meeting=format_date(early.meeting_on)), "warning")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/consent_form.html", form=form, participant=participant, mission=mission,
                           name=participant_label(participant, current_user),
                           last_meeting=last_meeting_days(mission).get(participant.id))


@bp.route("/<int:participant_id>/missions/<int:mission_id>/withdraw", methods=["GET", "POST"])
@loads("participant")
@at_once
def withdraw(participant: Participant, mission_id: int):
    """Withdraw consent: one action, effective at once everywhere."""
    mission = among(missions_of(participant), mission_id)
    form = WithdrawForm()
    if form.validate_on_submit() and save_form(form, lambda: withdraw_consent(
        current_user, participant, mission, method=form.method.data, note=form.note.data or "",
    )):
        flash(_("Consent withdrawn. The name no longer appears anywhere it was shown by consent."), "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/withdraw_form.html", form=form, participant=participant, mission=mission,
                           name=participant_label(participant, current_user))


@bp.route("/<int:participant_id>/items/<int:item_id>/assess", methods=["GET", "POST"])
@loads("participant")
@at_once
def assess(participant: Participant, item_id: int):
    """Record a safety assessment of a participant's part in a programme item."""
    item = among((i for _mission, items in programme_of(participant) for i in items), item_id)
    previous = current_assessment(participant.assessments, item.id)
    form = AssessmentForm(obj=previous)
    others = {i.id: i for i in other_items_of(participant, item)}
    form.also_for.choices = [(i.id, f"“{i.title}”, {i.starts_local}") for i in others.values()]
    if request.method == "GET" and previous is None:
        form.assessed_on.data = today_utc()
    if form.validate_on_submit() and save_form(form, lambda: record_assessments(
        current_user, participant, [item, *(others[i] for i in form.also_for.data or [])],
        **{k: form[k].data for k in ASSESSMENT_FIELDS},
    )):
        count = 1 + len(form.also_for.data or [])
        flash(ngettext("Safety assessment recorded.", "Safety assessment recorded for %(num)d items.", count),
              "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    # Abroad, the safety check asks next for a consultation covering this person at this item: say so up front.
    consultation_needed = item.mission.is_outbound and not consulted(item.mission, participant.id, item, today_utc())
    return render_template("participants/assessment_form.html", form=form, participant=participant, item=item,
                           name=participant_label(participant, current_user), consultation_needed=consultation_needed)


def _pairs(mission: Mission) -> list[tuple[str, str]]:
    """Every participant at every live item, as checkbox choices "participant:item", by alias."""
    return [(f"{p.id}:{item.id}", f"{p.alias} — “{item.title}”") for item, p in participant_links(mission)]


@bp.route("/missions/<int:mission_id>/consultations")
@loads("mission")
def consultations(mission: Mission):
    """The mission's consultations of the embassy, consulates and other trusted channels, and who they cover."""
    labels = dict(_pairs(mission))
    # Who was consulted, the question and the answer can name people: for the roles that may see real names.
    return render_template("participants/consultations.html", mission=mission, labels=labels,
                           today=today_utc(), show_text=may_see_real_names(current_user),
                           name_roles=", ".join(role.label for role in Role if role in NAME_ROLES))


@bp.route("/missions/<int:mission_id>/consultations/new", methods=["GET", "POST"])
@loads("mission")
@at_once
def consult(mission: Mission):
    """Record a consultation (rule 5 reads these for outbound missions)."""
    form = ConsultationForm()
    form.covers.choices = _pairs(mission)
    if request.method == "GET":
        form.consulted_on.data = today_utc()
    if form.validate_on_submit() and save_form(form, lambda: record_consultation(
        current_user, mission, channel=form.channel.data, consulted=form.consulted.data,
        question=form.question.data, answer=form.answer.data, consulted_on=form.consulted_on.data,
        valid_until=form.valid_until.data,
        covers=[tuple(int(n) for n in value.split(":")) for value in form.covers.data],
    )):
        flash(_("Consultation recorded."), "success")
        return redirect(url_for("participants.consultations", mission_id=mission.id))
    return render_template("participants/consultation_form.html", form=form, mission=mission)


@bp.route("/<int:participant_id>/renew", methods=["POST"], endpoint="renew")
@loads("participant")
def renew_retention(participant: Participant):
    """Keep a participant's personal data for another retention period, with a reason (the advisor)."""
    form = RenewForm()
    kept = []
    if form.validate_on_submit() and save_form(
        form, lambda: kept.append(renew(current_user, participant, form.reason.data, today_utc()))
    ):
        flash(_("The personal data is kept until %(day)s.", day=format_date(kept[0])), "success")
    elif form.errors:
        flash(_("Give the reason for keeping the data longer."), "error")
    return redirect(url_for("participants.show", participant_id=participant.id))


@bp.route("/<int:participant_id>/data", methods=["GET", "POST"])
@loads("participant")
def data(participant: Participant):
    """Everything kept about the person (GDPR Art. 15), as a page to print or as JSON; each copy is logged."""
    form = DataRequestForm()
    if form.validate_on_submit():
        stored = export_stored(current_user, participant, form.format.data)
        if form.format.data == "json":
            # Werkzeug builds the header: an alias with quotes adds no parameter, one outside ASCII gets filename*.
            response = send_file(BytesIO(jsonify(stored).get_data()), mimetype="application/json", as_attachment=True,
                                 download_name=f"{participant.alias}-data.json", etag=False, conditional=False)
            response.headers["Cache-Control"] = "no-store"
            return response
        return render_template("participants/data.html", participant=participant, stored=stored)
    return render_template("participants/data_request.html", participant=participant, form=form)


@bp.route("/<int:participant_id>/erase", methods=["GET", "POST"], endpoint="erase")
@loads("participant")
@at_once
def erase_view(participant: Participant):
    """Erase everything about the person at their request (GDPR Art. 17), after typing the alias to confirm."""
    form = EraseForm()
    if form.validate_on_submit():
        if form.alias.data != participant.alias:
            form.alias.errors.append(_("Type the alias exactly as shown to confirm."))
        elif save_form(form, lambda: erase(current_user, participant)):
            flash(_("Everything about %(alias)s has been erased; only the alias is left.", alias=participant.alias),
                  "success")
            return redirect(url_for("participants.show", participant_id=participant.id))
    return render_template("participants/erase.html", participant=participant, form=form)
