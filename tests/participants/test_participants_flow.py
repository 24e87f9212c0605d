"""Participants in the flow (issue 23, part 6): proposed from a mission for an item, added to an item from their own
page in one choice and one button, and the item form listing the mission's own people first, with a search that
works without JavaScript."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.participants.models import Participant, Scope
from visitplanner.participants.operations import create_participant, propose_participant, record_consent
from visitplanner.timeutil import today_utc

pytestmark = pytest.mark.usefixtures("ctx", "en")


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def person(advisor, alias: str, **extra) -> Participant:
    return create_participant(advisor, real_name=f"Naam {alias}", alias=alias, kind="ngo", **extra)


# ---- proposed from a mission, for an item -----------------------------------------------------------------------


def test_a_protocol_officer_proposes_someone_from_the_item_and_they_take_part_in_it(client, login, make_mission,
                                                                                  make_item):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    make_item(mission, "2027-04-12T10:00", "2027-04-12T11:00", title="Ontvangst")
    visit = make_item(mission, kind="ngo_visit", title="Huis van de Mensenrechten")
    login(Role.PROTOCOL)

    programme = page(client.get(f"/missions/{mission.id}/programme"))
    link = f"/participants/propose?mission={mission.id}&item={visit.id}"
    assert f'href="{link.replace("&", "&")}"' in programme, "a link beside the item opens the form for it"

    form = page(client.get(link))
    assert f"For the mission “{mission.title}”" in form
    assert re.search(rf'<option selected value="{visit.id}">Huis van de Mensenrechten', form), \
        "the item the link was beside is chosen"
    response = client.post(link, data={"csrf_token": csrf(form), "alias": "Zwaluw-4471", "organisation": "Uyghur",
                                       "kind": "resident", "at_risk": "y", "item": str(visit.id)})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/missions/{mission.id}/programme#item-{visit.id}")
    db.session.expire_all()
    proposed = db.session.scalar(select(Participant).where(Participant.alias == "Zwaluw-4471"))
    assert [p.alias for p in visit.participants] == ["Zwaluw-4471"]
    assert proposed.awaits_real_name
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.update",
                                                       AuditEntry.object_id == visit.id))
    assert entry.changes["participant_aliases"] == [[], ["Zwaluw-4471"]]
    assert "Zwaluw-4471" in page(client.get(f"/missions/{mission.id}/programme?audience=internal"))


def test_proposing_for_an_item_of_another_mission_is_refused(client, login, make_mission, make_item):
    mission, other = make_mission(), make_mission(title="Ander bezoek")
    elsewhere = make_item(other, title="Elders")
    login(Role.PROTOCOL)
    link = f"/participants/propose?mission={mission.id}"
    form = page(client.get(link))
    response = client.post(link, data={"csrf_token": csrf(form), "alias": "Mus-1", "kind": "ngo",
                                       "item": str(elsewhere.id)})
    assert response.status_code == 200
    assert "Not a valid choice" in page(response)
    assert db.session.scalar(select(Participant).where(Participant.alias == "Mus-1")) is None
    assert client.get("/participants/propose?mission=999999").status_code == 404


def test_proposing_without_a_mission_still_works_and_asks_for_no_item(client, login):
    login(Role.PROTOCOL)
    form = page(client.get("/participants/propose"))
    assert 'name="item"' not in form
    response = client.post("/participants/propose", data={"csrf_token": csrf(form), "alias": "Mus-2", "kind": "ngo"})
    assert response.status_code == 302
    assert db.session.scalar(select(Participant).where(Participant.alias == "Mus-2")) is not None


# ---- attaching from the participant's page ----------------------------------------------------------------------


def test_someone_is_added_to_an_item_from_their_page_with_one_choice_and_one_button(client, login, make_user,
                                                                                  make_mission, make_item):
    mission = make_mission(title="Werkbezoek Wuxi")
    meeting = make_item(mission, kind="ngo_visit", title="Gesprek")
    removed = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", title="Geschrapt")
    removed.removed_at = removed.created_at
    done = make_mission(title="Afgerond")
    done_item = make_item(done, title="Vroeger")
    done.status, done.cancelled_at, done.cancel_reason = "cancelled", done.created_at, "Afgelast"
    commit()
    lonely = propose_participant(make_user(Role.PROTOCOL), alias="Mus-0001", kind="ngo")
    commit()
    login(Role.PROTOCOL)

    html = page(client.get(f"/participants/{lonely.id}"))
    section = html[html.index('id="attach-heading"'):]
    assert f'<optgroup label="Werkbezoek Wuxi">' in section
    assert f'value="{meeting.id}"' in section
    assert f'value="{removed.id}"' not in section, "a removed item is not offered"
    assert f'value="{done_item.id}"' not in section, "nor an item of a cancelled mission"

    response = client.post(f"/participants/{lonely.id}/attach", data={"csrf_token": csrf(html),
                                                                      "item": str(meeting.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{lonely.id}#mission-{mission.id}")
    db.session.expire_all()
    assert [p.alias for p in meeting.participants] == ["Mus-0001"]
    after = page(client.get(f"/participants/{lonely.id}"))
    assert "Mus-0001 added to “Gesprek”" in after
    assert f'value="{meeting.id}"' not in after[after.index('id="attach-heading"'):], "not offered twice"


def test_attaching_to_an_item_one_is_already_in_is_refused_with_a_reason(client, login, make_user, make_mission,
                                                                         make_item):
    mission = make_mission()
    meeting = make_item(mission, kind="ngo_visit", title="Gesprek")
    someone = person(make_user(Role.ADVISOR), "Reiger-1")
    meeting.participants.append(someone)
    commit()
    login(Role.ADVISOR)
    html = page(client.get(f"/participants/{someone.id}"))
    response = client.post(f"/participants/{someone.id}/attach", data={"csrf_token": csrf(html),
                                                                      "item": str(meeting.id)},
                           follow_redirects=True)
    assert "Choose a programme item to add Reiger-1 to." in page(response)
    assert len(meeting.participants) == 1


def test_an_approver_sees_no_attach_form_and_may_not_attach(client, login, make_user, make_mission, make_item):
    meeting = make_item(make_mission(), kind="ngo_visit")
    someone = person(make_user(Role.ADVISOR), "Reiger-2")
    login(Role.APPROVER)
    assert 'id="attach-heading"' not in page(client.get(f"/participants/{someone.id}"))
    assert client.post(f"/participants/{someone.id}/attach", data={"item": str(meeting.id)}).status_code == 403


# ---- the item form: the mission's people first, a search for the rest -------------------------------------------


@pytest.fixture
def three_people(make_user, make_mission, make_item):
    """A mission with one person linked to an item, one holding only a consent for it, and one of another mission."""
    advisor = make_user(Role.ADVISOR)
    mission, other = make_mission(title="Werkbezoek Wuxi"), make_mission(title="Ander bezoek")
    meeting = make_item(mission, kind="ngo_visit", title="Gesprek")
    make_item(other, kind="ngo_visit", title="Elders")
    linked, consenting = person(advisor, "Ekster-1"), person(advisor, "Ekster-2")
    stranger = person(advisor, "Gaai-3", organisation="Tibet Support")
    meeting.participants.append(linked)
    other.items[0].participants.append(stranger)
    record_consent(advisor, consenting, mission, scopes=[Scope.TAKE_PART], method="in_person",
                   information_version="v1", reconfirm_by=mission.end_date, today=today_utc())
    commit()
    return mission, meeting, linked, consenting, stranger


def participant_options(html: str) -> list[str]:
    block = html[html.index("Civil-society participants</legend>"):html.index('id="participant_search"')]
    return re.findall(r'<label class="utrecht-form-label utrecht-form-label--checkbox" for="participants-\d+">([^<]+)',
                      block)


def test_the_item_form_lists_the_missions_own_participants_then_those_in_no_programme_yet(client, login, make_user,
                                                                                          three_people):
    mission, meeting, *_ = three_people
    login(Role.PROTOCOL)
    for url in (f"/missions/{mission.id}/items/new", f"/items/{meeting.id}/edit"):
        html = page(client.get(url))
        assert participant_options(html) == ["Ekster-1", "Ekster-2"], url
        assert "This mission's participants" in html
        assert "Gaai-3" not in html, "someone of another mission is found by the search only"
    propose_participant(make_user(Role.PROTOCOL), alias="Nieuw-9", kind="resident")
    commit()
    html = page(client.get(f"/missions/{mission.id}/items/new"))
    assert participant_options(html) == ["Ekster-1", "Ekster-2", "Nieuw-9"], "just proposed: ready to be ticked"


def test_the_search_finds_others_keeps_what_was_typed_and_saves_nothing(client, login, three_people):
    mission, _meeting, _linked, _consenting, stranger = three_people
    login(Role.PROTOCOL)
    url = f"/missions/{mission.id}/items/new"
    form = page(client.get(url))
    typed = {"csrf_token": csrf(form), "kind": "citizen_meeting", "title": "Bewonersavond",
             "timezone": "Asia/Shanghai", "starts_at": "2027-04-14T19:00", "ends_at": "2027-04-14T21:00",
             "visibility": "internal", "participant_search": "tibet"}

    found = page(client.post(url, data={**typed, "find_participants": "1"}))

    assert participant_options(found) == ["Ekster-1", "Ekster-2", "Gaai-3"]
    assert "Other participants" in found
    assert "1 participant found for “tibet”" in found
    assert 'value="Bewonersavond"' in found, "what was typed is kept"
    assert "The form was not saved" not in found, "a search is no failed save"
    assert len([i for i in mission.items if i.title == "Bewonersavond"]) == 0, "nothing saved"

    nothing = page(client.post(url, data={**typed, "participant_search": "niemand", "find_participants": "1"}))
    assert "No participant found for “niemand”" in nothing

    saved = client.post(url, data={**typed, "participants": [str(stranger.id)]})
    assert saved.status_code == 302
    db.session.expire_all()
    [item] = [i for i in mission.items if i.title == "Bewonersavond"]
    assert [p.alias for p in item.participants] == ["Gaai-3"]
    edit = page(client.get(f"/items/{item.id}/edit"))
    assert participant_options(edit) == ["Ekster-1", "Ekster-2", "Gaai-3"], "now one of the mission's own"


def test_the_advisor_also_finds_someone_by_the_exact_real_name_and_a_protocol_officer_does_not(
        client, auth, make_user, three_people):
    mission, *_ = three_people
    url = f"/missions/{mission.id}/items/new"
    for role, finds in ((Role.ADVISOR, True), (Role.PROTOCOL, False)):
        auth.login(make_user(role))
        form = page(client.get(url))
        html = page(client.post(url, data={"csrf_token": csrf(form), "participant_search": "naam gaai-3",
                                           "find_participants": "1"}))
        assert ("participants-" in html and any("Gaai-3" in o or "Naam Gaai-3" in o
                                                for o in participant_options(html))) == finds, role
        auth.logout()
