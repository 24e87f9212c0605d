"""The programme of a mission: day by day, printable; adding, editing and removing items."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import allows, may
from ..auth import reconfirm
from ..disclosure import (
    DEFAULT_AUDIENCE,
    Audience,
    audience_choices,
    confidential,
    feed_audiences_for,
    gets_talking_points,
    kept_out_of_feeds,
    may_see_real_names,
    page_audience,
    participant_label,
    present_item,
    present_programme,
    programme_title,
    protection_reason,
    shows_high_risk,
)
from ..downloads import attachment, download_name, export_audience
from ..errors import RuleViolation, attach
from ..forms import MAX_ID, ConfirmForm, save_edit, save_form
from ..participants.queries import (
    find_participants,
    participants_by_id,
    participants_in_no_programme,
    participants_of_mission,
)
from ..library.queries import composed_for
from ..missions.models import Mission
from ..readiness.forms import ReasonForm
from ..shell import keep_on_get, loads
from ..timeutil import local_fold, local_naive, now_utc, today_utc
from .briefing import briefing_book
from .forms import (
    DELEGATION_MEANS,
    ImportConfirmForm,
    ImportForm,
    ItemForm,
    kind_choices,
    read_signed_import,
    signed_import,
)
from .importing import MAX_BYTES, ImportRefused, Parsed, ParsedEvent, read_calendar, zone_note
from .models import ProgrammeItem
from .operations import (
    IMPORTED_FIELDS as IMPORTED_LABELS,
    ImportAction,
    create_item,
    import_programme,
    item_problems,
    plan_import,
    plan_key,
    record_briefing_book,
    release_item,
    remove_item,
    unseen_by_attendees,
    update_item,
)
from .programme import by_day
from .rules import double_bookings
from .week import weeks

bp = Blueprint("itinerary", __name__)


def _programme_context(mission, *, office_page: bool = False):
    """What the programme's pages show; ``office_page``: the programme page itself, where the office also sees the
    items still to be classified (no print, week or file does)."""
    audience = page_audience(current_user, request.args.get("audience"))
    views = present_programme(mission.items, audience, current_user, office_page=office_page)
    return {
        "mission": mission,
        "audience": audience,
        "audiences": audience_choices(current_user),
        "feed_audiences": feed_audiences_for(current_user),
        "title": programme_title(mission, audience),
        "days": by_day(mission, views),
        "confidential": confidential(views),
        "printed_at": now_utc(),
        "home_timezone": current_app.config["HOME_TIMEZONE"],
        # Double bookings are the planners' to fix, whichever audience's view they look at (never printed).
        "conflicts": double_bookings(mission.items) if allows(current_user, "itinerary.edit") else {},
        # The office is told when the delegation's view leaves the talking points out (visitors are on its list).
        "talking_points_held_back": may(current_user, "see every mission") and audience == Audience.DELEGATION
        and not gets_talking_points(mission, audience, current_user)
        and any(i.talking_points for i in mission.items if i.removed_at is None),
        # What this audience does not see at all, for the office (which can show its own view instead).
        "hidden": sum(1 for i in mission.items if i.removed_at is None) - len(views) if may(current_user, "see every mission") else 0,
    }


@bp.route("/missions/<int:mission_id>/programme")
@loads("mission")
def programme(mission: Mission):
    """The programme day by day, for an audience the viewer may use."""
    return render_template("itinerary/programme.html", **_programme_context(mission, office_page=True),
                           import_form=ImportForm() if allows(current_user, "itinerary.import_preview") else None)


@bp.route("/missions/<int:mission_id>/programme/print", methods=["GET", "POST"])
@loads("mission")
def printable(mission: Mission):
    """A clean A4 programme to print. One that shows an item in high-risk mode is made only after the user proved
    again who they are (a POST), and is audited."""
    context = _programme_context(mission)
    asked = _recheck(mission, context["audience"], "print", _("Confirm and print"))
    if asked is not None:
        return asked
    return render_template("itinerary/printable.html", **context)


def _recheck(mission: Mission, audience: Audience, export: str, action: str):
    """None when the output may be made in this request; else the page that asks the user to prove again who they
    are (high-risk mode: an output that would show an item kept out of feeds), to return as the answer."""
    if shows_high_risk(mission.items, audience):
        return reconfirm.gate(current_user, mission, f"{export}:{audience.value}", action)
    return None


@bp.route("/missions/<int:mission_id>/programme/book.pdf", methods=["GET", "POST"])
@loads("mission")
def book(mission: Mission):
    """The briefing book (PDF) for an audience the user may use (default: delegation; 404 for another), with what
    the printed programme shows and the re-check of high-risk mode as print has it. Every download is audited."""
    audience = export_audience(current_user, request.args.get("audience"))  # 404 for one the user may not have
    context = _programme_context(mission)  # the same audience, and the days as the print lays them out
    asked = _recheck(mission, audience, "book", _("Confirm and download"))
    if asked is not None:
        return asked
    body = briefing_book(mission, audience, context["days"], printed_at=context["printed_at"],
                         home_timezone=context["home_timezone"], today=today_utc())
    record_briefing_book(current_user, mission, audience)
    keep_on_get()  # the download is recorded in the audit log: committed with the answer
    return attachment(body, "application/pdf", download_name(mission, audience, "pdf", what="briefing"))


@bp.route("/missions/<int:mission_id>/programme/week")
@loads("mission")
def week(mission: Mission):
    """The programme at a glance: a grid per week, the days as columns and the hours as rows; on a phone, the same
    days as a list. A screen page like the programme's own (printable as any page is, not an export)."""
    context = _programme_context(mission)
    views = [view for day in context["days"] for view in day.items]
    days = context["days"]  # the mission's, and the day before or after when transport starts then
    context["weeks"] = weeks(days[0].day, days[-1].day, views, mission.timezone, context["home_timezone"])
    return render_template("itinerary/week.html", **context)


