"""Two administrators edit the same account at once (issue 23): no save undoes the other's work.

Each opens the account's form in a browser of their own and saves what they changed in it. Changes to different
fields are both kept; the roles keep what each added and drop what each removed; the same field changed by both is
shown side by side (before, saved meanwhile, yours) and nothing is saved until the administrator chooses; a disabled
account is not enabled again by a save from an older page; the History shows every save as it was made, and none
that puts back what the other changed.
"""

from __future__ import annotations

import pytest
from flask import current_app
from itsdangerous import URLSafeSerializer

from support.pages import conflict_row, form_values, opened
from support.readiness import saved_changes
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db

BOTH_KEPT = "Someone else changed this account while you were editing: their changes and yours are both kept."
CHANGED_TWICE = "Someone else changed this account while you were editing, in fields you changed too."





def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.fixture
def target(ctx, make_user) -> User:
    return make_user(Role.PROTOCOL, email="piet@example.org", name="Piet Protocol")


@pytest.fixture
def admins(signed_in):
    return signed_in(Role.ADMIN), signed_in(Role.ADMIN)


def test_different_fields_changed_by_two_administrators_are_both_kept(target, admins):
    anna, bram = admins
    url = f"/admin/users/{target.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "email": "p.protocol@example.org"}).status_code == 302
    saved = bram.post(url, data={**brams, "name": "Piet de Protocollist"}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    account = stored(target.id)
    assert (account.email, account.name) == ("p.protocol@example.org", "Piet de Protocollist")
    assert saved_changes("user.update") == [{"email": ["piet@example.org", "p.protocol@example.org"]},
                         {"name": ["Piet Protocol", "Piet de Protocollist"]}]


def test_roles_keep_what_each_administrator_added_and_drop_what_each_removed(target, admins):
    anna, bram = admins
    url = f"/admin/users/{target.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)

    # Anna adds the approver's role; Bram, from the same page, swaps protocol for the advisor's.
    assert anna.post(url, data={**annas, "roles": ["protocol_officer", "approver"]}).status_code == 302
    saved = bram.post(url, data={**brams, "roles": ["hr_advisor"]}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    assert stored(target.id).role_names == {Role.APPROVER, Role.ADVISOR}
    anna_saved, bram_saved = (c["role_names"] for c in saved_changes("user.update"))
    assert "approver" in anna_saved[1]
    assert "approver" in bram_saved[0] and "approver" in bram_saved[1], "Bram's save keeps Anna's role"
    assert "protocol_officer" not in bram_saved[1] and "hr_advisor" in bram_saved[1]


def test_a_disabled_account_stays_disabled_when_another_administrator_saves_its_name_from_an_older_page(
        target, admins):
    anna, bram = admins
    url = f"/admin/users/{target.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    assert annas["active"] == "y"

    disabled = {k: v for k, v in annas.items() if k != "active"}  # an unticked checkbox is not sent
    assert anna.post(url, data=disabled).status_code == 302
    assert bram.post(url, data={**brams, "name": "Piet de Protocollist"}).status_code == 302

    account = stored(target.id)
    assert not account.active and account.name == "Piet de Protocollist"
    anna_saved, bram_saved = saved_changes("user.update")
    assert anna_saved["active"] == [True, False]
    assert "active" not in bram_saved, "Bram's save does not enable the account again"


def test_the_same_field_changed_by_both_is_shown_side_by_side_and_nothing_saved_until_chosen(target, admins):
    anna, bram = admins
    url = f"/admin/users/{target.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "name": "Piet Pieters"}).status_code == 302

    shown = bram.post(url, data={**brams, "name": "Pieter Protocol", "roles": ["protocol_officer", "delegate"],
                                 "password": "a-long-enough-password-42"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = conflict_row(html, "Name")
    assert row.index("Piet Protocol") < row.index("Piet Pieters") < row.index("Pieter Protocol")
    assert "Type the new password again: a password is never kept in the page." in html
    assert "a-long-enough-password-42" not in html
    account = stored(target.id)
    assert (account.name, account.role_names) == ("Piet Pieters", {Role.PROTOCOL})

    again = form_values(html)
    assert sorted(again["roles"]) == ["delegate", "protocol_officer"], "the roles merged without a question"
    unchosen = bram.post(url, data=again)
    assert "Choose which value to keep for each field that was changed twice." in unchosen.get_data(as_text=True)
    assert stored(target.id).role_names == {Role.PROTOCOL}

    assert bram.post(url, data={**again, "keep-name": "theirs"}).status_code == 302
    account = stored(target.id)
    assert (account.name, account.role_names) == ("Piet Pieters", {Role.PROTOCOL, Role.DELEGATE})
    anna_saved, bram_saved = saved_changes("user.update")
    assert anna_saved == {"name": ["Piet Protocol", "Piet Pieters"]}
    assert "name" not in bram_saved and "delegate" in bram_saved["role_names"][1]


def test_a_save_after_the_account_only_signed_in_meanwhile_goes_through_without_a_word_of_others(
        target, admins):
    """Signing in moves the account's version (its second factor, its sessions) but changes nothing the form shows:
    the save is not refused, and nobody is said to have changed the account."""
    anna, _bram = admins
    url = f"/admin/users/{target.id}/edit"
    annas = opened(anna, url)
    account = stored(target.id)
    version = account.version
    account.session_generation += 1  # what a sign-out everywhere writes
    commit()
    assert stored(target.id).version == version + 1

    saved = anna.post(url, data={**annas, "name": "Piet de Protocollist"}, follow_redirects=True)

    html = saved.get_data(as_text=True)
    assert "Account piet@example.org saved." in html and BOTH_KEPT not in html
    assert stored(target.id).name == "Piet de Protocollist"


def test_the_page_carries_no_password_in_its_base(target, admins):
    """The base travels in the page, readable without the key: it holds the account's fields, never a password."""
    anna, _bram = admins
    base = opened(anna, f"/admin/users/{target.id}/edit")["base"]
    payload = URLSafeSerializer(current_app.secret_key).load_payload(base.rsplit(".", 1)[0].encode())
    assert sorted(payload["values"]) == ["active", "email", "name", "roles"]
