"""The talking-points library per focal theme, composing a meeting's talking points from it, and the own policy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import ConfirmForm, save_form
from ..itinerary.models import ProgrammeItem
from ..partnerships.models import FocalTheme
from ..shell import loads
from .forms import ComposeForm, EntryForm, PolicyForm, int_or_none
from .models import LibraryEntry
from .operations import (
    add_entry,
    compose_talking_points,
    composed_text,
    retire_entry,
    revise_entry,
    revise_policy,
)
from .queries import (
    composed_for,
    current_policy,
    earlier_meetings,
    entries_of,
    partnerships_with,
    policy_versions,
)

bp = Blueprint("library", __name__)


@bp.route("/themes/<int:theme_id>")
@loads("theme")
def theme(theme: FocalTheme):
    """A focal theme: its library of talking points and answers, and what was said and answered at earlier
    meetings."""
    return render_template("library/theme.html", theme=theme, entries=entries_of([theme.id]),
                           meetings=earlier_meetings(theme.id), partnerships=partnerships_with(theme.id))


@bp.route("/themes/<int:theme_id>/library/new", methods=["GET", "POST"])
@loads("theme")
def add(theme: FocalTheme):
    """Prepare a talking point or an answer to whataboutism on the theme."""
    form = EntryForm()
    if form.validate_on_submit() and save_form(form, lambda: add_entry(
            current_user, theme, kind=form.kind.data, title=form.title.data, text=form.text.data,
            sources=form.sources.data)):
        flash(_("The entry is in the library of “%(theme)s”.", theme=theme.label), "success")
        return redirect(url_for("library.theme", theme_id=theme.id))
    return render_template("library/entry_form.html", form=form, theme=theme, entry=None)


@bp.route("/library/<int:entry_id>")
@loads("entry")
def entry(entry: LibraryEntry):
    """An entry of the library with every version, the latest first."""
    return render_template("library/entry.html", entry=entry, theme=entry.theme)


@bp.route("/library/<int:entry_id>/edit", methods=["GET", "POST"])
@loads("entry")
def revise(entry: LibraryEntry):
    """Edit an entry: saving makes a new version; the earlier ones stay as they were."""
    if not entry.can_edit():  # the route admits only those who keep the library
        abort(403)
    form = EntryForm()
    del form.kind
    if request.method == "GET":
        current = entry.current
        form.title.data, form.text.data, form.sources.data = current.title, current.text, current.sources
        form.based_on.data = current.number
    # A newer version saved meanwhile is never overwritten (every version is kept): it is shown beside the form, which
    # keeps what the advisor typed and is based on it from now on.
    stale = request.method == "POST" and int_or_none(form.based_on.data) != entry.current.number
    if form.validate_on_submit() and save_form(form, lambda: revise_entry(
            current_user, entry, based_on=int_or_none(form.based_on.data), title=form.title.data,
            text=form.text.data, sources=form.sources.data),
            stale_message=_("Someone else made a new version of this entry while you were editing. Its text is "
                            "shown below and yours is kept in the form: compare them and save again."),
            current_version=None):
        flash(_("Version %(number)d of “%(title)s” saved; the earlier versions are kept.",
                number=entry.current.number, title=entry.current.title), "success")
        return redirect(url_for("library.entry", entry_id=entry.id))
    if stale:
        form.based_on.data = entry.current.number
    return render_template("library/entry_form.html", form=form, theme=entry.theme, entry=entry,
                           newer=entry.current if stale else None)


@bp.route("/library/<int:entry_id>/retire", methods=["GET", "POST"])
@loads("entry")
def retire(entry: LibraryEntry):
    """Retire an entry, after confirmation: no longer offered to compose from, kept for what used it."""
    if entry.retired:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and save_form(None, lambda: retire_entry(current_user, entry)):
        flash(_("“%(title)s” is retired: it is no longer offered for talking points.", title=entry.label), "success")
        return redirect(url_for("library.theme", theme_id=entry.theme_id))
    return render_template(
        "confirm.html", form=form, title=_("Retire “%(title)s”?", title=entry.label),
        message=_("It is no longer offered when talking points are composed. Its versions are kept, and meetings "
                  "composed from them keep what they used."),
        confirm_label=_("Retire entry"), cancel_url=url_for("library.entry", entry_id=entry.id))


@bp.route("/items/<int:item_id>/talking-points", methods=["GET", "POST"])
@loads("item")
def compose(item: ProgrammeItem):
    """Compose an item's talking points from the library of its partnership's focal themes.

    Composing adds the chosen texts after the talking points; it never takes anything away. When the item changed
    since the page was opened but not its talking points, the entries are added on top of it as it is now. When its
    talking points changed, nothing is saved: they are shown side by side (when the page was opened, as saved
    meanwhile, and with the chosen entries added after them), the choice stays ticked and the form carries the
    current version, so that saving again adds the entries to the talking points as they are now. There is no
    choice of "yours" over theirs: that would take away what someone else wrote (a person who means to, edits the
    item).
    """
    mission = item.mission
    themes = mission.partnership.focal_themes
    own = {t.id for t in item.focal_themes}
    entries = sorted(entries_of([t.id for t in themes], retired=False),
                     key=lambda e: (e.theme_id not in own, e.theme_id, e.kind, e.id))
    by_version = {e.current.id: e for e in entries}
    form = ComposeForm(formdata=None) if request.method == "GET" else ComposeForm()
    form.versions.choices = [(e.current.id, e.current.title) for e in entries]
    if request.method == "GET":
        _remember_item(form, item)
    changed = None
    if form.validate_on_submit():
        then = (form.seen_then() or {}).get("talking_points")
        stale = form.version_value() != item.version
        if stale and then != item.talking_points:
            changed = {"before": then, "theirs": item.talking_points,
                       "yours": composed_text(item.talking_points, [by_version[v].current.text
                                                                    for v in form.versions.data])}
            _remember_item(form, item)
            form.form_errors.append(_("Someone else changed the talking points of this item while you were "
                                      "choosing. Nothing is added yet: compare them below, then save again to add "
                                      "your entries after the talking points as they are now."))
        elif save_form(form, lambda: compose_talking_points(
                current_user, item, form.versions.data, expected_version=item.version if stale
                else form.version_value()),
                stale_message=_("Someone else changed this item while you were choosing. Check its talking points "
                                "below and choose again."),
                current_version=lambda: item.version):
            if stale:
                flash(_("Someone else changed this item while you were choosing, not its talking points: your "
                        "entries are added to them as they are now."), "info")
            flash(_("The talking points of “%(title)s” are composed from the library: the text is copied into them.",
                    title=item.title), "success")
            return redirect(url_for("library.compose", item_id=item.id))
    return render_template("library/compose.html", form=form, item=item, mission=mission,
                           by_version=by_version, own=own, changed=changed,
                           composed=composed_for([item.id]).get(item.id, []))


def _remember_item(form: ComposeForm, item: ProgrammeItem) -> None:
    """The form carries the item's version and its talking points as the page shows them."""
    form.version.data = item.version
    form.remember(seen={"talking_points": item.talking_points})