#: The button of the item form that looks for other participants: it shows the form again, saving nothing.
FIND = "find_participants"
#: The item form's search field for participants outside the mission.
SEARCH = "participant_search"


def _searching() -> bool:
    """Whether the item form was sent by its participant search button, not by Save."""
    return request.method == "POST" and FIND in request.form


def _attendee_choices(form: ItemForm, mission) -> None:
    """The choices of the item form. Participants: the mission's own first (linked to one of its items, or holding a
    consent record for it), then those already ticked from elsewhere, those in no programme yet (just proposed) and
    those the search found."""
    form.attendees.choices = [(m.id, m.display_name) for m in mission.members]
    ours = participants_of_mission(mission.id)
    known = {p.id for p in ours}
    # A search is text to look for: control characters (a NUL, which PostgreSQL refuses in a query) are dropped.
    search = "".join(c for c in request.form.get(SEARCH, "") if c.isprintable()) if request.method == "POST" else ""
    found = find_participants(search, by_real_name=may_see_real_names(current_user)) if search else []
    # Only ids the database can hold: a larger one (typed into the request) is the form's to refuse, not PostgreSQL's.
    ticked = {i for i in form.participants.data or [] if isinstance(i, int) and 0 < i <= MAX_ID} - known - {
        p.id for p in found}
    others = list({p.id: p for p in [*participants_by_id(ticked), *participants_in_no_programme(), *found]
                   if p.id not in known}.values())
    form.participants.choices = [(p.id, participant_label(p, current_user)) for p in [*ours, *others]]
    form.participants.ours = known
    form.participants.search = search
    form.participants.found = [p.id for p in found]
    form.focal_themes.choices = [(t.id, t.label) for t in mission.partnership.focal_themes]
    form.visibility.description = DELEGATION_MEANS[mission.direction]


