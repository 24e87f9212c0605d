"""Two sides of an inbound delegation (issue 23, part 7): our own people and the visitors are kept apart, asked when
someone is added and listed apart; the talking points go to our side only, in pages, prints, downloads and feeds."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.missions.operations import add_member, set_member_side
from visitplanner.errors import RuleViolation

pytestmark = pytest.mark.usefixtures("ctx", "en")

POINTS = "Vrijheid van meningsuiting; de zaak van Ilham Tohti."


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


# ---- asked, kept and listed apart -------------------------------------------------------------------------------


def test_adding_someone_to_an_inbound_delegation_asks_whose_side_they_are_on(client, login, make_mission):
    inbound, outbound = make_mission("inbound", timezone="Europe/Amsterdam"), make_mission("outbound")
    login(Role.PROTOCOL)
    assert "The visiting delegation" not in text(client.get(f"/missions/{outbound.id}/members/new"))
    url = f"/missions/{inbound.id}/members/new"
    form = text(client.get(url))
    assert "Our own people" in form and "The visiting delegation" in form

    assert re.search(r'<input checked[^>]*value="ours"', form), "our own people, unless the office says otherwise"

    for name, side in (("Zhang Wei", "visitors"), ("Anna de Boer", "ours")):
        response = client.post(url, data={"csrf_token": csrf(form), "user_id": "0", "name": name,
                                          "function": "", "organisation": "", "side": side})
        assert response.status_code == 302
    db.session.expire_all()
    assert {m.name: m.side for m in inbound.members} == {"Zhang Wei": "visitors", "Anna de Boer": "ours"}

    page = text(client.get(f"/missions/{inbound.id}"))
    ours = page[page.index('id="delegation-ours"'):page.index('id="delegation-visitors"')]
    visitors = page[page.index('id="delegation-visitors"'):page.index('id="companies"')]
    assert "Anna de Boer" in ours and "Zhang Wei" not in ours
    assert "Zhang Wei" in visitors and "Anna de Boer" not in visitors


def test_a_member_is_moved_to_the_other_side_with_one_button_and_it_is_audited(client, login, make_mission,
                                                                                make_member):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    member = make_member(mission, name="Lin Mei")
    login(Role.PROTOCOL)
    page = text(client.get(f"/missions/{mission.id}"))
    response = client.post(f"/missions/{mission.id}/members/{member.id}/side",
                           data={"csrf_token": csrf(page), "side": "visitors"})
    assert response.status_code == 302
    db.session.expire_all()
    assert member.side == "visitors"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delegation.update"))
    assert entry.changes == {"side": ["ours", "visitors"]}
    assert "Lin Mei: The visiting delegation." in text(client.get(f"/missions/{mission.id}"))


def test_an_outbound_delegation_has_no_visitors(make_user, make_mission, make_member):
    mission = make_mission("outbound")
    with pytest.raises(RuleViolation):
        add_member(make_user(Role.PROTOCOL), mission, name="Zhang Wei", side="visitors")
    with pytest.raises(RuleViolation):
        set_member_side(make_user(Role.PROTOCOL), mission, make_member(mission), "visitors")


def test_the_item_forms_hint_no_longer_says_that_everyone_gets_the_talking_points(client, login, make_mission):
    mission = make_mission("inbound", timezone="Europe/Amsterdam")
    login(Role.PROTOCOL)
    form = text(client.get(f"/missions/{mission.id}/items/new"))
    assert "our own people with the talking points, the visiting delegation without them" in form
    assert "talking points included — our hosts, and members of the visiting delegation" not in form


# ---- the talking points go to our side only ---------------------------------------------------------------------


@pytest.fixture
def mixed(make_user, make_mission, make_member, make_item):
    """An inbound mission whose delegation holds our alderman and the visiting deputy mayor, both with an account,
    and an official meeting both attend, shown to the delegation, with talking points."""
    mission = make_mission("inbound", timezone="Europe/Amsterdam", title="Bezoek delegatie Wuxi")
    alderman, deputy = make_user(Role.DELEGATE), make_user(Role.DELEGATE)
    ours = make_member(mission, alderman)
    theirs = make_member(mission, deputy)
    theirs.side = "visitors"
    commit()
    make_item(mission, "2027-04-13T10:00", "2027-04-13T11:00", title="Ontvangst op het stadhuis",
              visibility="delegation", attendees=[ours, theirs], talking_points=POINTS)
    return mission, alderman, deputy


def pages_of(client, mission) -> dict[str, str]:
    return {
        "page": text(client.get(f"/missions/{mission.id}/programme")),
        "print": text(client.get(f"/missions/{mission.id}/programme/print")),
        "download": text(client.get(f"/missions/{mission.id}/programme.ics")),
    }


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\\;", ";").replace("\\,", ",")


def test_our_side_reads_the_talking_points_in_every_page_print_and_download_and_the_visitors_in_none(
        client, auth, mixed):
    mission, alderman, deputy = mixed
    for who, sees in ((alderman, True), (deputy, False)):
        auth.login(who)
        for name, body in pages_of(client, mission).items():
            assert "Ontvangst op het stadhuis" in body, (who.name, name)
            assert (POINTS in unfolded(body)) == sees, (who.name, name)
        auth.logout()


def test_our_side_gets_them_in_a_feed_and_the_visitors_do_not(reader, mixed):
    mission, alderman, deputy = mixed
    for who, sees in ((alderman, True), (deputy, False)):
        for kind in ("person", "mission"):
            token = create_feed(who, kind=kind, audience="delegation", mission=mission if kind == "mission" else None)[1]
            commit()
            body = unfolded(text(reader.get(f"/feeds/{token}.ics")))
            assert "Ontvangst op het stadhuis" in body, (who.name, kind)
            assert (POINTS in body) == sees, (who.name, kind)


def test_moving_someone_to_the_visitors_takes_the_talking_points_out_of_their_feed(reader, make_user, mixed):
    mission, alderman, _deputy = mixed
    token = create_feed(alderman, kind="person", audience="delegation")[1]
    commit()
    assert POINTS in unfolded(text(reader.get(f"/feeds/{token}.ics")))
    set_member_side(make_user(Role.PROTOCOL), mission, mission.member_for(alderman), "visitors")
    commit()
    assert POINTS not in unfolded(text(reader.get(f"/feeds/{token}.ics"))), "the feed's ETag moved with the side"


def test_the_offices_copy_for_a_mixed_delegation_leaves_them_out_and_says_so(client, login, reader, mixed):
    mission, *_ = mixed
    staff = login(Role.PROTOCOL)
    copies = pages_of(client, mission)
    for name, body in copies.items():
        assert POINTS not in unfolded(body), name
    assert "The human-rights talking points are left out: the visiting delegation is on this delegation's list." \
        in copies["page"]
    assert POINTS in text(client.get(f"/missions/{mission.id}/programme?audience=internal"))
    token = create_feed(staff, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    assert POINTS not in unfolded(text(reader.get(f"/feeds/{token}.ics")))
    for audience in ("partner", "public", "travel"):
        assert POINTS not in text(client.get(f"/missions/{mission.id}/programme/print?audience={audience}"))


def test_without_visitors_on_the_list_the_delegation_gets_the_talking_points_as_before(client, login, mixed):
    mission, *_ = mixed
    for member in mission.members:
        member.side = "ours"
    commit()
    login(Role.PROTOCOL)
    copies = pages_of(client, mission)
    for name, body in copies.items():
        assert POINTS in unfolded(body), name
    assert "talking points are left out" not in copies["page"]
