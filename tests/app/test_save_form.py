"""save_form: a refused change is rolled back, says why, keeps the input; an accepted one is committed."""

from __future__ import annotations

from flask import get_flashed_messages

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation, StaleEdit
from visitplanner.extensions import db
from visitplanner.forms import VersionedForm, save_form


def test_a_stale_save_without_its_own_message_flashes_a_plain_one_and_keeps_the_input(app, make_user):
    with app.test_request_context("/", method="POST", data={"version": "3"}):
        user = db.session.get(User, make_user(Role.PROTOCOL, name="Before").id)
        form = VersionedForm(meta={"csrf": False})

        def change():
            user.name = "After"
            raise StaleEdit()

        assert save_form(form, change, current_version=lambda: 7) is False
        assert db.session.get(User, user.id).name == "Before", "rolled back"
        assert form.version.data == 7, "the next save is based on the current version"
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Iemand anders heeft dit gewijzigd terwijl u het aan het bewerken was. Uw invoer staat "
                      "hieronder nog. Controleer die en sla opnieuw op.")]


def test_a_rule_violation_is_shown_at_its_field_and_nothing_is_saved(app, make_user):
    with app.test_request_context("/", method="POST", data={}):
        user = db.session.get(User, make_user(Role.PROTOCOL, name="Before").id)
        form = VersionedForm(meta={"csrf": False})

        def change():
            user.name = "After"
            raise RuleViolation("Not like this.", "version")

        assert save_form(form, change) is False
        assert db.session.get(User, user.id).name == "Before"
        assert form.version.errors == ["Not like this."]


def test_an_accepted_change_is_flushed_and_left_to_the_request_shell_to_commit(app, make_user):
    """The view that saved never commits: the request shell does once it answered (``shell.py``)."""
    with app.test_request_context("/", method="POST", data={}):
        user_id = make_user(Role.PROTOCOL, name="Before").id
        form = VersionedForm(meta={"csrf": False})

        assert save_form(form, lambda: setattr(db.session.get(User, user_id), "name", "After")) is True
        assert db.session.get(User, user_id).name == "After"
        assert not db.session.dirty  # flushed: the rules the database keeps were checked
        db.session.rollback()
        assert db.session.get(User, user_id).name == "Before"  # not committed


def test_a_change_the_database_refuses_is_rolled_back_with_a_message_not_a_server_error(app, make_user):
    """Two identical saves at the same moment pass every check before either is written; the unique index refuses
    the second one. That is a message and nothing saved, never a 500."""
    from visitplanner.missions.models import Company

    with app.test_request_context("/", method="POST", data={}):
        db.session.add(Company(name="Mulder Waterbouw B.V."))
        commit()
        user = db.session.get(User, make_user(Role.PROTOCOL, name="Before").id)

        def change():
            user.name = "After"
            db.session.add(Company(name="Mulder Waterbouw B.V."))

        assert save_form(None, change) is False
        assert db.session.get(User, user.id).name == "Before"
        [(category, message)] = get_flashed_messages(with_categories=True)
        assert category == "error" and message.startswith("Dit is niet opgeslagen")
        form = VersionedForm(meta={"csrf": False})
        assert save_form(form, change) is False
        assert form.form_errors and form.form_errors[0].startswith("Dit is niet opgeslagen")
