"""A protocol officer plans a mission: its details, its delegation and the companies taking part; all of it audited."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from visitplanner.audit.models import AuditEntry, AuditLogIsAppendOnly
from visitplanner.audit.operations import record
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Company, DelegationMember, Mission


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def mission_form(partnership_id: int, **overrides) -> dict:
    data = {
        "partnership_id": str(partnership_id),
        "direction": "outbound",
        "title": "Werkbezoek Wuxi, april 2027",
        "purpose": "Samenwerking op water, met mensenrechten als vast onderdeel.",
        "start_date": "2027-04-12",
        "end_date": "2027-04-15",
        "timezone": "Asia/Shanghai",
    }
    data.update(overrides)
    return data


def edit_form(mission: Mission, **overrides) -> dict:
    data = mission_form(
        mission.partnership_id, direction=mission.direction, title=mission.title, purpose=mission.purpose,
        start_date=mission.start_date.isoformat(), end_date=mission.end_date.isoformat(), timezone=mission.timezone,
        version=str(mission.version),
    )
    data.update(overrides)
    return data


def field_error(html: str, field: str) -> str:
    """The error text shown at a field ('' when none)."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()) if match else ""


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def latest_entry() -> AuditEntry:
    db.session.expire_all()
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))


def switch_user(client, login, *roles, **kwargs):
    client.post("/logout")
    return login(*roles, **kwargs)


# ---- the mission itself ----------------------------------------------------------------------------------


def test_a_protocol_officer_creates_an_outbound_mission(client, login, make_partnership):
    officer = login(Role.PROTOCOL)
    partnership = make_partnership()

    response = client.post(f"/partnerships/{partnership.id}/missions/new", data=mission_form(partnership.id))

    assert response.status_code == 302
    mission = db.session.scalar(select(Mission))
    assert response.headers["Location"].endswith(f"/missions/{mission.id}")
    assert (mission.direction, mission.timezone, mission.status) == ("outbound", "Asia/Shanghai", "draft")
    assert mission.created_by_id == officer.id
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "Werkbezoek Wuxi, april 2027" in page
    assert "Outbound" in page
    assert "Mission created" in page  # the flash message
    entry = latest_entry()
    assert (entry.action, entry.mission_id, entry.partnership_id) == ("mission.create", mission.id, partnership.id)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": "2027-04-15", "end_date": "2027-04-12"}, "end_date",
         "The last day cannot be before the first day."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
        ({"timezone": "Amsterdam"}, "timezone", "Choose a time zone from the list."),
        ({"title": "x" * 201}, "title", "200"),
        ({"title": "   "}, "title", "This field is required."),
        ({"start_date": "2027-13-45"}, "start_date", "Not a valid date"),
        ({"end_date": "morgen"}, "end_date", "Not a valid date"),
        ({"start_date": ""}, "start_date", "Enter a date"),
        ({"direction": "sideways"}, "direction", "Not a valid choice"),
    ],
)
def test_a_mission_with_bad_details_is_refused_at_the_field_and_nothing_is_saved(
    client, login, make_partnership, overrides, field, message
):
    login(Role.PROTOCOL)
    partnership = make_partnership()

    response = client.post(f"/partnerships/{partnership.id}/missions/new",
                           data=mission_form(partnership.id, **overrides))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The form was not saved" in html
    assert message in field_error(html, field)
    assert count(Mission) == 0
    assert count(AuditEntry) == 0


def test_moving_the_dates_so_that_programme_items_fall_outside_is_refused(client, login, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission(start=date(2027, 4, 12), end=date(2027, 4, 15))
    make_item(mission, "2027-04-15T10:00", "2027-04-15T11:00", title="Afsluitend overleg")

    response = client.post(f"/missions/{mission.id}/edit", data=edit_form(mission, end_date="2027-04-14"))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 programme item falls outside these dates: “Afsluitend overleg”. Move or remove it first." in unescape(html)
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).end_date.isoformat() == "2027-04-15"
    assert count(AuditEntry) == 0


def test_moving_the_dates_with_every_item_still_inside_is_saved(client, login, make_mission, make_item):
    login(Role.PROTOCOL)
    mission = make_mission()
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00")
    make_item(mission, "2027-04-14T22:00", "2027-04-15T00:00", title="Nachttrein")  # ends as the 14th ends

    response = client.post(f"/missions/{mission.id}/edit",
                           data=edit_form(mission, start_date="2027-04-13", end_date="2027-04-14"))

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).start_date.isoformat() == "2027-04-13"