def _form_data(form: ItemForm) -> dict:
    return {name: form[name].data for name in (
        "kind", "title", "starts_at", "ends_at", "timezone", "location", "description", "talking_points",
        "no_talking_points_reason", "attendees", "participants", "focal_themes", "visibility", "parallel",
        "headcount", "headcount_reason", "end_timezone", "starts_fold", "ends_fold",
    )}


def _checked(form: ItemForm, mission: Mission) -> bool:
    """Whether a submitted item form passes its own checks. When it does not, the item's rules are run on what it
    could read, so that every error shows in one round (a rule's message only where the form has none)."""
    if not form.is_submitted():
        return False
    if form.validate():
        return True
    problems = [p for p in item_problems(mission, _form_data(form))
                if not (p.field and getattr(form, p.field, None) is not None and form[p.field].errors)]
    if problems:
        attach(form, RuleViolation.of(problems))
    return False


def _warn_double_bookings(mission, item) -> None:
    if kept_out_of_feeds(item):
        flash(_("“%(title)s” stays out of every calendar feed: %(why)s", title=item.title,
                why=protection_reason(item)), "warning")
    for booking in double_bookings(mission.items).get(item.id, []):
        flash(_("Double booking: %(name)s is also at “%(other)s” at that time.",
                name=booking.member.display_name, other=booking.other.title), "warning")
    unseen = unseen_by_attendees(item)
    if unseen:
        flash(ngettext("%(names)s attends “%(title)s” but sees only a private appointment without its place: it is "
                       "for the office only. Choose “Delegation” if they should see it.",
                       "%(names)s attend “%(title)s” but see only a private appointment without its place: it is "
                       "for the office only. Choose “Delegation” if they should see it.",
                       len(unseen), names=", ".join(unseen), title=item.title), "warning")


def _where_saved(mission: Mission, item: ProgrammeItem, saved: str) -> str:
    """Say ``saved``, and where the item just saved is: the programme at it, as the one who saved it needs to see it.
    That is the page's default view (the delegation's) when it shows the item whole, else the office's own, and the
    message says so (an internal item would show as a private appointment right under "… added")."""
    shown = present_item(item, DEFAULT_AUDIENCE, current_user)
    if shown is not None and not shown.private:
        flash(saved, "success")
        return url_for("itinerary.programme", mission_id=mission.id, _anchor=f"item-{item.id}")
    if shown is None:
        where = _("Shown as the office sees it: “%(title)s” is not in the delegation's programme.", title=item.title)
    else:
        where = _("Shown as the office sees it: the delegation sees “%(title)s” as a private appointment, without "
                  "its details.", title=item.title)
    flash(f"{saved} {where}", "success")
    return url_for("itinerary.programme", mission_id=mission.id, audience=Audience.INTERNAL.value,
                   _anchor=f"item-{item.id}")


def _day_asked(mission: Mission) -> date | None:
    """The day ``?day=YYYY-MM-DD`` names, when it is one of the mission's; None otherwise."""
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if mission.start_date <= day <= mission.end_date else None


@bp.route("/missions/<int:mission_id>/items/new", methods=["GET", "POST"])
@loads("mission")
def create(mission: Mission):
    """Add a programme item."""
    form = ItemForm()
    _attendee_choices(form, mission)
    if request.method == "GET":
        form.timezone.data = mission.timezone
        day = _day_asked(mission)
        if day is not None:  # from the week at a glance: the day whose "add" was followed, at nine
            form.starts_at.data = datetime.combine(day, time(9))
    created = []
    if not _searching() and _checked(form, mission) and save_form(
        form, lambda: created.append(create_item(current_user, mission, **_form_data(form)))
    ):
        [item] = created
        target = _where_saved(mission, item, _("“%(title)s” added to the programme.", title=item.title))
        _warn_double_bookings(mission, item)
        return redirect(target)
    return render_template("itinerary/form.html", form=form, mission=mission, item=None)


