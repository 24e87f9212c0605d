"""The advisor's decision to protect or release an organisation, made on a page that is no longer current (issue 23):
never applied blindly, never merged.

Whether an organisation may be named rests on who it is, so a decision taken on an older page is not saved: the page
shows the organisation as it is now and what changed since it was opened, keeps the advisor's choice and reason, and
carries the current version, so that saving again from that page applies the decision, made on what is there now.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from support.pages import form_values, opened
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.stakeholders.models import Stakeholder
from visitplanner.stakeholders.operations import create_stakeholder, update_stakeholder

NOT_SAVED = ("Someone else changed this organisation while you were deciding. Your decision is not saved: check it "
             "against the organisation as it is now, shown below, and save again.")



def history(stakeholder_id: int) -> list[tuple[str, dict]]:
    """The audited changes of the organisation, oldest first."""
    db.session.expire_all()
    return [(e.action, e.changes) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_id == stakeholder_id, AuditEntry.action.like("stakeholder.%"))
        .order_by(AuditEntry.id))]


def stored(stakeholder_id: int) -> Stakeholder:
    db.session.expire_all()
    return db.session.get(Stakeholder, stakeholder_id)


def changed_row(html: str, label: str) -> str:
    row = html[html.index(f'scope="row">{label}'):]
    return row[:row.index("</tr>")]


@pytest.fixture
def organisation(ctx, make_user) -> Stakeholder:
    stakeholder = create_stakeholder(make_user(Role.PROTOCOL), name="Stichting Vrije Stem", alias="Meerkoet",
                                     kind="dutch_civil_society")
    commit()
    return stakeholder


@pytest.fixture
def advisors(signed_in):
    return signed_in(Role.ADVISOR), signed_in(Role.ADVISOR)


def test_a_release_by_another_advisor_is_not_undone_by_a_decision_from_an_older_page(organisation, advisors):
    anna, bram = advisors
    url = f"/stakeholders/{organisation.id}/protection"
    annas, brams = opened(anna, url), opened(bram, url)
    assert brams["protected"] == "yes"

    assert anna.post(url, data={**annas, "protected": "no", "reason": "Spreekt landelijk in het openbaar."}
                     ).status_code == 302
    # Bram's page still says protected; he saves it as it showed.
    shown = bram.post(url, data=brams)

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert NOT_SAVED in html
    assert "no, released by the human-rights advisor: Spreekt landelijk in het openbaar." in html, "as it is now"
    protected = changed_row(html, "Protected")
    assert protected.index("yes") < protected.index("no"), "protected then, not now"
    assert "Spreekt landelijk in het openbaar." in changed_row(html, "Why it need not be protected")
    assert not stored(organisation.id).protected, "the stale decision is not applied"
    assert [action for action, _changes in history(organisation.id)] == ["stakeholder.create", "stakeholder.release"]

    # Bram has seen the release and still decides to protect it: from that page, the save goes through.
    again = form_values(html)
    assert again["protected"] == "yes", "his choice is kept in the form"
    assert bram.post(url, data=again).status_code == 302
    assert stored(organisation.id).protected
    assert [action for action, _changes in history(organisation.id)] == [
        "stakeholder.create", "stakeholder.release", "stakeholder.protect"]


def test_a_release_after_the_organisation_became_a_diaspora_organisation_is_shown_and_then_refused(
        organisation, advisors, signed_in):
    _anna, bram = advisors
    url = f"/stakeholders/{organisation.id}/protection"
    brams = opened(bram, url)
    planner = signed_in(Role.PROTOCOL)
    edit = f"/stakeholders/{organisation.id}/edit"
    assert planner.post(edit, data={**opened(planner, edit), "kind": "diaspora"}).status_code == 302

    shown = bram.post(url, data={**brams, "protected": "no", "reason": "Een landelijke stichting."})

    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and NOT_SAVED in html
    kind = changed_row(html, "Kind")
    assert kind.index("Dutch civil society") < kind.index("Diaspora organisation")
    assert stored(organisation.id).protected

    again = form_values(html)
    assert (again["protected"], again["reason"]) == ("no", "Een landelijke stichting."), "his input is kept"
    refused = bram.post(url, data=again).get_data(as_text=True)
    assert "Civil society in the partner region and diaspora organisations are always protected." in refused
    assert stored(organisation.id).protected
    assert [action for action, _changes in history(organisation.id)] == ["stakeholder.create", "stakeholder.update"]


def test_after_only_its_name_changed_the_advisor_is_asked_again_and_the_second_save_goes_through(
        organisation, advisors, make_user):
    _anna, bram = advisors
    url = f"/stakeholders/{organisation.id}/protection"
    brams = opened(bram, url)
    # The approver renames it (a protocol officer does not see the name of a protected organisation).
    update_stakeholder(make_user(Role.APPROVER), organisation, expected_version=organisation.version,
                       name="Stichting Vrije Stem Wuxi", alias="Meerkoet", kind="dutch_civil_society", contact="")
    commit()

    shown = bram.post(url, data={**brams, "protected": "no", "reason": "Spreekt in het openbaar."})

    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and NOT_SAVED in html
    assert "Its name or how to reach them changed; nothing else this page shows." in html
    assert stored(organisation.id).protected

    assert bram.post(url, data=form_values(html)).status_code == 302
    released = stored(organisation.id)
    assert not released.protected and released.released_reason == "Spreekt in het openbaar."


def test_a_decision_from_a_current_page_is_saved_at_once(organisation, advisors):
    anna, _bram = advisors
    url = f"/stakeholders/{organisation.id}/protection"
    response = anna.post(url, data={**opened(anna, url), "protected": "no", "reason": "Openbaar."},
                         follow_redirects=True)
    assert "Protection saved." in response.get_data(as_text=True)
    assert not stored(organisation.id).protected