def test_a_stale_edit_is_refused_and_the_input_kept(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission(title="Werkbezoek")
    opened = edit_form(mission)
    mission.purpose = "Aangepast door een collega"  # someone else saves first
    commit()
    current_version = mission.version

    response = client.post(f"/missions/{mission.id}/edit",
                           data={**opened, "title": "Mijn nieuwe titel", "purpose": "Mijn eigen doel"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this mission while you were editing" in html
    assert 'value="Mijn nieuwe titel"' in html
    assert "Mijn eigen doel" in html
    assert f'name="version" type="hidden" value="{current_version}"' in html
    db.session.expire_all()
    stored = db.session.get(Mission, mission.id)
    assert (stored.title, stored.purpose, stored.version) == ("Werkbezoek", "Aangepast door een collega",
                                                              current_version)
    assert count(AuditEntry) == 0


# ---- the delegation --------------------------------------------------------------------------------------


def test_adding_an_account_and_an_external_person_to_the_delegation(client, login, make_user, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission()
    alderman = make_user(Role.DELEGATE, name="Marieke Jansen")

    first = client.post(f"/missions/{mission.id}/members/new",
                        data={"user_id": str(alderman.id), "function": "Wethouder", "organisation": "Gemeente"})
    second = client.post(f"/missions/{mission.id}/members/new",
                         data={"user_id": "0", "name": "Pieter Mulder", "function": "Directeur",
                               "organisation": "Mulder Waterbouw B.V."})

    assert first.status_code == second.status_code == 302
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "Marieke Jansen" in page
    assert "Pieter Mulder" in page
    assert "Mulder Waterbouw B.V." in page
    db.session.expire_all()
    members = db.session.scalars(select(DelegationMember).order_by(DelegationMember.id)).all()
    assert [(m.user_id, m.name, m.function) for m in members] == [
        (alderman.id, None, "Wethouder"), (None, "Pieter Mulder", "Directeur"),
    ]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.add")).all()
    assert [e.mission_id for e in entries] == [mission.id, mission.id]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"user_id": "ALDERMAN"}, "user_id", "Marieke Jansen is already in the delegation."),
        ({"user_id": "0", "name": ""}, "name", "Choose a person with an account, or enter the name"),
        ({"user_id": "0", "name": "   "}, "name", "Choose a person with an account, or enter the name"),
        ({"user_id": "0", "name": "x" * 201}, "name", "200"),
    ],
)
def test_a_delegation_member_that_cannot_be_added_gets_a_message(
    client, login, make_user, make_mission, make_member, data, field, message
):
    login(Role.PROTOCOL)
    mission = make_mission()
    alderman = make_user(Role.DELEGATE, name="Marieke Jansen")
    make_member(mission, user=alderman)
    data = {k: (str(alderman.id) if v == "ALDERMAN" else v) for k, v in data.items()}

    response = client.post(f"/missions/{mission.id}/members/new", data=data)

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert count(DelegationMember) == 1
    assert count(AuditEntry) == 0


def test_removing_a_member_asks_first_then_takes_them_off_the_delegation_and_their_items(
    client, login, make_mission, make_member, make_item
):
    login(Role.PROTOCOL)
    mission = make_mission()
    leaving = make_member(mission, name="Hanneke Smit")
    staying = make_member(mission, name="Pieter Mulder")
    item = make_item(mission, attendees=[leaving, staying])
    url = f"/missions/{mission.id}/members/{leaving.id}/remove"

    confirm = client.get(url)

    assert confirm.status_code == 200
    assert "Remove Hanneke Smit from the delegation?" in confirm.get_data(as_text=True)
    assert count(DelegationMember) == 2

    done = client.post(url)

    assert done.status_code == 302
    db.session.expire_all()
    assert [m.display_name for m in db.session.get(Mission, mission.id).members] == ["Pieter Mulder"]
    assert [m.display_name for m in db.session.get(ProgrammeItem, item.id).attendees] == ["Pieter Mulder"]
    entry = latest_entry()
    assert (entry.action, entry.mission_id, entry.label) == ("delegation.remove", mission.id, "Hanneke Smit")
    assert "Hanneke Smit removed from the delegation." in client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "Hanneke Smit" not in client.get(f"/missions/{mission.id}").get_data(as_text=True)


def test_a_member_of_another_mission_cannot_be_removed_through_this_one(client, login, make_mission, make_member):
    login(Role.PROTOCOL)
    mission, other = make_mission(), make_mission()
    foreign = make_member(other, name="Lin Mei")

    assert client.post(f"/missions/{mission.id}/members/{foreign.id}/remove").status_code == 404
    assert count(DelegationMember) == 1


# ---- companies -------------------------------------------------------------------------------------------


