"""Sessions that end: at sign-out, when the password, roles or account change, after idling, and at a fixed age.

The session lives in Flask's signed cookie. Beside the user id it carries the user's *session generation* at
sign-in, and when the session began and was last used. Every request compares the generation with the account's
(raising it ends every session of that person, copies of the cookie included) and the times with the limits.
Nothing is written on a request: the times travel in the cookie, which only the server can sign.
"""

from __future__ import annotations


from flask import current_app, session
from flask_login import login_user

from ..extensions import db
from ..timeutil import clock
from .models import User

GENERATION, BEGAN, SEEN = "_generation", "_began", "_seen"
#: The cookie is rewritten with the time of use at most this often (seconds).
TOUCH_EVERY = 60


def _now() -> int:
    return int(clock.timestamp())


#: What a visitor chose before signing in and keeps after: the language, nothing else.
KEPT = ("lang",)


def begin(user: User) -> None:
    """Sign ``user`` in with a fresh session: nothing of the previous one (its CSRF secret included) carries over
    but the language chosen."""
    kept = {key: session[key] for key in KEPT if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    now = _now()
    session[GENERATION], session[BEGAN], session[SEEN] = user.session_generation, now, now


def holds(user: User) -> str | None:
    """Why the session of ``user`` has ended (a reason to show), or None while it holds; records its use."""
    from flask_babel import gettext as _

    now = _now()
    if session.get(GENERATION) != user.session_generation:
        return _("You were signed out: the account was signed out everywhere, or its password or roles changed.")
    idle, lifetime = current_app.config["SESSION_IDLE_MINUTES"], current_app.config["SESSION_LIFETIME_MINUTES"]
    if now - session.get(SEEN, 0) > idle * 60:
        return _("You were signed out after %(n)d minutes without activity.", n=idle)
    if now - session.get(BEGAN, 0) > lifetime * 60:
        return _("You were signed out: a session lasts at most %(n)d hours.", n=lifetime // 60)
    if now - session.get(SEEN, 0) >= TOUCH_EVERY:
        session[SEEN] = now
    return None


def forget() -> None:
    """Empty the session but for the language (the account's other sessions end by raising its generation)."""
    kept = {key: session[key] for key in KEPT if key in session}
    session.clear()
    session.update(kept)


PENDING = "_pending"
#: The second step of signing in must follow the first within this time (seconds).
PENDING_FOR = 5 * 60


def await_second_factor(user: User, next_page: str | None) -> None:
    """The password was right; the session knows who is signing in, until the code is given (or 5 minutes pass)."""
    forget()
    session[PENDING] = {"user": user.id, "generation": user.session_generation, "at": _now(), "next": next_page}


def pending_user() -> tuple[User, str | None] | None:
    """The account halfway through signing in (and the page asked for), or None when none is, or it took too long."""
    pending = session.get(PENDING)
    if not pending or _now() - pending.get("at", 0) > PENDING_FOR:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or user.session_generation != pending.get("generation"):
        return None
    return user, pending.get("next")
