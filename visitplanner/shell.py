"""The request shell: what every request goes through around its view. Views load, check, validate and call an
operation; they never commit. What a request changed is committed here, once, after the view answered, through the
one commit (``visitplanner/commit.py``) with the signed-in person as the actor:

- a POST (or any method but GET, HEAD and OPTIONS) whose view answered: its changes are committed, refusals that
  left an audit entry included (a wrong password, a refused re-check);
- a GET writes nothing, and whatever it wrote would be rolled back, unless the view says that its answer is
  recorded (:func:`keep_on_get`: a full fetch of a calendar feed);
- an error page (an abort, a refused CSRF token, an exception) commits nothing: the error handlers roll back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, abort, g, request
from flask_login import current_user

from .commit import commit
from .extensions import db
from .itinerary.models import ProgrammeItem
from .missions.models import Mission
from .missions.queries import mission_for_page
from .participants.models import Participant
from .participants.queries import participant_for_page
from .partnerships.models import Partnership

_KEEP = "keep_on_get"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def keep_on_get() -> None:
    """This GET's writes are kept: its answer is recorded (a full fetch of a feed: when, from where)."""
    g.setdefault(_KEEP, True)


def register(app: Flask) -> None:
    @app.after_request
    def commit_what_the_request_did(response: Response) -> Response:
        if response.status_code >= 500 or (request.method in READS and not g.get(_KEEP)):
            return response
        commit(current_user._get_current_object() if current_user.is_authenticated else None)
        return response


def roll_back() -> None:
    """An error page: nothing the request did is kept, nor a message that says it was."""
    db.session.rollback()


# ---- loading what a URL names, once ------------------------------------------------------------------------------


def load_mission(mission_id: int) -> Mission:
    """The mission with what its pages show; 404 when there is none or it is not the user's to see (a delegation
    member sees only the missions they take part in)."""
    mission = mission_for_page(mission_id)
    if mission is None or not mission.can_view(current_user):
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
    return db.session.get(Partnership, partnership_id) or abort(404)


LOADERS: dict[str, Callable[[int], object]] = {
    "mission": load_mission, "item": load_item, "participant": load_participant, "partnership": load_partnership,
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
