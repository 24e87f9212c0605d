"""The talking-points library per focal theme, composing a meeting's talking points from it, and the own policy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import ConfirmForm, save_form
from ..itinerary.models import ProgrammeItem
from ..partnerships.models import FocalTheme
from ..shell import loads
from .forms import ComposeForm, EntryForm, PolicyForm, int_or_none
from .models import LibraryEntry
from .operations import add_entry, compose_talking_points, retire_entry, revise_entry, revise_policy
from .queries import (
    composed_for,
    current_policy,
    earlier_meetings,
    entries_of,
    entry_with_versions,
    partnerships_with,
    policy_versions,
)

bp = Blueprint("library", __name__)


def _theme(theme_id: int) -> FocalTheme:
    return db.session.get(FocalTheme, theme_id) or abort(404)


def _entry(entry_id: int) -> LibraryEntry:
    return entry_with_versions(entry_id) or abort(404)


@bp.route("/themes/<int:theme_id>")
def theme(theme_id: int):
    """A focal theme: its library of talking points and answers, and what was said and answered at earlier
    meetings."""
    found = _theme(theme_id)
    return render_template("library/theme.html", theme=found, entries=entries_of([found.id]),
                           meetings=earlier_meetings(found.id), partnerships=partnerships_with(found.id))


@bp.route("/themes/<int:theme_id>/library/new", methods=["GET", "POST"])
def add(theme_id: int):
    """Prepare a talking point or an answer to whataboutism on the theme."""
    found = _theme(theme_id)
    form = EntryForm()
    if form.validate_on_submit() and save_form(form, lambda: add_entry(
            current_user, found, kind=form.kind.data, title=form.title.data, text=form.text.data,
            sources=form.sources.data)):
        flash(_("The entry is in the library of “%(theme)s”.", theme=found.label), "success")
        return redirect(url_for("library.theme", theme_id=found.id))
    return render_template("library/entry_form.html", form=form, theme=found, entry=None)


@bp.route("/library/<int:entry_id>")
def entry(entry_id: int):
    """An entry of the library with every version, the latest first."""
    found = _entry(entry_id)
    return render_template("library/entry.html", entry=found, theme=found.theme)


@bp.route("/library/<int:entry_id>/edit", methods=["GET", "POST"])
def revise(entry_id: int):
    """Edit an entry: saving makes a new version; the earlier ones stay as they were."""
    found = _entry(entry_id)
    if not found.can_edit():  # the route admits only those who keep the library
        abort(403)
    form = EntryForm()
    del form.kind
    if request.method == "GET":
        current = found.current
        form.title.data, form.text.data, form.sources.data = current.title, current.text, current.sources
        form.based_on.data = current.number
    if form.validate_on_submit() and save_form(form, lambda: revise_entry(
            current_user, found, based_on=int_or_none(form.based_on.data), title=form.title.data,
            text=form.text.data, sources=form.sources.data),
            stale_message=_("Someone else made a new version of this entry while you were editing. Your text is kept "
                            "below; compare it with the latest version and save again."),
            current_version=None):
        flash(_("Version %(number)d of “%(title)s” saved; the earlier versions are kept.",
                number=found.current.number, title=found.current.title), "success")
        return redirect(url_for("library.entry", entry_id=found.id))
    if request.method == "POST" and int_or_none(form.based_on.data) != found.current.number:
        form.based_on.data = found.current.number
    return render_template("library/entry_form.html", form=form, theme=found.theme, entry=found)


@bp.route("/library/<int:entry_id>/retire", methods=["GET", "POST"])
def retire(entry_id: int):
    """Retire an entry, after confirmation: no longer offered to compose from, kept for what used it."""
    found = _entry(entry_id)
    if found.retired:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and save_form(None, lambda: retire_entry(current_user, found)):
        flash(_("“%(title)s” is retired: it is no longer offered for talking points.", title=found.label), "success")
        return redirect(url_for("library.theme", theme_id=found.theme_id))
    return render_template(
        "confirm.html", form=form, title=_("Retire “%(title)s”?", title=found.label),
        message=_("It is no longer offered when talking points are composed. Its versions are kept, and meetings "
                  "composed from them keep what they used."),
        confirm_label=_("Retire entry"), cancel_url=url_for("library.entry", entry_id=found.id))


@bp.route("/items/<int:item_id>/talking-points", methods=["GET", "POST"])
@loads("item")
def compose(item: ProgrammeItem):
    """Compose an item's talking points from the library of its partnership's focal themes."""
    mission = item.mission
    themes = mission.partnership.focal_themes
    own = {t.id for t in item.focal_themes}
    entries = sorted(entries_of([t.id for t in themes], retired=False),
                     key=lambda e: (e.theme_id not in own, e.theme_id, e.kind, e.id))
    form = ComposeForm()
    form.versions.choices = [(e.current.id, e.current.title) for e in entries]
    if request.method == "GET":
        form.version.data = item.version
    if form.validate_on_submit() and save_form(form, lambda: compose_talking_points(
            current_user, item, form.versions.data, expected_version=int_or_none(form.version.data)),
            stale_message=_("Someone else changed this item while you were choosing. Check its talking points "
                            "below and choose again."),
            current_version=lambda: item.version):
        flash(_("The talking points of “%(title)s” are composed from the library: the text is copied into them.",
                title=item.title), "success")
        return redirect(url_for("library.compose", item_id=item.id))
    return render_template("library/compose.html", form=form, item=item, mission=mission,
                           by_version={e.current.id: e for e in entries}, own=own,
                           composed=composed_for([item.id]).get(item.id, []))


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
    if form.validate_on_submit() and save_form(form, lambda: revise_policy(
            current_user, based_on=int_or_none(form.based_on.data), text=form.text.data,
            sources=form.sources.data),
            stale_message=_("Someone else saved the policy while you were editing. Your text is kept below; compare "
                            "it with the latest version and save again.")):
        flash(_("The policy is saved as a new version; the earlier ones are kept."), "success")
        return redirect(url_for("library.policy"))
    if request.method == "POST":
        form.based_on.data = current_policy().number if current_policy() else 0
    return render_template("library/policy_form.html", form=form, current=current)