def _filled(item: ProgrammeItem) -> ItemForm:
    """The item form filled from the item as it is now (what it shows and what it is based on)."""
    form = ItemForm(formdata=None, obj=item)
    form.participants.data = [p.id for p in item.participants]
    _attendee_choices(form, item.mission)
    form.starts_at.data = local_naive(item.starts_at, item.timezone)
    form.ends_at.data = local_naive(item.ends_at, item.end_zone)
    form.end_timezone.data = item.end_timezone or ""
    form.starts_fold.data = local_fold(item.starts_at, item.timezone)
    form.ends_fold.data = local_fold(item.ends_at, item.end_zone)
    form.attendees.data = item.attendee_ids
    form.participants.data = [p.id for p in item.participants]
    form.focal_themes.data = [t.id for t in item.focal_themes]
    form.version.data = item.version
    form.remember()
    return form


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@loads("item")
def edit(item: ProgrammeItem):
    """Change a programme item."""
    mission = item.mission
    form = ItemForm(obj=item)
    _attendee_choices(form, mission)
    if request.method == "GET":
        form = _filled(item)
    if item.to_be_classified:  # imported: the office chooses its kind (and who may see it) before anything else
        form.kind.choices = kind_choices(to_classify=True)
        if request.method == "GET":
            form.kind.data = ""
    if not _searching() and _checked(form, mission) and save_edit(
        form, lambda: update_item(current_user, item, expected_version=form.version_value(), **_form_data(form)),
        latest=lambda: _filled(item), noun=_("this item"),
    ):
        target = _where_saved(mission, item, _("“%(title)s” saved.", title=item.title))
        _warn_double_bookings(mission, item)
        return redirect(target)
    return render_template("itinerary/form.html", form=form, mission=mission, item=item,
                           protected=protection_reason(item) if kept_out_of_feeds(item) else None,
                           composed=composed_for([item.id]).get(item.id, []))


@bp.route("/items/<int:item_id>/release", methods=["GET", "POST"])
@loads("item")
def release(item: ProgrammeItem):
    """The advisor releases an item kept out of calendars (high-risk mode for the item), with a reason."""
    mission = item.mission
    if not item.is_protected:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit() and save_form(form, lambda: release_item(current_user, item, form.reason.data)):
        flash(_("“%(title)s” is released: calendar feeds carry it again, as far as each audience may see it.",
                title=item.title), "success")
        return redirect(url_for("missions.show", mission_id=mission.id))
    return render_template("itinerary/release.html", form=form, mission=mission, item=item)


@bp.route("/items/<int:item_id>/remove", methods=["GET", "POST"])
@loads("item")
def remove(item: ProgrammeItem):
    """Remove a programme item, after confirmation."""
    mission = item.mission
    form = ConfirmForm()
    if form.validate_on_submit() and save_form(None, lambda: remove_item(current_user, item)):
        flash(_("“%(title)s” removed from the programme.", title=item.title), "success")
        return redirect(url_for("itinerary.programme", mission_id=mission.id))
    return render_template(
        "confirm.html", form=form,
        title=_("Remove “%(title)s” from the programme?", title=item.title),
        message=_("Subscribers to the programme will see it as cancelled."),
        confirm_label=_("Remove item"),
        cancel_url=url_for("itinerary.programme", mission_id=mission.id),
    )


# ---- a partner's draft programme, imported from a calendar file ------------------------------------------------


def _preview(mission: Mission, parsed: Parsed, planned, *, form: ImportForm | None = None):
    """The preview of an import: every event of the file and what importing it would do, with the confirmation
    form carrying the events to write, signed (nothing of the upload is kept on the server)."""
    writing = [p for p in planned if p.writes]
    confirm = None
    if writing:
        confirm = ImportConfirmForm(formdata=None)
        confirm.plan.data = signed_import({
            "mission": mission.id, "user": current_user.id, "plan": plan_key(planned),
            "events": [p.event.to_plain() for p in writing]})
    rows = [_preview_row(mission, p) for p in planned]
    counts = {action: sum(1 for p in planned if p.action == action) for action in ImportAction}
    counts[ImportAction.IGNORE] += len(parsed.skipped)
    return render_template("itinerary/import.html", mission=mission, form=form or ImportForm(formdata=None),
                           parsed=parsed, rows=rows, counts=counts, confirm=confirm, previewed=True,
                           most_bytes=MAX_BYTES)


