"""Staff see what they just added (issue 23, part 8): after a save the programme shows the item as the office sees it
when the delegation's view would hide it, says so, and the delegation's view says where an item is hidden and offers
the office's own."""

from __future__ import annotations

import re
from html import unescape

import pytest

from visitplanner.auth.models import Role

pytestmark = pytest.mark.usefixtures("ctx", "en")


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def add(client, mission, **fields):
    url = f"/missions/{mission.id}/items/new"
    form = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf(form), "kind": "other", "timezone": mission.timezone,
            "starts_at": "2027-04-13T09:00", "ends_at": "2027-04-13T10:00", **fields}
    return client.post(url, data=data, follow_redirects=True)


def test_an_internal_item_just_added_is_shown_as_the_office_sees_it(client, login, make_mission):
    mission = make_mission()
    login(Role.PROTOCOL)
    response = add(client, mission, title="Voorbereidend overleg", location="Kamer 2.14", visibility="internal")
    html = unescape(response.get_data(as_text=True))

    assert response.request.args.get("audience") == "internal"
    assert "“Voorbereidend overleg” added to the programme." in html
    assert "Shown as the office sees it: the delegation sees “Voorbereidend overleg” as a private appointment" in html
    assert re.search(r'<option value="internal" selected>', html), "the selector says which view this is"
    assert "Voorbereidend overleg</h3>" in html and "Kamer 2.14" in html
    assert "Private appointment" not in html


def test_an_item_the_delegation_sees_whole_stays_in_the_delegations_view(client, login, make_mission):
    mission = make_mission()
    login(Role.PROTOCOL)
    response = add(client, mission, title="Ontvangst", visibility="delegation")
    html = unescape(response.get_data(as_text=True))
    assert response.request.args.get("audience") is None
    assert "Shown as the office sees it" not in html
    assert "Ontvangst</h3>" in html


def test_an_edit_that_makes_an_item_internal_shows_it_as_the_office_sees_it(client, login, make_mission, make_item):
    mission = make_mission()
    item = make_item(mission, title="Diner", visibility="delegation")
    login(Role.ADVISOR)
    form = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="(version|base)"[^>]*value="([^"]*)"', form))
    response = client.post(f"/items/{item.id}/edit", data={
        **{k: unescape(v) for k, v in data.items()}, "csrf_token": csrf(form), "kind": "meal", "title": "Diner",
        "timezone": mission.timezone, "starts_at": "2027-04-13T14:00", "ends_at": "2027-04-13T15:00",
        "visibility": "internal"}, follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert response.request.args.get("audience") == "internal"
    assert "“Diner” saved." in html
    assert "the delegation sees “Diner” as a private appointment" in html


def test_the_delegations_view_says_where_items_are_hidden_and_offers_the_offices(client, login, make_mission,
                                                                                 make_item, make_user, make_member,
                                                                                 auth):
    mission = make_mission()
    private = make_item(mission, "2027-04-13T09:00", "2027-04-13T10:00", title="Intern overleg",
                        visibility="internal")
    make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", title="Ontvangst", visibility="delegation")
    login(Role.PROTOCOL)

    delegation = unescape(client.get(f"/missions/{mission.id}/programme").get_data(as_text=True))
    assert "Intern overleg" not in delegation
    assert "Shown to this audience as a private appointment, without its details." in delegation
    assert f'href="/missions/{mission.id}/programme?audience=internal#item-{private.id}"' in delegation

    partner = unescape(client.get(f"/missions/{mission.id}/programme?audience=partner").get_data(as_text=True))
    assert "2 items of the programme are not shown to this audience." in partner
    assert f'href="/missions/{mission.id}/programme?audience=internal"' in partner

    internal = unescape(client.get(f"/missions/{mission.id}/programme?audience=internal").get_data(as_text=True))
    assert "not shown to this audience" not in internal and "Shown to this audience as a private" not in internal

    auth.logout()
    delegate = make_user(Role.DELEGATE)
    make_member(mission, delegate)
    auth.login(delegate)
    own = unescape(client.get(f"/missions/{mission.id}/programme").get_data(as_text=True))
    assert "Private appointment" in own
    assert "as the office sees it" not in own, "a delegation member is offered no view of the office"
