"""Next steps that lead somewhere (issue 13, part 2, in part): a new mission from the dashboard, the mission's
pages with the current one marked and its primary action at hand, "waiting for your sign-off" on the dashboard,
and a last sign-off that says the mission is now final."""

from __future__ import annotations

import re
from html import unescape

import pytest
from support.accounts import Auth
from support.readiness import ready_mission

from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.missions.models import MissionStatus
from visitplanner.readiness.operations import submit_for_signoff
from visitplanner.timeutil import today_utc


def text_of(response_or_html) -> str:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.get_data(as_text=True)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


def test_the_protocol_officer_starts_a_new_mission_from_the_dashboard(client, login, make_partnership):
    partnership = make_partnership(partner_region="Suzhou")
    login(Role.PROTOCOL)
    body = client.get("/").get_data(as_text=True)
    link = f'href="/partnerships/{partnership.id}/missions/new"'
    assert link in body and f"New mission for {partnership.label}" in unescape(body)
    assert client.get(f"/partnerships/{partnership.id}/missions/new").status_code == 200


def test_who_may_not_create_a_mission_is_not_offered_one(client, login, make_partnership):
    partnership = make_partnership()
    login(Role.ADVISOR)
    assert f"/partnerships/{partnership.id}/missions/new" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("path, current", [
    ("", "Overview"), ("/programme", "Programme"), ("/checklist", "Checklist and sign-off"),
    ("/history", "History"), ("/after", "After the visit"),
])
def test_each_page_of_a_mission_marks_where_you_are(client, login, make_mission, path, current):
    mission = make_mission()
    login(Role.PROTOCOL)
    body = client.get(f"/missions/{mission.id}{path}").get_data(as_text=True)
    marked = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', body)
    assert marked == [current]


def test_the_mission_page_offers_adding_a_programme_item(client, login, make_mission):
    mission = make_mission()
    login(Role.PROTOCOL)
    assert f'href="/missions/{mission.id}/items/new"' in client.get(f"/missions/{mission.id}").get_data(as_text=True)
    client.post("/logout")
    login(Role.APPROVER)
    assert f'href="/missions/{mission.id}/items/new"' not in client.get(f"/missions/{mission.id}").get_data(
        as_text=True)


def test_the_dashboard_says_who_a_mission_waits_for_and_the_last_sign_off_says_it_is_final(
    client, make_user, make_mission, make_item
):
    s = ready_mission(make_user, make_mission, make_item, "inbound", today=today_utc())
    submit_for_signoff(s.protocol, s.mission, today_utc())
    commit()
    auth = Auth(client)

    for signer in (s.advisor, s.approver):
        auth.login(signer)
        assert "Waiting for your sign-off" in text_of(client.get("/")), signer.email
        auth.logout()
    auth.login(s.protocol)
    assert "Waiting for your sign-off" not in text_of(client.get("/"))  # who submitted does not sign
    auth.logout()

    auth.login(s.advisor)
    signed = client.post(f"/missions/{s.mission.id}/sign-off", data={"role": "hr_advisor"}, follow_redirects=True)
    page = text_of(signed)
    assert "The mission waits for the other sign-off." in page
    assert "Waiting for your sign-off" not in text_of(client.get("/"))
    assert 'value="hr_advisor"' not in client.get(f"/missions/{s.mission.id}/checklist").get_data(as_text=True)
    auth.logout()

    auth.login(s.approver)
    final = text_of(client.post(f"/missions/{s.mission.id}/sign-off", data={"role": "approver"}, follow_redirects=True))
    assert "The mission is now final" in final
    db.session.expire_all()
    assert s.mission.status == MissionStatus.FINALISED
    assert "Waiting for your sign-off" not in text_of(client.get("/"))


def test_a_sign_off_shows_the_short_code_of_what_it_vouched_for_and_the_checklist_says_what_that_binds(
    client, make_user, make_mission, make_item
):
    from visitplanner.readiness.fingerprint import fingerprint, short_code, vouched_content
    from visitplanner.readiness.operations import context

    s = ready_mission(make_user, make_mission, make_item, "inbound", today=today_utc())
    submit_for_signoff(s.protocol, s.mission, today_utc())
    commit()
    auth = Auth(client)
    auth.login(s.advisor)
    client.post(f"/missions/{s.mission.id}/sign-off", data={"role": "hr_advisor"})
    page = text_of(client.get(f"/missions/{s.mission.id}/checklist"))

    code = short_code(fingerprint(vouched_content(s.mission, context(today_utc()))))
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", code)
    assert f"The mission as it is now has code {code}" in page
    signed_line = f"Human-rights advisor: {s.advisor.name}"
    assert signed_line in page and f"code {code}" in page.split(signed_line)[1][:120]
    assert "Any change to these voids it." in page

    item = s.mission.items[0]
    item.location = "Elders"
    commit()
    moved = text_of(client.get(f"/missions/{s.mission.id}/checklist"))
    now = short_code(fingerprint(vouched_content(s.mission, context(today_utc()))))
    assert now != code and f"The mission as it is now has code {now}" in moved
    assert f"code {code} — voided" in moved.split(signed_line)[1][:200], "the sign-off under the old code is void"


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.ADVISOR, Role.APPROVER, Role.ADMIN])
def test_every_fix_link_on_a_failing_checklist_opens_and_otherwise_it_says_who_can_fix_it(
    client, make_user, make_mission, make_item, role
):
    """A mission failing nearly every check (no groundwork, no human-rights component, a participant without
    consent or assessment, an official meeting without talking points): each role either gets a link that opens, or
    is told who can fix it; never a door that answers 403."""
    from visitplanner.participants.models import Participant

    mission = make_mission("outbound", title="Alles ontbreekt")
    make_item(mission, kind="official_meeting", title="Ontvangst")
    visit = make_item(mission, "2027-04-13T16:00", "2027-04-13T17:00", kind="ngo_visit", title="Bezoek")
    visit.participants.append(Participant(real_name="Zhao Ming", alias="Reiger-5521", kind="defender", at_risk=True))
    commit()
    Auth(client).login(make_user(role))
    html = client.get(f"/missions/{mission.id}/checklist").get_data(as_text=True)
    rows = re.findall(r'<tr class="utrecht-table__row vp-check vp-check--fail" id="check-(\w+)">(.*?)</tr>', html,
                      re.DOTALL)
    assert {"groundwork", "consent", "safety"} <= {name for name, _ in rows}, [name for name, _ in rows]
    for name, row in rows:
        links = re.findall(r'<a class="utrecht-link" href="([^"]+)" aria-label="Fix this: [^"]+">Fix this</a>', row)
        if links:
            target = unescape(links[0])
            assert client.get(target).status_code == 200, (role, name, target)
        else:
            assert "Who can fix this:" in text_of(row), (role, name)
    said = {name: text_of(row) for name, row in rows}
    if role == Role.PROTOCOL:
        assert "Who can fix this: Human-rights advisor" in said["groundwork"]
        assert "Who can fix this: Human-rights advisor" in said["consent"]
    if role == Role.ADVISOR:
        assert f'href="/partnerships/{mission.partnership_id}/dossier/new"' in dict(rows)["groundwork"]
    if role == Role.APPROVER:
        assert "Who can fix this: Human-rights advisor" in said["safety"], said