@bp.route("/policy")
def policy():
    """The organisation's own human-rights policy and openness commitments, with every earlier version."""
    return render_template("library/policy.html", versions=policy_versions())


@bp.route("/policy/edit", methods=["GET", "POST"])
def edit_policy():
    """State or edit the own policy: saving makes a new version."""
    current = current_policy()
    form = PolicyForm()
    if request.method == "GET":
        form.based_on.data = current.number if current else 0
        if current is not None:
            form.text.data, form.sources.data = current.text, current.sources
    # As with a library entry: a version saved meanwhile is never overwritten; it is shown beside the form, which keeps
    # what the advisor typed and is based on it from now on.
    stale = request.method == "POST" and int_or_none(form.based_on.data) != (current.number if current else 0)
    if form.validate_on_submit() and save_form(form, lambda: revise_policy(
            current_user, based_on=int_or_none(form.based_on.data), text=form.text.data,
            sources=form.sources.data),
            stale_message=_("Someone else saved the policy while you were editing. Its text is shown below and yours "
                            "is kept in the form: compare them and save again."),
            current_version=None):
        flash(_("The policy is saved as a new version; the earlier ones are kept."), "success")
        return redirect(url_for("library.policy"))
    if request.method == "POST":
        form.based_on.data = current.number if current else 0
    return render_template("library/policy_form.html", form=form, current=current, newer=current if stale else None)
