"""The request shell: what every request goes through around its view. Views load, check, validate and call an
operation; they never commit. What a request changed is committed here, once, after the view answered, through the
one commit (``visitplanner/commit.py``) with the signed-in person as the actor:

- a POST (or any method but GET, HEAD and OPTIONS) whose view answered: its changes are committed, refusals that
  left an audit entry included (a wrong password, a refused re-check);
- a GET writes nothing, and whatever it wrote would be rolled back, unless the view says that its answer is
  recorded (:func:`keep_on_get`: a full fetch of a calendar feed);
- an error page (an abort, a refused CSRF token, an exception) commits nothing: the error handlers roll back;
- a change that would void the sign-offs of a mission (or take it back from "ready for sign-off") is not committed
  until the person confirmed it: the shell settles the changes first, and if they void anything the person has not
  confirmed, it rolls back and answers with a page that says which sign-offs (role, who, when) and what moved, and
  posts the same input again with the confirmation. Once committed, a message names what was voided and offers to
  submit for sign-off again. A change by someone who may not see the mission (or by no one: cron) is not asked,
  and neither is a decision that protects people (:func:`at_once`: a consent withdrawn, a safety assessment, a
  consultation, an erasure): it must never wait on a question, so it is committed and the message says what it
  voided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from flask import Flask, Response, abort, flash, g, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from .access import may
from .auth.models import User
from .calendar.models import CalendarFeed
from .commit import commit, settle_changes
from .companies.queries import company_for_page
from .contacts.models import Contact
from .contacts.queries import contact_with_follow_ups
from .disclosure import may_see_mission
from .extensions import db
from .itinerary.models import ProgrammeItem
from .library.models import LibraryEntry
from .library.queries import entry_with_versions, theme_with_library
from .missions.models import Company, Mission
from .missions.queries import mission_for_page
from .participants.models import Participant
from .participants.queries import participant_for_page
from .partnerships.queries import partnership_with_missions
from .partnerships.models import FocalTheme, Objective, Partnership
from .readiness.binding import Voided
from .stakeholders.models import Stakeholder
from .stakeholders.queries import stakeholder_page

_KEEP = "keep_on_get"
_AT_ONCE = "takes_effect_at_once"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The form field by which a person confirms voiding: one value per submission and sign-off (``Voided.keys``).
CONFIRM_VOID = "confirm_void"


def keep_on_get() -> None:
    """This GET's writes are kept: its answer is recorded (a full fetch of a feed: when, from where)."""
    g.setdefault(_KEEP, True)


def at_once(view):
    """A view whose change takes effect at once, voiding sign-offs without asking first (it protects people: the
    person recording it may not be held up, or turned back, by a question); the message afterwards says what it
    voided."""
    @wraps(view)
    def decided(**kwargs):
        g.setdefault(_AT_ONCE, True)
        return view(**kwargs)
    return decided


def register(app: Flask) -> None:
    @app.after_request
    def commit_what_the_request_did(response: Response) -> Response:
        if response.status_code >= 500 or (request.method in READS and not g.get(_KEEP)):
            return response
        actor = current_user._get_current_object() if current_user.is_authenticated else None
        voided = settle_changes(actor)
        told = actor is not None and request.method == "POST" and all(_may_see(actor, v) for v in voided)
        if voided and told and not g.get(_AT_ONCE) and not _confirmed(voided):
            db.session.rollback()
            session.pop("_flashes", None)  # the view's "saved": nothing is
            return _ask_first(response, voided)
        commit(actor)
        if told:
            for v in voided:
                _say_voided(v)
        return response


def _may_see(actor, voided: Voided) -> bool:
    mission = db.session.get(Mission, voided.mission_id)
    return mission is not None and may_see_mission(actor, mission)


def _confirmed(voided: list[Voided]) -> bool:
    """Whether the person confirmed voiding all of this (and not something else that stood when they were asked)."""
    confirmed = set(request.form.getlist(CONFIRM_VOID))
    return all(v.keys <= confirmed for v in voided)


def _ask_first(response: Response, voided: list[Voided]) -> Response:
    """The view's answer becomes the question (its security headers kept): which sign-offs this change voids, and
    the same input posted again with the confirmation."""
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
    replay = [(k, v) for k, v in request.form.items(multi=True) if k != CONFIRM_VOID]
    response.set_data(render_template("readiness/confirm_void.html", voided=voided, replay=replay,
                                      confirm_field=CONFIRM_VOID, back=back))
    response.status_code = 200
    response.mimetype = "text/html"
    response.headers.pop("Location", None)
    return response


