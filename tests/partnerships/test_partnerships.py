"""A protocol officer records a partnership and changes it; bad input is refused at its field, stale saves too."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.partnerships.models import Partnership

VALID = {
    "own_organisation": "Gemeente Voorbeeldstad",
    "partner_region": "Wuxi",
    "region_type": "city",
    "kind": "sister_city",
    "cooperation_themes": "Slimme steden, waterbeheer",
}


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def partnership_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Partnership.id)))


def field_error(html: str, field: str) -> str:
    """The error text shown at a field ('' when none)."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()) if match else ""


def test_a_protocol_officer_records_a_partnership_and_finds_it_in_the_list(client, login):
    officer = login(Role.PROTOCOL, name="Sanne de Vries")

    response = client.post("/partnerships/new", data=VALID)

    assert response.status_code == 302
    listing = client.get("/partnerships/").get_data(as_text=True)
    assert "Gemeente Voorbeeldstad – Wuxi" in listing
    assert "Slimme steden, waterbeheer" in listing
    partnership = db.session.scalar(select(Partnership))
    assert response.headers["Location"].endswith(f"/partnerships/{partnership.id}")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partnership.create"))
    assert entry.actor_id == officer.id
    assert entry.partnership_id == partnership.id
    assert entry.changes["partner_region"] == [None, "Wuxi"]
    assert entry.changes["kind"] == [None, "sister_city"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("own_organisation", "", "This field is required."),
        ("partner_region", "", "This field is required."),
        ("partner_region", "   ", "This field is required."),
        ("own_organisation", "x" * 201, "200"),
        ("partner_region", "x" * 201, "200"),
        ("cooperation_themes", "x" * 2001, "2000"),
        ("region_type", "", "This field is required."),
    ],
)
def test_a_missing_or_over_long_field_is_refused_at_that_field_and_nothing_is_saved(
    client, login, field, value, message
):
    login(Role.PROTOCOL)

    response = client.post("/partnerships/new", data={**VALID, field: value})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The form was not saved" in html
    assert message in field_error(html, field)
    assert partnership_count() == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_exactly_200_characters_is_still_accepted(client, login):
    login(Role.PROTOCOL)
    assert client.post("/partnerships/new", data={**VALID, "partner_region": "x" * 200}).status_code == 302
    assert partnership_count() == 1


@pytest.mark.parametrize("kind", ["twin_town", "sister_city'; DROP TABLE partnerships; --", ""])
def test_an_unknown_kind_is_refused_and_nothing_is_saved(client, login, kind):
    login(Role.PROTOCOL)

    response = client.post("/partnerships/new", data={**VALID, "kind": kind})

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "kind")
    assert partnership_count() == 0


def test_an_edit_based_on_a_stale_version_is_refused_and_the_input_kept(client, login, make_partnership):
    login(Role.ADVISOR)
    partnership = make_partnership(partner_region="Wuxi", cooperation_themes="water")
    partnership_id, opened_version = partnership.id, partnership.version
    # Someone else saves first.
    partnership.cooperation_themes = "water, onderwijs"
    commit()
    current_version = partnership.version
    assert current_version != opened_version

    response = client.post(
        f"/partnerships/{partnership_id}/edit",
        data={**VALID, "partner_region": "Suzhou", "cooperation_themes": "mijn eigen tekst",
              "version": str(opened_version)},
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this partnership while you were editing" in html
    assert 'value="Suzhou"' in html
    assert "mijn eigen tekst" in html
    assert f'name="version" type="hidden" value="{current_version}"' in html
    db.session.expire_all()
    stored = db.session.get(Partnership, partnership_id)
    assert (stored.partner_region, stored.cooperation_themes) == ("Wuxi", "water, onderwijs")
    assert stored.version == current_version
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_an_edit_on_the_current_version_is_saved_and_audited(client, login, make_partnership):
    login(Role.PROTOCOL)
    partnership = make_partnership(partner_region="Wuxi")
    partnership_id, version = partnership.id, partnership.version

    response = client.post(f"/partnerships/{partnership_id}/edit",
                           data={**VALID, "partner_region": "Suzhou", "version": str(version)})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, partnership_id).partner_region == "Suzhou"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partnership.update"))
    assert entry.changes["partner_region"] == ["Wuxi", "Suzhou"]


# ---- sensible first states (issue 13, part 9) ----------------------------------------------------------------


def test_a_new_partnership_is_not_yet_assessed_until_the_advisor_sets_its_risk(client, login, make_user):
    from visitplanner.partnerships.operations import set_advice

    login(Role.PROTOCOL)
    client.post("/partnerships/new", data={"own_organisation": "Gemeente Teststad", "partner_region": "Suzhou",
                                           "region_type": "city", "kind": "sister_city", "cooperation_themes": ""})
    partnership = db.session.scalars(select(Partnership)).one()
    assert partnership.risk_level is None
    page = unescape(client.get(f"/partnerships/{partnership.id}").get_data(as_text=True))
    assert "Not yet assessed" in page and "Medium" not in page

    set_advice(make_user(Role.ADVISOR), partnership, expected_version=partnership.version, risk_level="high",
               advised_against=False, advised_against_reason="")
    commit()
    page = unescape(client.get(f"/partnerships/{partnership.id}").get_data(as_text=True))
    assert "Not yet assessed" not in page and "High" in page


def test_a_new_dossier_is_not_reported_as_unreviewed_for_a_year_on_day_one(client, login, make_partnership):
    from datetime import timedelta

    from visitplanner.timeutil import now_utc

    fresh = make_partnership(partner_region="Suzhou")
    old = make_partnership(partner_region="Nanjing")
    old.created_at = now_utc() - timedelta(days=400)
    commit()
    login(Role.PROTOCOL)
    page = unescape(re.sub(r"<[^>]+>", " ", client.get("/").get_data(as_text=True)))
    assert "Research dossier of Nanjing not reviewed for a year" in page
    assert "Research dossier of Suzhou not reviewed" not in page
    assert fresh.dossier_reviewed_on is None