def _preview_row(mission: Mission, planned) -> dict:
    """One event of the preview as the page lists it: its times where they happen, and how the file gave them."""
    event: ParsedEvent = planned.event
    try:
        start, end = event.start.instant(), event.end.instant()
    except ValueError:  # a time the clocks skip: the reason says so; shown as the file has it
        start = end = None
    notes = list(dict.fromkeys(n for n in (zone_note(event.start, mission.timezone),
                                           zone_note(event.end, mission.timezone)) if n))
    if event.cut:
        notes.append(_("Shortened to what an item holds: %(fields)s.", fields=", ".join(
            str(IMPORTED_LABELS[name]) for name in event.cut)))
    return {"action": planned.action, "title": event.title, "start": start, "end": end, "event": event,
            "notes": notes, "reasons": planned.reasons,
            "changes": [str(IMPORTED_LABELS[name]) for name in planned.changes]}


@bp.route("/missions/<int:mission_id>/programme/import", methods=["GET", "POST"])
@loads("mission")
def import_preview(mission: Mission):
    """Read a partner's draft programme from a calendar file and show what importing it would do: nothing is written
    until the preview is confirmed (:func:`import_confirm`)."""
    form = ImportForm()
    if form.validate_on_submit():
        try:
            parsed = read_calendar(form.file.data.read(MAX_BYTES + 1), mission.timezone)
        except ImportRefused as refused:
            form.file.errors.append(refused.message)
        else:
            return _preview(mission, parsed, plan_import(current_user, mission, parsed.events, today_utc()),
                            form=form)
    return render_template("itinerary/import.html", mission=mission, form=form, previewed=False,
                           most_bytes=MAX_BYTES)


@bp.route("/missions/<int:mission_id>/programme/import/confirm", methods=["POST"])
@loads("mission")
def import_confirm(mission: Mission):
    """Import what the preview showed. The events come back signed by this application; an altered or foreign
    confirmation is refused, and a plan the programme has since moved from is shown again, not imported."""
    confirm = ImportConfirmForm()
    payload = read_signed_import(confirm.plan.data) if confirm.validate_on_submit() else None
    events = None
    if payload is not None and payload.get("mission") == mission.id and payload.get("user") == current_user.id:
        try:
            events = [ParsedEvent.from_plain(e) for e in payload["events"]]
        except (KeyError, TypeError, ValueError):
            events = None
    if events is None:
        form = ImportForm(formdata=None)
        form.form_errors.append(_("This confirmation is not a preview this application made for you and this "
                                  "mission (it was changed on the way): nothing was imported. Upload the file again."))
        return render_template("itinerary/import.html", mission=mission, form=form, previewed=False,
                               most_bytes=MAX_BYTES)
    counts = {}
    if save_form(None, lambda: counts.update(import_programme(current_user, mission, events, payload.get("plan"),
                                                              today_utc()))):
        added, updated = counts["create"], counts["update"]
        flash(" ".join([
            ngettext("%(num)d item added to the programme, to be classified.",
                     "%(num)d items added to the programme, to be classified.", added),
            ngettext("%(num)d item updated.", "%(num)d items updated.", updated),
            _("Imported items are internal and in no calendar file, feed or print until you choose their kind and "
              "who may see them.")]), "success")
        return redirect(url_for("itinerary.programme", mission_id=mission.id, audience=Audience.INTERNAL.value))
    # The programme moved since the preview (the reason is flashed): the new plan, to confirm again.
    return _preview(mission, Parsed(events=events), plan_import(current_user, mission, events, today_utc()))
