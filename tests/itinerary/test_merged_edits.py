"""Two people edit the same record at once (issue 23, part 1): no save undoes the other's work.

Changes to different fields are both kept; a list (who attends) keeps what each added and drops what each removed;
the same field changed by both is shown side by side (before, saved meanwhile, yours) and nothing is saved until the
person chooses; the History keeps both saves. Each person edits in a browser of their own, as in the office.
"""

from __future__ import annotations

from sqlalchemy import select

from support.itinerary import items
from support.pages import form_values, opened
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.missions.models import Mission
from visitplanner.participants.models import Participant

BOTH_KEPT = "Someone else changed this item while you were editing: their changes and yours are both kept."
CHANGED_TWICE = "Someone else changed this item while you were editing, in fields you changed too."



def updates(item_id: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "item.update",
                                                            AuditEntry.object_id == item_id)
                                   .order_by(AuditEntry.id)))


def test_changes_to_different_fields_are_both_kept_and_both_in_the_history(ctx, make_mission, make_item, signed_in):
    item = make_item(make_mission(), title="Ontvangst", location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302
    saved = bram.post(url, data={**brams, "title": "Ontvangst door de burgemeester"}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    [stored] = items()
    assert (stored.title, stored.location) == ("Ontvangst door de burgemeester", "Hotel Lakeside")
    first, second = updates(item.id)
    assert set(first.changes) == {"location"} and set(second.changes) == {"title"}


def test_who_attends_keeps_what_each_added_and_drops_what_each_removed(ctx, make_mission, make_member, make_item,
                                                                        signed_in):
    mission = make_mission()
    ans, bo, cas, dirk = (make_member(mission, name=n) for n in ("An", "Bo", "Cas", "Dirk"))
    item = make_item(mission, attendees=[ans, bo])
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)

    # Anna adds Cas; Bram, from the same starting point, takes Bo off and adds Dirk.
    assert anna.post(url, data={**annas, "attendees": [str(ans.id), str(bo.id), str(cas.id)]}).status_code == 302
    saved = bram.post(url, data={**brams, "attendees": [str(ans.id), str(dirk.id)]}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    [stored] = items()
    assert sorted(stored.attendee_ids) == sorted([ans.id, cas.id, dirk.id])


def test_the_same_field_changed_by_both_is_shown_side_by_side_and_nothing_saved_until_chosen(
        ctx, make_mission, make_item, signed_in):
    item = make_item(make_mission(), title="Ontvangst", location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302

    shown = bram.post(url, data={**brams, "location": "Stadhuis, zaal 2", "description": "Met tolk"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = html[html.index('scope="row">Location'):]
    row = row[:row.index("</tr>")]
    assert row.index("Stadhuis Wuxi") < row.index("Hotel Lakeside") < row.index("Stadhuis, zaal 2")
    assert 'name="keep-location" value="theirs"' in row and 'name="keep-location" value="mine"' in row
    [stored] = items()
    assert (stored.location, stored.description) == ("Hotel Lakeside", "")
    again = form_values(html)
    assert again["location"] == "Stadhuis, zaal 2" and again["description"] == "Met tolk"

    # Saving again without choosing still saves nothing, and says so.
    unchosen = bram.post(url, data=again)
    assert "Choose which value to keep for each field that was changed twice." in unchosen.get_data(as_text=True)
    assert items()[0].location == "Hotel Lakeside"

    # Choosing the value saved meanwhile keeps it, and Bram's other change too.
    assert bram.post(url, data={**again, "keep-location": "theirs"}).status_code == 302
    [stored] = items()
    assert (stored.location, stored.description) == ("Hotel Lakeside", "Met tolk")
    assert [set(e.changes) for e in updates(item.id)] == [{"location"}, {"description"}]


def test_choosing_ones_own_value_keeps_it_and_the_history_still_shows_the_other_save(ctx, make_mission, make_item,
                                                                                      signed_in):
    item = make_item(make_mission(), location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302
    again = form_values(bram.post(url, data={**brams, "location": "Stadhuis, zaal 2"}).get_data(as_text=True))

    assert bram.post(url, data={**again, "keep-location": "mine"}).status_code == 302

    assert items()[0].location == "Stadhuis, zaal 2"
    history = [e.changes["location"] for e in updates(item.id)]
    assert history == [["Stadhuis Wuxi", "Hotel Lakeside"], ["Hotel Lakeside", "Stadhuis, zaal 2"]]


def test_a_tampered_base_is_not_trusted_every_difference_is_shown(ctx, make_mission, make_item, signed_in):
    item = make_item(make_mission(), location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302

    # A base forged to say the place was already Bram's would make his value win silently; it is refused as unknown.
    shown = bram.post(url, data={**brams, "base": brams["base"][:-2] + "xx", "location": "Elders"})

    assert shown.status_code == 200
    assert CHANGED_TWICE in shown.get_data(as_text=True)
    assert items()[0].location == "Hotel Lakeside"


def test_merging_works_for_missions_and_participants_too(ctx, make_mission, signed_in):
    mission = make_mission(title="Werkbezoek")
    url = f"/missions/{mission.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "purpose": "Water en mensenrechten"}).status_code == 302
    assert bram.post(url, data={**brams, "title": "Werkbezoek Wuxi"}).status_code == 302
    db.session.expire_all()
    stored = db.session.get(Mission, mission.id)
    assert (stored.title, stored.purpose) == ("Werkbezoek Wuxi", "Water en mensenrechten")

    person = Participant(real_name="Li Wei", alias="Deelnemer A", organisation="", kind="defender", residence="")
    db.session.add(person)
    commit()
    url = f"/participants/{person.id}/edit"
    carla, dees = signed_in(Role.ADVISOR), signed_in(Role.ADVISOR)
    carlas, dees_form = opened(carla, url), opened(dees, url)
    assert carla.post(url, data={**carlas, "organisation": "Stichting Water"}).status_code == 302
    assert dees.post(url, data={**dees_form, "alias": "Deelnemer B"}).status_code == 302
    db.session.expire_all()
    stored = db.session.get(Participant, person.id)
    assert (stored.alias, stored.organisation) == ("Deelnemer B", "Stichting Water")


def test_a_choice_made_while_a_third_person_saved_is_kept_and_their_change_too(ctx, make_mission, make_item,
                                                                                signed_in):
    item = make_item(make_mission(), title="Ontvangst", location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram, cas = (signed_in(Role.PROTOCOL) for _ in range(3))
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302
    again = form_values(bram.post(url, data={**brams, "location": "Elders", "title": "Diner"}).get_data(as_text=True))
    assert cas.post(url, data={**opened(cas, url), "description": "Met tolk"}).status_code == 302

    # Bram chose the value Anna saved; Cas saved meanwhile, in another field.
    assert bram.post(url, data={**again, "keep-location": "theirs"}).status_code == 302

    [stored] = items()
    assert (stored.title, stored.location, stored.description) == ("Diner", "Hotel Lakeside", "Met tolk")


def test_an_open_choice_stays_open_when_a_third_person_saved(ctx, make_mission, make_item, signed_in):
    item = make_item(make_mission(), location="Stadhuis Wuxi")
    url = f"/items/{item.id}/edit"
    anna, bram, cas = (signed_in(Role.PROTOCOL) for _ in range(3))
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "location": "Hotel Lakeside"}).status_code == 302
    again = form_values(bram.post(url, data={**brams, "location": "Elders"}).get_data(as_text=True))
    assert cas.post(url, data={**opened(cas, url), "description": "Met tolk"}).status_code == 302

    shown = bram.post(url, data=again)  # no choice made

    assert 'name="keep-location"' in shown.get_data(as_text=True)
    assert items()[0].location == "Hotel Lakeside"