def _say_voided(voided: Voided) -> None:
    """After the save: what it voided, by name, and where to submit again (a message with a link)."""
    names = "; ".join(f"{s.role_label}: {s.name}" for s in voided.sign_offs)
    text = (ngettext("“%(title)s” is back in draft: this change voided the sign-off of %(names)s.",
                     "“%(title)s” is back in draft: this change voided the sign-offs of %(names)s.",
                     len(voided.sign_offs), title=voided.title, names=names) if voided.sign_offs
            else gettext("“%(title)s” is back in draft: this change withdrew its submission for sign-off.",
                         title=voided.title))
    flash({"text": text, "link": url_for("readiness.checklist", mission_id=voided.mission_id, _anchor="sign-off"),
           "label": gettext("Submit for sign-off again")}, "warning")


def roll_back() -> None:
    """An error page: nothing the request did is kept, nor a message that says it was."""
    db.session.rollback()


# ---- loading what a URL names, once ------------------------------------------------------------------------------


def load_mission(mission_id: int) -> Mission:
    """The mission with what its pages show; 404 when there is none or it is not the user's to see (a delegation
    member sees only the missions they take part in)."""
    mission = mission_for_page(mission_id)
    if mission is None or not may_see_mission(current_user, mission):
        abort(404)
    return mission


def load_item(item_id: int) -> ProgrammeItem:
    """A programme item still in the programme, with its mission as :func:`load_mission` loads it; 404 otherwise."""
    item = db.session.get(ProgrammeItem, item_id)
    if item is None or item.removed_at is not None:
        abort(404)
    load_mission(item.mission_id)
    return item


def load_participant(participant_id: int) -> Participant:
    return participant_for_page(participant_id) or abort(404)


def load_partnership(partnership_id: int) -> Partnership:
    """A partnership with what its pages show (missions, dossier, themes, objectives); 404 when there is none."""
    return partnership_with_missions(partnership_id) or abort(404)


def load_company(company_id: int) -> Company:
    """A company of the register with everything its page shows; 404 when there is none."""
    return company_for_page(company_id) or abort(404)


def load_user(user_id: int) -> User:
    """An account (the administrator's pages); 404 when there is none."""
    return db.session.get(User, user_id) or abort(404)


def load_contact(contact_id: int) -> Contact:
    """A contact with the partner region, with its themes and follow-ups; 404 when there is none."""
    return contact_with_follow_ups(contact_id) or abort(404)


def load_stakeholder(stakeholder_id: int) -> Stakeholder:
    """An organisation of the register with what its page shows; 404 when there is none. What of it a role may
    read is the disclosure rules' (``may_see_stakeholder``)."""
    return stakeholder_page(stakeholder_id) or abort(404)


def load_objective(objective_id: int) -> Objective:
    """An objective of a partnership's action plan; 404 when there is none."""
    return db.session.get(Objective, objective_id) or abort(404)


def load_theme(theme_id: int) -> FocalTheme:
    """A focal theme; 404 when there is none."""
    return theme_with_library(theme_id) or abort(404)


def load_entry(entry_id: int) -> LibraryEntry:
    """An entry of the talking-points library with every version; 404 when there is none."""
    return entry_with_versions(entry_id) or abort(404)


def load_feed(feed_id: int) -> CalendarFeed:
    """A calendar feed the user manages (their own; an administrator's: every one); 404 otherwise, so that a feed's
    number tells no one else that it exists."""
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or not (feed.is_owned_by(current_user) or may(current_user, "manage everyone's feeds")):
        abort(404)
    return feed



LOADERS: dict[str, Callable[[int], object]] = {
    "mission": load_mission, "item": load_item, "participant": load_participant, "partnership": load_partnership,
    "company": load_company,
    "user": load_user, "contact": load_contact, "stakeholder": load_stakeholder, "objective": load_objective,
    "theme": load_theme, "entry": load_entry, "feed": load_feed,
}


def loads(*names: str):
    """A view's ``<name>_id`` arguments become the objects they name, each loaded once: 404 when there is none or it
    is not the user's to see. Who may use the route at all is the access table's (``access.py``: 403 before the view
    runs); what the object's state allows, its ``can_*``."""
    def decorate(view):
        @wraps(view)
        def load(**kwargs):
            for name in names:
                kwargs[name] = LOADERS[name](kwargs.pop(f"{name}_id"))
            return view(**kwargs)
        return load
    return decorate


_Held = TypeVar("_Held")


def among(held: Iterable[_Held], held_id: int) -> _Held:
    """What a URL names under an object :func:`loads` loaded (a member of *this* mission, a mission of *this*
    participant): the one of what that object holds with this id; 404 when it holds none, so that an id that belongs
    elsewhere names nothing here."""
    for found in held:
        if found.id == held_id:
            return found
    abort(404)
