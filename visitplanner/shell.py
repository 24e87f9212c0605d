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

from flask import Flask, Response, g, request
from flask_login import current_user

from .commit import commit
from .extensions import db

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