def test_companies_are_added_refused_twice_and_removed_while_their_record_stays(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission()
    url = f"/missions/{mission.id}/companies/new"

    added = client.post(url, data={"name": "Mulder Waterbouw B.V.", "sector": "Waterbouw", "contact": "p@m.example"})
    assert added.status_code == 302
    assert "Mulder Waterbouw B.V." in client.get(f"/missions/{mission.id}").get_data(as_text=True)
    entry = latest_entry()
    assert (entry.action, entry.mission_id) == ("mission.add_company", mission.id)

    twice = client.post(url, data={"name": "mulder waterbouw b.v."})
    assert twice.status_code == 200
    assert "already takes part in this mission" in field_error(twice.get_data(as_text=True), "name")

    company = db.session.scalar(select(Company))
    remove_url = f"/missions/{mission.id}/companies/{company.id}/remove"
    confirm = client.get(remove_url)
    assert confirm.status_code == 200
    assert "The company's record is kept" in unescape(confirm.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).companies == [company]

    assert client.post(remove_url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).companies == []
    assert db.session.get(Company, company.id).name == "Mulder Waterbouw B.V."
    entry = latest_entry()
    assert (entry.action, entry.mission_id, entry.changes) == (
        "mission.remove_company", mission.id, {"company": ["Mulder Waterbouw B.V.", None]},
    )
    assert "No companies take part." in client.get(f"/missions/{mission.id}").get_data(as_text=True)


def test_a_company_of_another_mission_cannot_be_removed_through_this_one(client, login, make_mission):
    login(Role.PROTOCOL)
    mission, other = make_mission(), make_mission()
    assert client.post(f"/missions/{other.id}/companies/new", data={"name": "Mulder Waterbouw B.V."}).status_code == 302
    company = db.session.scalar(select(Company))

    assert client.get(f"/missions/{mission.id}/companies/{company.id}/remove").status_code == 404
    assert client.post(f"/missions/{mission.id}/companies/{company.id}/remove").status_code == 404
    db.session.expire_all()
    assert db.session.get(Mission, other.id).companies == [company], "it still takes part in its own mission"


def test_a_company_name_of_only_spaces_is_refused(client, login, make_mission):
    login(Role.PROTOCOL)
    mission = make_mission()

    response = client.post(f"/missions/{mission.id}/companies/new", data={"name": "   "})

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "company_id") == (
        "Choose a company from the register, or enter the name of a new one.")
    assert count(Company) == 0


# ---- the history -----------------------------------------------------------------------------------------


def test_every_change_is_audited_with_its_mission(client, login, make_user, make_partnership):
    login(Role.PROTOCOL)
    partnership = make_partnership()
    guest = make_user(Role.DELEGATE, name="Zhang Wei")
    client.post(f"/partnerships/{partnership.id}/missions/new", data=mission_form(partnership.id))
    mission = db.session.scalar(select(Mission))
    member_url = f"/missions/{mission.id}/members"
    steps = [
        (lambda: client.post(f"/missions/{mission.id}/edit", data=edit_form(mission, title="Nieuw")), "mission.update"),
        (lambda: client.post(f"{member_url}/new", data={"user_id": str(guest.id)}), "delegation.add"),
        (lambda: client.post(f"{member_url}/{db.session.scalar(select(DelegationMember.id))}/remove"),
         "delegation.remove"),
        (lambda: client.post(f"/missions/{mission.id}/companies/new", data={"name": "Stadslicht"}),
         "mission.add_company"),
        (lambda: client.post(f"/missions/{mission.id}/companies/{db.session.scalar(select(Company.id))}/remove"),
         "mission.remove_company"),
    ]
    for step, action in steps:
        assert step().status_code == 302, action
        entry = latest_entry()
        assert (entry.action, entry.mission_id) == (action, mission.id)


def test_the_history_shows_who_changed_what_newest_first(client, login, make_partnership):
    login(Role.PROTOCOL, name="Sanne de Vries")
    partnership = make_partnership()
    client.post(f"/partnerships/{partnership.id}/missions/new",
                data=mission_form(partnership.id, title="Werkbezoek Wuxi"))
    mission = db.session.scalar(select(Mission))
    switch_user(client, login, Role.PROTOCOL, name="Joost Bakker")
    client.post(f"/missions/{mission.id}/edit", data=edit_form(mission, title="Werkbezoek Wuxi en Suzhou"))
    switch_user(client, login, Role.APPROVER, name="Femke Visser")

    response = client.get(f"/missions/{mission.id}/history")

    assert response.status_code == 200
    rows = re.findall(r'<tr class="utrecht-table__row">(.*?)</tr>', response.get_data(as_text=True), re.S)[1:]
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in rows]
    assert len(text) == 2
    assert "Joost Bakker" in text[0] and "Mission changed" in text[0]
    assert "Title Werkbezoek Wuxi → Werkbezoek Wuxi en Suzhou" in text[0]
    assert "Sanne de Vries" in text[1] and "Mission created" in text[1]
    assert "Time zone China (Asia/Shanghai)" in text[1]


def test_audit_entries_cannot_be_changed_or_deleted(make_user):
    officer = make_user(Role.PROTOCOL)
    entry = record(officer, "mission.update", officer, label="Werkbezoek", mission_id=1)
    commit()

    entry.label = "Iets anders"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).label == "Werkbezoek"
