"""Programme items raise the partnership's focal themes (issue 5, B.b: raise the themes at every contact)."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from sqlalchemy import select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import create_item
from visitplanner.partnerships.models import FocalTheme
from visitplanner.partnerships.operations import set_focal_themes

from support.itinerary import edit_form, item_form, items
from support.pages import field_error


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def theme(key: str) -> FocalTheme:
    return db.session.scalar(select(FocalTheme).where(FocalTheme.key == key))


@pytest.fixture
def chosen(make_user, make_mission):
    """A mission whose partnership chose labour rights and surveillance; freedom of expression it did not."""
    mission = make_mission(timezone="Asia/Shanghai")
    set_focal_themes(make_user(Role.ADVISOR), mission.partnership,
                     [theme("labour_rights").id, theme("surveillance_smart_cities").id])
    commit()
    return mission


def checkbox_labels(html: str, name: str) -> dict[str, str]:
    """value → label text of the checkboxes called ``name``."""
    found = {}
    for match in re.finditer(r"<input([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        if attrs.get("name") == name:
            label = re.search(rf'<label[^>]*for="{re.escape(attrs["id"])}"[^>]*>(.*?)</label>', html, re.S)
            found[attrs["value"]] = unescape(label.group(1).strip()) if label else ""
    return found


def test_the_item_form_offers_only_the_partnerships_focal_themes(client, login, chosen):
    login(Role.PROTOCOL)

    page = client.get(f"/missions/{chosen.id}/items/new").get_data(as_text=True)

    offered = checkbox_labels(page, "focal_themes")
    assert offered == {str(theme("labour_rights").id): "Labour rights",
                       str(theme("surveillance_smart_cities").id): "Surveillance and smart cities (predictive policing)"}


def test_a_planner_links_an_item_to_a_focal_theme_and_the_office_sees_it_on_the_programme(client, login, chosen):
    login(Role.PROTOCOL)
    labour = theme("labour_rights")

    response = client.post(f"/missions/{chosen.id}/items/new",
                           data=item_form(focal_themes=[str(labour.id)], talking_points="Arbeidsrechten in de bouw"))

    assert response.status_code == 302
    [item] = items()
    assert [t.key for t in item.focal_themes] == ["labour_rights"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.create"))
    assert entry.changes["theme_names"] == [None, ["Labour rights"]]
    office = client.get(f"/missions/{chosen.id}/programme?audience=internal").get_data(as_text=True)
    assert re.search(r"<dt>Focal themes</dt><dd>Labour rights</dd>", office)
    delegation = client.get(f"/missions/{chosen.id}/programme?audience=delegation").get_data(as_text=True)
    assert "Ontvangst door het stadsbestuur" in delegation and "Focal themes" not in delegation


def test_the_edit_form_shows_the_items_themes_ticked_and_saves_a_change(client, login, chosen, make_item):
    login(Role.PROTOCOL)
    item = make_item(chosen, focal_themes=[theme("labour_rights")])
    surveillance = theme("surveillance_smart_cities")

    page = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    ticked = re.findall(r'<input[^>]*checked[^>]*>', page)
    assert any(f'value="{theme("labour_rights").id}"' in box and 'name="focal_themes"' in box for box in ticked)

    response = client.post(f"/items/{item.id}/edit", data=edit_form(item, focal_themes=[str(surveillance.id)]))

    assert response.status_code == 302
    [saved] = items()
    assert [t.key for t in saved.focal_themes] == ["surveillance_smart_cities"]
    assert saved.sequence == item.sequence, "a theme is not something calendar clients need to notice"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "item.update"))
    assert entry.changes["theme_names"] == [["Labour rights"], ["Surveillance and smart cities (predictive policing)"]]


def test_a_theme_the_partnership_did_not_choose_is_refused_at_the_field_and_nothing_is_saved(client, login, chosen):
    login(Role.PROTOCOL)

    response = client.post(f"/missions/{chosen.id}/items/new",
                           data=item_form(focal_themes=[str(theme("freedom_of_expression").id)]))

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "focal_themes")
    assert items() == []


def test_the_operation_itself_refuses_a_theme_the_partnership_did_not_choose(make_user, chosen):
    with pytest.raises(RuleViolation) as refused:
        create_item(make_user(Role.PROTOCOL), chosen, kind="official_meeting", title="Ontvangst",
                    starts_at=datetime(2027, 4, 13, 14), ends_at=datetime(2027, 4, 13, 15), timezone="Asia/Shanghai",
                    visibility="delegation", focal_themes=[theme("freedom_of_expression").id])
    assert refused.value.field == "focal_themes"
    db.session.rollback()
    assert db.session.scalar(select(ProgrammeItem)) is None


def test_without_chosen_themes_the_form_says_so_and_links_the_advisor_to_the_choice(client, login, make_mission):
    login(Role.ADVISOR)
    mission = make_mission()

    page = unescape(client.get(f"/missions/{mission.id}/items/new").get_data(as_text=True))

    assert "This partnership has not chosen focal themes yet." in page
    assert f'href="/partnerships/{mission.partnership_id}/themes"' in page
    assert checkbox_labels(page, "focal_themes") == {}


def test_themes_stay_out_of_calendar_files_even_for_the_office(client, login, chosen, make_item):
    login(Role.ADVISOR)
    make_item(chosen, focal_themes=[theme("labour_rights")], title="Ontvangst")

    body = client.get(f"/missions/{chosen.id}/programme.ics?audience=internal").get_data(as_text=True)

    assert "Ontvangst" in body
    assert "Labour rights" not in body and "Arbeidsrechten" not in body


def test_the_partnership_page_counts_the_items_raising_each_theme(client, login, chosen, make_item):
    login(Role.ADVISOR)
    labour, surveillance = theme("labour_rights"), theme("surveillance_smart_cities")
    make_item(chosen, focal_themes=[labour, surveillance], title="Ontvangst")
    make_item(chosen, "2027-04-14T09:00", "2027-04-14T10:00", focal_themes=[labour], title="Bedrijvensessie")
    gone = make_item(chosen, "2027-04-14T11:00", "2027-04-14T12:00", focal_themes=[labour], title="Geschrapt")
    assert client.post(f"/items/{gone.id}/remove", data={}).status_code == 302

    html = client.get(f"/partnerships/{chosen.partnership_id}").get_data(as_text=True)
    page = unescape(re.sub(r"<[^>]+>", "", html))  # each theme's name links to its page (its library)

    assert "Labour rights (Strong in the partner region) — programme items raising it: 2" in page
    assert f'href="/themes/{labour.id}"' in html
    assert "programme items raising it: 1" in page
