"""One request shell, one commit (issue 22, part 4).

- Nothing runs at a flush or a commit behind the code's back: the application registers no listener on session or
  mapper events but the two that only refuse (a bulk statement that would pass by the revisions, a rewrite of the
  audit log). What follows a change runs in ``visitplanner/commit.py``, in the order written there.
- A plain ``commit()`` of changes nobody followed is refused.
- Views never commit: the request shell commits what a request that answered did, keeps nothing of a GET (unless
  its answer is recorded) or of an error page.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import Connection, Engine, event, inspect, select
from sqlalchemy.events import ConnectionEvents
from sqlalchemy.orm.events import MapperEvents, SessionEvents
from support.accounts import PASSWORD
from support.app import make_app

from visitplanner import access
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.revisions import TrackedSession, UnfollowedChanges

PACKAGE = Path(__file__).resolve().parents[2] / "visitplanner"


def registered(dispatch, events) -> dict[str, list[str]]:
    return {name: [f"{fn.__module__}.{fn.__qualname__}" for fn in getattr(dispatch, name)]
            for name in dir(events) if not name.startswith("_") and list(getattr(dispatch, name, []))}


def test_nothing_listens_to_a_flush_or_a_commit_but_what_refuses(app):
    with app.app_context():
        session = db.session()
        assert isinstance(session, TrackedSession)
        assert registered(session.dispatch, SessionEvents) == {
            "before_flush": ["visitplanner.audit.models._refuse_audit_rewrites"],
            "do_orm_execute": ["visitplanner.revisions._refuse_unseen_bulk_changes"],
        }
        for mapper in db.Model.registry.mappers:
            assert registered(mapper.dispatch, MapperEvents) == {}, mapper.class_.__name__
        # Nor to the database connection's own commit, begin, rollback or statements (a listener on the Engine class
        # or on this engine shows here; the pool's "connect", which only sets SQLite's pragmas, is no commit event).
        assert connection_listeners() == {}


def connection_listeners() -> dict[str, list[str]]:
    """What listens to a connection's events: on the engine (or the Engine class) and on a Connection (or its
    class), as a connection of the application's engine meets them."""
    with db.engine.connect() as connection:
        found = registered(db.engine.dispatch, ConnectionEvents)
        for name, listeners in registered(connection.dispatch, ConnectionEvents).items():
            found[name] = list(dict.fromkeys([*found.get(name, []), *listeners]))
        connection.rollback()
    return found


@pytest.mark.parametrize("target", ["engine", "Engine", "Connection"])
def test_a_listener_on_a_connections_commit_would_be_seen(app, target):
    """The check above can fail: a listener on the commit of a connection, wherever it is registered, shows in it."""

    def listener(connection):
        pass

    with app.app_context():
        on = {"engine": db.engine, "Engine": Engine, "Connection": Connection}[target]
        event.listen(on, "commit", listener)
        try:
            assert connection_listeners() == {"commit": [f"{__name__}.{listener.__qualname__}"]}
        finally:
            event.remove(on, "commit", listener)
        assert connection_listeners() == {}


def test_a_plain_commit_of_changes_nobody_followed_is_refused(ctx, make_user):
    user = make_user(Role.PROTOCOL, name="Voor")
    revision = user.revision
    user.name = "Na"
    with pytest.raises(UnfollowedChanges):
        db.session.commit()
    db.session.rollback()
    user.name = "Na"
    commit(user)
    assert db.session.get(User, user.id).name == "Na" and db.session.get(User, user.id).revision == revision + 1


def test_no_view_commits():
    """Views load, check, validate and call an operation; the request shell commits (``shell.py``)."""
    found = []
    for path in [*PACKAGE.rglob("views.py"), PACKAGE / "auth" / "reconfirm.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "commit"
                                               or getattr(node.func, "id", None) == "commit"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []


@pytest.fixture
def shell_app(app, monkeypatch):
    """The application again, with three routes of the test's own that rename an account."""
    fresh = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)

    def rename(user_id: int, then=None):
        db.session.get(User, user_id).name = "Hernoemd"
        db.session.flush()
        if then is not None:
            abort(then)
        return "ok"

    fresh.add_url_rule("/test/rename/<int:user_id>", "test.rename", rename, methods=["GET", "POST"])
    fresh.add_url_rule("/test/rename/<int:user_id>/refused", "test.refused", lambda user_id: rename(user_id, 404),
                       methods=["POST"])
    for endpoint in ("test.rename", "test.refused"):
        monkeypatch.setitem(access.ACCESS, endpoint, access.SIGNED_IN)
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("method, path, kept", [
    ("POST", "/test/rename/{id}", True),
    ("GET", "/test/rename/{id}", False),  # a GET writes nothing: what it wrote is rolled back
    ("POST", "/test/rename/{id}/refused", False),  # an error page keeps nothing the request did
])
def test_the_request_shell_commits_what_a_request_that_answered_did(shell_app, make_user, method, path, kept):
    with shell_app.app_context():
        user = make_user(Role.PROTOCOL, name="Origineel")
        user_id, email = user.id, user.email
    client = shell_app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.open(path.format(id=user_id), method=method)
    with shell_app.app_context():
        name = db.session.scalar(select(User.name).where(User.id == user_id))
    assert name == ("Hernoemd" if kept else "Origineel")


def test_the_revision_a_change_raises_is_stamped_once_at_its_commit(ctx, make_user):
    user = make_user(Role.PROTOCOL)
    user.name = "Eerste"
    db.session.flush()
    user.name = "Tweede"
    db.session.flush()
    assert db.session.scalar(select(User.revision).where(User.id == user.id)) == user.revision  # not yet raised
    before = inspect(user).attrs.revision.value
    commit()
    assert db.session.get(User, user.id).revision == before + 1  # one transaction, one revision
