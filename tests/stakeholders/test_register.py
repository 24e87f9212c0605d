"""The register of stakeholders (issue 24, part 1): organisations protected by default, named by role through
``disclosure``, released only by the advisor with a reason; a person in it is the participant record itself."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from support.pages import form_values

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.participants.operations import create_participant
from visitplanner.participants.retention import erase, erase_stakeholder, pseudonymise, pseudonymise_stakeholders
from visitplanner.partnerships.models import Objective
from visitplanner.stakeholders.models import Involvement, Stakeholder
from visitplanner.stakeholders.operations import create_stakeholder, record_involvement, set_protection

#: Names no other text of any page contains.
SECRET = "Zhang Quanmei Werkgroep"
CONTACT = "Signal +86 139 5555 0101"
SAID = "Noem nooit de fabriek van Quanmei"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def add(client, **data) -> Stakeholder:
    values = {"name": SECRET, "alias": "", "kind": "partner_civil_society", "contact": CONTACT}
    values.update(data)
    response = client.post("/stakeholders/new", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Stakeholder).order_by(Stakeholder.id.desc()))


@pytest.fixture
def objective(ctx, make_partnership):
    partnership = make_partnership()
    objective = Objective(partnership=partnership, what="Arbeidsrechten agenderen", target_date=date(2027, 12, 31))
    db.session.add(objective)
    commit()
    return objective


# ---- protected by default --------------------------------------------------------------------------------------


def test_a_new_organisation_is_protected_and_the_protocol_officer_sees_only_its_alias(ctx, client, en, login):
    login(Role.PROTOCOL)
    stakeholder = add(client)
    assert stakeholder.protected and re.fullmatch(r"[A-Za-z]+-\d{4}", stakeholder.alias)
    for url in ("/stakeholders/", f"/stakeholders/{stakeholder.id}", f"/stakeholders/{stakeholder.id}/edit"):
        html = page(client, url)
        assert stakeholder.alias in html
        assert SECRET not in html and CONTACT not in html, url
    # The edit form has no name field, and its signed base carries no name either.
    values = form_values(page(client, f"/stakeholders/{stakeholder.id}/edit"))
    assert "name" not in values and "contact" not in values


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.APPROVER, Role.ADMIN])
def test_the_roles_that_may_see_real_names_see_the_organisations_name(ctx, client, en, login, make_user, role):
    stakeholder = create_stakeholder(make_user(Role.PROTOCOL), name=SECRET, kind="partner_civil_society",
                                     contact=CONTACT)
    commit()
    login(role)
    assert SECRET in page(client, "/stakeholders/")
    html = page(client, f"/stakeholders/{stakeholder.id}")
    assert SECRET in html and CONTACT in html


def test_the_name_is_encrypted_at_rest_and_never_in_the_audit_log(ctx, client, en, login):
    login(Role.ADVISOR)
    stakeholder = add(client)
    values = form_values(page(client, f"/stakeholders/{stakeholder.id}/edit"))
    values.update(name=SECRET + " II", contact=CONTACT + "2")
    assert client.post(f"/stakeholders/{stakeholder.id}/edit", data=values).status_code == 302
    raw = db.session.execute(text("SELECT name, contact FROM stakeholders")).one()
    assert SECRET not in raw.name and CONTACT not in raw.contact
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Stakeholder")
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["stakeholder.create", "stakeholder.update"]
    assert all(SECRET not in str(e.changes) and CONTACT not in str(e.changes) for e in entries)
    assert entries[1].changes["name"] == ["", "(changed)"]


# ---- the advisor's decision ------------------------------------------------------------------------------------


def test_only_the_advisor_releases_an_organisation_and_only_with_a_reason(ctx, client, en, login, make_user):
    stakeholder = create_stakeholder(make_user(Role.PROTOCOL), name="Amnesty werkgroep Teststad",
                                     kind="local_hr_group")
    commit()
    protocol = login(Role.PROTOCOL)
    assert client.post(f"/stakeholders/{stakeholder.id}/protection",
                       data={"protected": "no", "reason": "x", "version": "1"}).status_code == 403
    client.post("/logout")
    login(Role.ADVISOR)
    html = client.post(f"/stakeholders/{stakeholder.id}/protection",
                       data={"protected": "no", "reason": "", "version": "1"}).get_data(as_text=True)
    assert "Give the reason why this organisation need not be protected." in html
    db.session.expire_all()
    assert db.session.get(Stakeholder, stakeholder.id).protected
    response = client.post(f"/stakeholders/{stakeholder.id}/protection",
                           data={"protected": "no", "reason": "Spreekt in het openbaar.", "version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    released = db.session.get(Stakeholder, stakeholder.id)
    assert not released.protected and released.released_reason == "Spreekt in het openbaar."
    assert released.released_by_id is not None
    # Now every member of the staff sees its name.
    client.post("/logout")
    from support.accounts import Auth

    assert Auth(client).login(protocol).status_code == 302
    assert "Amnesty werkgroep Teststad" in page(client, "/stakeholders/")


def test_civil_society_in_the_partner_region_is_never_released(ctx, client, en, login, make_user):
    stakeholder = create_stakeholder(make_user(Role.ADVISOR), name=SECRET, kind="partner_civil_society")
    commit()
    login(Role.ADVISOR)
    html = client.post(f"/stakeholders/{stakeholder.id}/protection",
                       data={"protected": "no", "reason": "Onschuldig.", "version": "1"}).get_data(as_text=True)
    assert "always protected" in html
    db.session.expire_all()
    assert db.session.get(Stakeholder, stakeholder.id).protected
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE stakeholders SET protected = :f, released_reason = 'x'"), {"f": False})
        db.session.flush()
    db.session.rollback()


def test_moving_a_released_organisation_to_the_diaspora_protects_it_again(ctx, make_user):
    advisor = make_user(Role.ADVISOR)
    stakeholder = create_stakeholder(advisor, name="Stichting Teststad", kind="dutch_civil_society")
    set_protection(advisor, stakeholder, expected_version=stakeholder.version, protected=False, reason="Landelijk.")
    commit()
    from visitplanner.stakeholders.operations import update_stakeholder

    update_stakeholder(make_user(Role.PROTOCOL), stakeholder, expected_version=stakeholder.version,
                       name=stakeholder.name, alias=stakeholder.alias, kind="diaspora", contact="")
    commit()
    assert stakeholder.protected and stakeholder.released_reason == ""


def test_an_alias_names_one_record_only(ctx, client, en, login, make_user):
    create_participant(make_user(Role.ADVISOR), real_name="Li Wei", alias="Zwaluw-4471", kind="defender")
    commit()
    login(Role.PROTOCOL)
    html = client.post("/stakeholders/new", data={"name": "Groep", "alias": "Zwaluw-4471",
                                                   "kind": "dutch_civil_society"}).get_data(as_text=True)
    assert "This alias is already in use" in html
    assert count(Stakeholder) == 0


# ---- who the objective rests on ---------------------------------------------------------------------------------


def test_recording_who_was_consulted_clears_the_warnings_one_by_one(ctx, client, en, login, objective, make_user):
    advisor = login(Role.ADVISOR)
    partnership_page = f"/partnerships/{objective.partnership_id}"
    assert "This objective rests on no civil-society input." in page(client, partnership_page)
    assert "rests on no civil-society input" in page(client, "/")

    institute = create_stakeholder(advisor, name="Kenniscentrum", kind="knowledge")
    dutch = create_stakeholder(advisor, name="Amnesty werkgroep", kind="local_hr_group")
    commit()
    form = {"party": f"stakeholder-{institute.id}", "held_on": "2027-01-10", "way": "written", "said": "Notitie"}
    assert client.post(f"/objectives/{objective.id}/involvement/new", data=form).status_code == 302
    assert "This objective rests on no civil-society input." in page(client, partnership_page), \
        "a knowledge institution is not civil society"

    form.update(party=f"stakeholder-{dutch.id}", way="meeting")
    client.post(f"/objectives/{objective.id}/involvement/new", data=form)
    html = page(client, partnership_page)
    assert "This objective has no input from civil society in the partner region." in html
    assert "rests on no civil-society input." not in html

    person = create_participant(advisor, real_name="Chen Xiaoli", alias="Reiger-2041", kind="defender",
                                in_partner_region=True)
    commit()
    form.update(party=f"participant-{person.id}", way="call")
    client.post(f"/objectives/{objective.id}/involvement/new", data=form)
    html = page(client, partnership_page)
    assert "This objective" not in html
    dashboard = page(client, "/")
    assert "civil-society input" not in dashboard and "partner region" not in dashboard
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "involvement.create"))] == ["involvement.create"] * 3


def test_the_dashboard_links_an_objective_without_input_to_where_it_is_recorded(ctx, client, en, login, objective):
    login(Role.PROTOCOL)
    html = page(client, "/")
    link = f'/partnerships/{objective.partnership_id}#objective-{objective.id}'
    assert link in html
    assert f'id="objective-{objective.id}"' in page(client, link.split("#")[0])


def test_what_a_protected_party_said_is_for_the_roles_that_see_names(ctx, client, en, login, objective, make_user):
    advisor = make_user(Role.ADVISOR)
    group = create_stakeholder(advisor, name=SECRET, kind="partner_civil_society")
    record_involvement(advisor, objective, party=f"stakeholder-{group.id}", held_on=date(2027, 1, 5),
                       way="call", said=SAID)
    commit()
    login(Role.PROTOCOL)
    html = page(client, f"/partnerships/{objective.partnership_id}")
    assert group.alias in html and SECRET not in html and SAID not in html
    assert "what they said is read by the human-rights advisor" in html
    assert SAID not in page(client, f"/stakeholders/{group.id}")
    client.post("/logout")
    login(Role.ADVISOR)
    html = page(client, f"/partnerships/{objective.partnership_id}")
    assert SECRET in html and SAID in html


def test_a_choice_not_in_the_list_is_refused_and_nothing_is_saved(ctx, client, en, login, objective):
    login(Role.ADVISOR)
    for party in ("stakeholder-999999", "nobody", "participant-x", ""):
        response = client.post(f"/objectives/{objective.id}/involvement/new",
                               data={"party": party, "held_on": "2027-01-10", "way": "meeting"})
        assert response.status_code == 200, party
    response = client.post(f"/objectives/{objective.id}/involvement/new",
                           data={"party": "", "held_on": "not a day", "way": "telepathy"})
    assert response.status_code == 200
    assert count(Involvement) == 0


# ---- one person, one record; retention and erasure -----------------------------------------------------------


def test_a_person_consulted_and_met_is_one_participant_and_one_erasure(ctx, objective, make_user):
    advisor = make_user(Role.ADVISOR)
    person = create_participant(advisor, real_name="Chen Xiaoli", alias="Reiger-2041", kind="defender")
    record_involvement(advisor, objective, party=f"participant-{person.id}", held_on=date(2027, 1, 5),
                       way="call", said=SAID)
    commit()
    pseudonymise(advisor, person)
    commit()
    assert db.session.scalar(select(Involvement.said)) == ""
    erase(advisor, person)
    commit()
    assert count(Involvement) == 0


def test_erasing_an_organisation_leaves_only_its_alias(ctx, client, en, login, objective):
    advisor = login(Role.ADVISOR)
    group = create_stakeholder(advisor, name=SECRET, kind="diaspora", contact=CONTACT)
    record_involvement(advisor, objective, party=f"stakeholder-{group.id}", held_on=date(2027, 1, 5),
                       way="meeting", said=SAID)
    commit()
    assert "This cannot be undone." in page(client, f"/stakeholders/{group.id}/erase")
    assert count(Stakeholder) == 1 and db.session.get(Stakeholder, group.id).name == SECRET, "GET erases nothing"
    assert client.post(f"/stakeholders/{group.id}/erase").status_code == 302
    db.session.expire_all()
    erased = db.session.get(Stakeholder, group.id)
    assert (erased.name, erased.contact, erased.erased_at is not None) == ("", "", True)
    assert db.session.scalar(select(Involvement.said)) == ""
    html = page(client, f"/stakeholders/{group.id}")
    assert SECRET not in html and SAID not in html and group.alias in html
    with pytest.raises(RuleViolation):
        erase_stakeholder(advisor, erased)


def test_retention_strips_a_protected_organisation_not_consulted_for_the_period(ctx, objective, make_user):
    advisor = make_user(Role.ADVISOR)
    quiet = create_stakeholder(advisor, name=SECRET, kind="partner_civil_society", contact=CONTACT)
    recent = create_stakeholder(advisor, name="Recent consulted", kind="partner_civil_society")
    released = create_stakeholder(advisor, name="Landelijke stichting", kind="dutch_civil_society")
    set_protection(advisor, released, expected_version=released.version, protected=False, reason="Openbaar.")
    commit()
    later = date.today() + timedelta(days=400)
    record_involvement(advisor, objective, party=f"stakeholder-{recent.id}", held_on=later - timedelta(days=10),
                       way="call", said="Recent")
    commit()
    assert pseudonymise_stakeholders(later, dry_run=True) == [quiet]
    assert quiet.name == SECRET, "a dry run changes nothing"
    pseudonymise_stakeholders(later, dry_run=False)
    commit()
    assert (quiet.name, quiet.contact) == ("", "")
    assert recent.name == "Recent consulted" and released.name == "Landelijke stichting"


def test_a_persons_copy_of_their_data_lists_what_they_said_on_the_action_plan(ctx, client, en, login, objective):
    advisor = login(Role.ADVISOR)
    person = create_participant(advisor, real_name="Chen Xiaoli", alias="Reiger-2041", kind="defender")
    record_involvement(advisor, objective, party=f"participant-{person.id}", held_on=date(2027, 1, 5), way="call",
                       said=SAID)
    commit()
    html = client.post(f"/participants/{person.id}/data", data={"format": "html"}).get_data(as_text=True)
    section = html.split("Consulted on the action plan", 1)[1].split("Audit log", 1)[0]
    assert SAID in section and "Arbeidsrechten agenderen" in section and "Who was consulted" not in section


def test_the_evaluation_of_an_objective_shows_whose_input_it_rests_on(ctx, client, en, login, objective):
    advisor = login(Role.ADVISOR)
    group = create_stakeholder(advisor, name=SECRET, kind="partner_civil_society")
    record_involvement(advisor, objective, party=f"stakeholder-{group.id}", held_on=date(2027, 1, 5),
                       way="workshop", said=SAID)
    commit()
    html = page(client, f"/objectives/{objective.id}/evaluate")
    section = html.split('id="involved"', 1)[1].split("<form", 1)[0]
    assert SECRET in section and "A workshop" in section and SAID in section


# ---- in the partnership's review --------------------------------------------------------------------------------


def test_the_review_shows_whose_input_each_objective_rests_on_as_each_edition_may(ctx, client, en, login, objective):
    advisor = login(Role.ADVISOR)
    group = create_stakeholder(advisor, name=SECRET, kind="partner_civil_society")
    dutch = create_stakeholder(advisor, name="Amnesty werkgroep Teststad", kind="local_hr_group")
    set_protection(advisor, dutch, expected_version=dutch.version, protected=False, reason="Openbaar.")
    record_involvement(advisor, objective, party=f"stakeholder-{group.id}", held_on=date(2027, 1, 5), way="call",
                       said=SAID)
    record_involvement(advisor, objective, party=f"stakeholder-{dutch.id}", held_on=date(2027, 1, 6),
                       way="meeting", said="Vraag naar uitzendkrachten")
    commit()
    url = f"/partnerships/{objective.partnership_id}/review/report?audience="
    office = page(client, url + "internal")
    assert SECRET in office and SAID in office and "Amnesty werkgroep Teststad" in office
    council = page(client, url + "council")
    assert SECRET not in council and SAID not in council and group.alias not in council
    assert "Civil society in the partner region — A call or video meeting" in council
    assert "Amnesty werkgroep Teststad — A meeting" in council and "Vraag naar uitzendkrachten" in council
    client.post("/logout")
    login(Role.PROTOCOL)
    office = page(client, url + "internal")
    assert SECRET not in office and SAID not in office and group.alias in office


def test_a_participant_cannot_take_an_organisations_alias_either(english, make_user):
    advisor = make_user(Role.ADVISOR)
    create_stakeholder(advisor, name="Groep", alias="Linde-4471", kind="dutch_civil_society")
    commit()
    with pytest.raises(RuleViolation, match="already in use"):
        create_participant(advisor, real_name="Li Wei", alias="Linde-4471", kind="defender")
