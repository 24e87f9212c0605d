"""Administration: accounts through the pages and the command line, every change in the audit log."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from flask_babel import gettext as _
from sqlalchemy import func, select
from support.accounts import PASSWORD

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.auth.operations import create_user
from visitplanner.commit import commit
from visitplanner.extensions import db

NEW_PASSWORD = "a-long-enough-password-42"

# Data is made and read in app contexts of their own, closed before each request: requests made inside a
# shared app context share ``g``, and Flask-Login keeps the signed-in user there.


@dataclass
class Account:
    id: int
    email: str
    name: str
    roles: frozenset[Role]
    active: bool
    version: int

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(user.id, user.email, user.name, user.role_names, user.active, user.version)


@pytest.fixture
def make_account(app, make_user):
    def make(*roles, **kwargs) -> Account:
        with app.app_context():
            return Account.of(make_user(*roles, **kwargs))

    return make


@pytest.fixture
def admin(en, auth, make_account) -> Account:
    """``client`` signed in as an administrator, the interface in English."""
    me = make_account(Role.ADMIN, name="Ada Admin")
    assert auth.login(me.email).status_code == 302
    return me


@pytest.fixture
def stored(app):
    """Read back what the database holds now."""

    class Stored:
        def account(self, email: str) -> Account | None:
            with app.app_context():
                user = db.session.scalar(select(User).where(User.email == email))
                return Account.of(user) if user else None

        def account_count(self) -> int:
            with app.app_context():
                return db.session.scalar(select(func.count(User.id)))

        def audit(self, action: str | None = None) -> list[dict]:
            with app.app_context():
                stmt = select(AuditEntry).order_by(AuditEntry.id)
                if action:
                    stmt = stmt.where(AuditEntry.action == action)
                return [
                    {"action": e.action, "actor_id": e.actor_id, "object_id": e.object_id, "label": e.label,
                     "changes": e.changes}
                    for e in db.session.scalars(stmt)
                ]

    return Stored()


def new_account(**overrides) -> dict:
    data = {"email": "nieuw@example.org", "name": "Nina Nieuw", "roles": ["approver", "delegate"],
            "active": "y", "password": NEW_PASSWORD}
    data.update(overrides)
    return data


def edit_form(account: Account, **overrides) -> dict:
    data = {"email": account.email, "name": account.name, "roles": sorted(account.roles), "active": "y",
            "password": "", "version": str(account.version)}
    data.update(overrides)
    if not data["active"]:
        del data["active"]  # an unticked checkbox is not sent
    return data


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field: str) -> str:
    """The message shown at a form field ('' when there is none)."""
    match = re.search(rf'id="{field}-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())) if match else ""


# ---- creating accounts -------------------------------------------------------------------------------------


def test_an_administrator_creates_an_account_with_two_roles(client, admin, stored):
    response = client.post("/admin/users/new", data=new_account())

    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    account = stored.account("nieuw@example.org")
    assert account.name == "Nina Nieuw"
    assert account.roles == {Role.APPROVER, Role.DELEGATE}
    assert account.active
    listing = page_text(client.get("/admin/users"))
    assert "Account nieuw@example.org created." in listing
    assert "Nina Nieuw" in listing and "Approver, Delegation member" in listing


def test_the_new_account_can_sign_in(client, admin):
    client.post("/admin/users/new", data=new_account())
    client.post("/logout")

    assert client.post("/login", data={"email": "nieuw@example.org", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("email", ["taken@example.org", "Taken@Example.ORG"])
def test_an_e_mail_address_in_use_is_refused_at_its_field(client, admin, make_account, stored, email):
    make_account(Role.PROTOCOL, email="taken@example.org")
    before = stored.account_count()

    response = client.post("/admin/users/new", data=new_account(email=email))

    assert response.status_code == 200
    assert field_error(response, "email") == "An account with this e-mail address already exists."
    assert stored.account_count() == before
    assert 'value="Nina Nieuw"' in response.get_data(as_text=True), "the rest of the input is kept"


def test_a_password_shorter_than_twelve_characters_is_refused_at_its_field(client, admin, stored):
    before = stored.account_count()

    response = client.post("/admin/users/new", data=new_account(password="elevenchars"))

    assert response.status_code == 200
    assert field_error(response, "password") == "The password must be at least 12 characters long."
    assert stored.account_count() == before


@pytest.mark.parametrize("email", ["not-an-address", "name@localhost", "two words@example.org", "@example.org"])
def test_something_that_is_not_an_e_mail_address_is_refused_at_its_field(client, admin, stored, email):
    before = stored.account_count()

    response = client.post("/admin/users/new", data=new_account(email=email))

    assert response.status_code == 200
    assert field_error(response, "email") == "Enter an e-mail address, e.g. name@example.org."
    assert stored.account_count() == before


def test_an_account_needs_a_role(client, admin, stored):
    before = stored.account_count()

    response = client.post("/admin/users/new", data=new_account(roles=[]))

    assert response.status_code == 200
    assert field_error(response, "roles")
    assert stored.account_count() == before


# ---- changing accounts -------------------------------------------------------------------------------------


def test_an_administrator_changes_an_accounts_roles(client, admin, make_account, stored):
    account = make_account(Role.DELEGATE)

    response = client.post(f"/admin/users/{account.id}/edit",
                           data=edit_form(account, roles=["protocol_officer", "hr_advisor"]))

    assert response.status_code == 302
    assert stored.account(account.email).roles == {Role.PROTOCOL, Role.ADVISOR}
    assert "Human-rights advisor, Protocol officer" in page_text(client.get("/admin/users"))


def test_changed_roles_end_the_accounts_sessions_and_take_effect_at_the_next_sign_in(app, client, admin, make_account):
    account = make_account(Role.DELEGATE)
    theirs = app.test_client()
    theirs.post("/login", data={"email": account.email, "password": PASSWORD})
    assert theirs.get("/partnerships/").status_code == 403

    client.post(f"/admin/users/{account.id}/edit", data=edit_form(account, roles=["hr_advisor"]))

    assert theirs.get("/partnerships/").status_code == 302  # signed out: what they may do changed
    theirs.post("/login", data={"email": account.email, "password": PASSWORD})
    assert theirs.get("/partnerships/").status_code == 200


def test_a_save_from_a_page_without_its_base_shows_what_differs_and_keeps_the_input(
        app, client, admin, make_account, stored):
    """A page that does not say what it showed (one from before merged edits): every field that differs from the
    account as it is now is shown side by side, and nothing is saved until the administrator chooses (merged edits
    of two pages: test_account_merged_edits.py)."""
    account = make_account(Role.DELEGATE, name="Oude Naam")
    with app.app_context():  # someone else saves first
        db.session.get(User, account.id).name = "Intussen Gewijzigd"
        commit()

    response = client.post(f"/admin/users/{account.id}/edit",
                           data=edit_form(account, name="Mijn Invoer", roles=["approver"]))

    assert response.status_code == 200
    body = page_text(response)
    assert "Someone else changed this account while you were editing, in fields you changed too." in body
    assert 'value="Mijn Invoer"' in body
    assert re.search(r'<input checked[^>]*value="approver"', body), "the chosen role is kept"
    assert 'name="keep-name"' in body and 'name="keep-roles"' in body
    saved = stored.account(account.email)
    assert saved.name == "Intussen Gewijzigd" and saved.roles == {Role.DELEGATE}
    assert stored.audit("user.update") == []


def test_after_choosing_saving_again_works(app, client, admin, make_account, stored):
    account = make_account(Role.DELEGATE)
    with app.app_context():
        db.session.get(User, account.id).name = "Intussen Gewijzigd"
        commit()
    response = client.post(f"/admin/users/{account.id}/edit", data=edit_form(account, name="Mijn Invoer"))
    body = response.get_data(as_text=True)
    current = re.search(r'name="version" type="hidden" value="(\d+)"', body).group(1)
    base = re.search(r'name="base" type="hidden" value="([^"]+)"', body).group(1)

    again = client.post(f"/admin/users/{account.id}/edit", data={
        **edit_form(account, name="Mijn Invoer", version=current), "base": base, "keep-name": "mine"})

    assert again.status_code == 302
    assert stored.account(account.email).name == "Mijn Invoer"


@pytest.mark.parametrize("change", [{"active": ""}, {"roles": ["approver"]}], ids=["disable", "drop-admin"])
def test_an_administrator_cannot_lock_themself_out(client, admin, stored, change):
    response = client.post(f"/admin/users/{admin.id}/edit", data=edit_form(admin, **change))

    assert response.status_code == 200
    assert field_error(response, "roles") == (
        "You cannot disable your own account or take away your own administrator role."
    )
    me = stored.account(admin.email)
    assert me.active and Role.ADMIN in me.roles
    assert client.get("/admin/users").status_code == 200


def test_an_administrator_disables_another_account(app, client, admin, make_account, stored):
    account = make_account(Role.PROTOCOL)

    client.post(f"/admin/users/{account.id}/edit", data=edit_form(account, active=""))

    assert not stored.account(account.email).active
    assert app.test_client().post("/login", data={"email": account.email, "password": PASSWORD}).status_code == 200
    assert "disabled" in page_text(client.get("/admin/users"))


def test_an_administrator_sets_a_new_password(app, client, admin, make_account):
    account = make_account(Role.PROTOCOL)

    client.post(f"/admin/users/{account.id}/edit", data=edit_form(account, password="another-long-password-7"))

    theirs = app.test_client()
    assert theirs.post("/login", data={"email": account.email, "password": PASSWORD}).status_code == 200
    assert theirs.post("/login", data={"email": account.email,
                                       "password": "another-long-password-7"}).status_code == 302


# ---- the audit log -----------------------------------------------------------------------------------------


def test_creating_an_account_is_audited_without_the_password(client, admin, stored):
    client.post("/admin/users/new", data=new_account())

    [entry] = stored.audit("user.create")
    assert entry["actor_id"] == admin.id
    assert entry["object_id"] == stored.account("nieuw@example.org").id
    assert entry["label"] == "nieuw@example.org"
    assert entry["changes"]["role_names"] == [None, ["approver", "delegate"]]
    assert NEW_PASSWORD not in str(entry["changes"])


def test_changing_an_account_is_audited_with_before_and_after(client, admin, make_account, stored):
    account = make_account(Role.DELEGATE)

    client.post(f"/admin/users/{account.id}/edit",
                data=edit_form(account, roles=["approver"], password="another-long-password-7"))

    [entry] = stored.audit("user.update")
    assert entry["actor_id"] == admin.id and entry["object_id"] == account.id
    assert entry["changes"]["role_names"] == [["delegate"], ["approver"]]
    assert "password" in entry["changes"]
    assert "another-long-password-7" not in str(entry["changes"])


def test_saving_an_account_unchanged_writes_no_audit_entry(client, admin, make_account, stored):
    account = make_account(Role.DELEGATE)

    assert client.post(f"/admin/users/{account.id}/edit", data=edit_form(account)).status_code == 302

    assert stored.audit("user.update") == []


def test_a_refused_change_leaves_no_audit_entry(client, admin, make_account, stored):
    make_account(Role.PROTOCOL, email="taken@example.org")

    client.post("/admin/users/new", data=new_account(email="taken@example.org"))
    client.post("/admin/users/new", data=new_account(password="short"))
    client.post(f"/admin/users/{admin.id}/edit", data=edit_form(admin, active=""))

    assert [e["action"] for e in stored.audit()] == []


def test_an_account_and_its_audit_entry_are_one_transaction(app, stored):
    with app.test_request_context():
        create_user(None, email="rolled@example.org", name="Rolled Back", password=NEW_PASSWORD, roles=["approver"])
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 1  # in the same, still open, transaction
        db.session.rollback()

    assert stored.account("rolled@example.org") is None
    assert stored.audit() == []


def test_the_audit_log_page_lists_every_change_newest_first(client, admin, stored):
    client.post("/admin/users/new", data=new_account())
    account = stored.account("nieuw@example.org")
    client.post(f"/admin/users/{account.id}/edit", data=edit_form(account, name="Nina Hernoemd"))

    response = client.get("/admin/audit")

    assert response.status_code == 200
    body = page_text(response)
    created = body.index("Account created: nieuw@example.org")
    changed = body.index("Account changed: nieuw@example.org")
    assert changed < created, "newest first"
    assert "Ada Admin" in body
    assert "Nina Hernoemd" in body


# ---- the command line --------------------------------------------------------------------------------------
# The command line speaks the instance's default language; messages are compared through ``_`` for that.


def test_the_command_line_creates_an_account_with_its_roles(app, runner, stored):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "approver", "--role", "delegate",
                                 "--name", "X", "--password-stdin"], input="a-long-password-123\n")

    assert result.exit_code == 0, result.output
    assert "x@example.org" in result.output
    account = stored.account("x@example.org")
    assert account.name == "X"
    assert account.roles == {Role.APPROVER, Role.DELEGATE}
    [entry] = stored.audit("user.create")
    assert entry["actor_id"] is None  # the command line acts as "system"
    client = app.test_client()
    assert client.post("/login", data={"email": "x@example.org", "password": "a-long-password-123"}).status_code == 302


def test_the_command_line_refuses_an_e_mail_address_in_use(app, runner, stored):
    runner.invoke(args=["users", "create", "x@example.org", "--role", "approver", "--password-stdin"],
                  input="a-long-password-123\n")

    result = runner.invoke(args=["users", "create", "X@Example.org", "--role", "delegate", "--password-stdin"],
                           input="a-long-password-123\n")

    assert result.exit_code != 0
    with app.app_context():
        assert _("An account with this e-mail address already exists.") in result.output
    assert stored.account_count() == 1
    assert stored.account("x@example.org").roles == {Role.APPROVER}


def test_the_command_line_refuses_a_short_password(app, runner, stored):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "approver", "--password-stdin"],
                           input="short\n")

    assert result.exit_code != 0
    with app.app_context():
        assert _("The password must be at least %(n)d characters long.", n=12) in result.output
    assert stored.account_count() == 0


def test_the_command_line_refuses_an_unknown_role(runner, stored):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "superuser", "--password-stdin"],
                           input="a-long-password-123\n")

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output and "superuser" in result.output
    assert stored.account_count() == 0


def test_the_command_line_lists_accounts_with_their_roles(runner):
    runner.invoke(args=["users", "create", "x@example.org", "--role", "approver", "--role", "delegate", "--name", "X",
                        "--password-stdin"], input="a-long-password-123\n")

    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0
    assert "x@example.org\tactive\tapprover, delegate" in result.output.splitlines()
