"""Who may open which page: the access table covers every route, and every role meets the door it should."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from support.accounts import PASSWORD
from support.dataset import (
    ADMIN,
    ADVISOR,
    ANONYMOUS,
    APPROVER,
    DELEGATE,
    PROTOCOL,
    ROUTES,
    VISITORS,
    Dataset,
    sign_in_as,
    with_feed_of,
)

import visitplanner
from visitplanner.access import ACCESS, DECISIONS, PUBLIC, SIGNED_IN, may
from visitplanner.extensions import db

# ---- the expected table, written by hand from DOMAIN.md, independently of visitplanner.access -------------
#
# admin manages users and the audit log; the protocol officer creates and edits missions, the delegation
# and companies; protocol officer and human-rights advisor create and edit partnerships and programme items;
# all office staff read partnerships, missions and history; a delegation member reads only their own
# missions and programme. Anonymous visitors reach the login page, the language switch and static files.
#
# Issue 3 (human-rights readiness). Civil-society participants: every office role reads the list and a
# participant's page (by alias; real names only for the roles that need them); the protocol officer and the
# human-rights advisor record a participant; editing a participant shows the real name, so only the roles that
# may see real names (advisor, approver, administrator) edit; consent and safety assessments are the advisor's.
# The checklist is read by all office staff; the protocol officer moves the mission through its states (submit,
# complete, return to draft, cancel); the advisor and the approver sign off (four eyes); the protocol officer and
# the advisor confirm the manual checklist items; only an approver records an override for a partnership advised
# against; the organisation setting (talking points block or warn) is the administrator's. The partnership's
# research dossier, focal themes, action-plan objectives and risk/advice are kept by the human-rights advisor.
# A delegation member reaches none of this.
#
# Issue 4 (calendar). Everyone signed in downloads a programme they may see as an .ics file (the view then checks
# that they may see the mission), lists their own calendar feeds, creates one and revokes their own (the views
# check ownership and what the role allows; an administrator sees and revokes everyone's). A feed itself is
# fetched by calendar services without an account: its secret token is the credential, so it is public, like
# robots.txt.

OFFICE = {ADMIN, PROTOCOL, ADVISOR, APPROVER}
ACCOUNTS = OFFICE | {DELEGATE}

EXPECTED: dict[str, set] = {
    "static": set(VISITORS),
    "auth.login": set(VISITORS),
    # The second step of signing in: anyone may ask, only someone whose password was just right gets the form.
    "auth.code": set(VISITORS),
    "auth.enrol": set(VISITORS),
    "main.set_language": set(VISITORS),
    # The organisation's house style: the sign-in page wears it too, so anyone may fetch its stylesheet and logo.
    "main.theme": set(VISITORS),
    "main.logo": set(VISITORS),
    "auth.logout": ACCOUNTS,
    "main.home": ACCOUNTS,
    "partnerships.index": OFFICE,
    "partnerships.show": OFFICE,
    "partnerships.create": {PROTOCOL, ADVISOR},
    "partnerships.edit": {PROTOCOL, ADVISOR},
    "missions.show": ACCOUNTS,
    "missions.history": OFFICE,
    # An approver may open the form: only an approver can create a mission for a partnership advised
    # against (with an override); the operation refuses an approver otherwise.
    "missions.create": {PROTOCOL, APPROVER},
    # The company register (issue 24, part 3): every office role reads it; the protocol officer and the advisor
    # keep it (B.c: the companies of the region with ties to China, informed and involved); never the delegation.
    "companies.index": OFFICE,
    "companies.show": OFFICE,
    "companies.create": {PROTOCOL, ADVISOR},
    "companies.edit": {PROTOCOL, ADVISOR},
    "companies.add_briefing": {PROTOCOL, ADVISOR},
    "companies.edit_briefing": {PROTOCOL, ADVISOR},
    "companies.due_diligence": {PROTOCOL, ADVISOR},
    "companies.add_meeting": {PROTOCOL, ADVISOR},
    "companies.add_connection": {PROTOCOL, ADVISOR},
    "companies.objectives": {PROTOCOL, ADVISOR},
    # After the visit: staff read; the office records outcomes and follow-ups; the advisor evaluates the plan.
    "followup.after": OFFICE,
    "followup.outcome": {PROTOCOL, ADVISOR},
    "followup.add": {PROTOCOL, ADVISOR},
    "followup.status": {PROTOCOL, ADVISOR},
    "followup.evaluate": {ADVISOR},
    "followup.add_to_partnership": {PROTOCOL, ADVISOR},
    "followup.add_to_contact": {PROTOCOL, ADVISOR},
    "followup.partnership_status": {PROTOCOL, ADVISOR},
    "contacts.create": {PROTOCOL, ADVISOR},
    "contacts.show": OFFICE,
    "contacts.edit": {PROTOCOL, ADVISOR},
    "missions.edit": {PROTOCOL},
    "missions.add_member": {PROTOCOL},
    "missions.remove_member": {PROTOCOL},
    # Whose side a member of an inbound delegation is on: who gets the talking points (issue 23, part 7).
    "missions.member_side": {PROTOCOL},
    "missions.add_company": {PROTOCOL},
    "missions.remove_company": {PROTOCOL},
    "missions.high_risk": {ADVISOR},
    # Issue 24, part 7c: an outbound mission's request to the partner for room to meet civil society is the protocol
    # office's to make and record.
    "missions.room_request": {PROTOCOL},
    "itinerary.programme": ACCOUNTS,
    "itinerary.printable": ACCOUNTS,
    "itinerary.book": ACCOUNTS,
    "itinerary.week": ACCOUNTS,
    "itinerary.create": {PROTOCOL, ADVISOR},
    "itinerary.edit": {PROTOCOL, ADVISOR},
    "itinerary.remove": {PROTOCOL, ADVISOR},
    "itinerary.import_preview": {PROTOCOL, ADVISOR},
    "itinerary.import_confirm": {PROTOCOL, ADVISOR},
    # Issue 21: an item kept out of calendars for someone at critical risk is released by the advisor, who owns
    # the decision, and by nobody else.
    "itinerary.release": {ADVISOR},
    "partnerships.advice": {ADVISOR},
    "partnerships.add_dossier_entry": {ADVISOR},
    "partnerships.review_dossier": {ADVISOR},
    "partnerships.themes": {ADVISOR},
    "partnerships.add_objective": {ADVISOR},
    # Issue 24: the register; the advisor alone decides whether an organisation is protected.
    "stakeholders.index": OFFICE,
    "stakeholders.show": OFFICE,
    "stakeholders.create": {PROTOCOL, ADVISOR},
    "stakeholders.edit": {PROTOCOL, ADVISOR},
    "stakeholders.protection": {ADVISOR},
    "stakeholders.erase": {ADVISOR, ADMIN},
    "stakeholders.add_involvement": {PROTOCOL, ADVISOR},
    # Issue 24, part 6: the partnership's periodic review is read by the office, with its report for the office or
    # the council; the advisor, who keeps the action plan, records it.
    "partnerships.review": OFFICE,
    "partnerships.review_report": OFFICE,
    "partnerships.record_review": {ADVISOR},
    "participants.index": OFFICE,
    "participants.show": OFFICE,
    "participants.create": {ADVISOR},
    "participants.edit": {ADVISOR},
    "participants.consent": {ADVISOR},
    "participants.withdraw": {ADVISOR},
    "participants.assess": {ADVISOR},
    "participants.consultations": OFFICE,
    "participants.consult": {ADVISOR},
    "participants.renew": {ADVISOR},
    "participants.propose": {PROTOCOL},
    # Adding someone to an item from their page changes the item: for those who edit the programme.
    "participants.attach": {PROTOCOL, ADVISOR},
    "participants.data": {ADVISOR, ADMIN},
    "participants.erase": {ADVISOR, ADMIN},
    "readiness.checklist": OFFICE,
    "readiness.submit": {PROTOCOL},
    "readiness.complete_view": {PROTOCOL},
    "readiness.return_view": {PROTOCOL},
    "readiness.cancel_view": {PROTOCOL},
    "readiness.sign": {ADVISOR, APPROVER},
    "readiness.confirm": {PROTOCOL, ADVISOR},
    "readiness.override": {APPROVER},
    "readiness.settings": {ADMIN},
    "calendar.download": ACCOUNTS,
    "calendar.feeds": ACCOUNTS,
    "calendar.create": ACCOUNTS,
    "calendar.revoke": ACCOUNTS,
    "calendar.feed": set(VISITORS),
    "calendar.robots": set(VISITORS),
    "admin.users": {ADMIN},
    "admin.create_user": {ADMIN},
    "admin.edit_user": {ADMIN},
    "admin.sign_out_user": {ADMIN},
    "admin.reset_second_factor": {ADMIN},
    "admin.audit_log": {ADMIN},
    "admin.processing": {ADMIN},
    "admin.processing_markdown": {ADMIN},
    # Issue 24, parts 4 and 7a: the talking-points library per focal theme and the own human-rights policy. The office
    # reads them (the protocol officer composes a meeting's talking points from the library, which is an item edit:
    # for those who edit the programme); the advisor keeps them. A delegation member reaches none of it.
    "library.theme": OFFICE,
    "library.entry": OFFICE,
    "library.add": {ADVISOR},
    "library.revise": {ADVISOR},
    "library.retire": {ADVISOR},
    "library.compose": {PROTOCOL, ADVISOR},
    "library.policy": OFFICE,
    "library.edit_policy": {ADVISOR},
    # Issue 25 (e-mail notices). Everyone signed in reads their own notices and chooses which kinds they get and
    # in which language; the views read and change only the signed-in person's own.
    "notices.index": ACCOUNTS,
    "notices.settings": ACCOUNTS,
}


def admitted_by_access_table(endpoint: str) -> set:
    """Who ``visitplanner.access.ACCESS`` lets through, in the vocabulary of EXPECTED."""
    rule = ACCESS[endpoint]
    if rule == PUBLIC:
        return set(VISITORS)
    if rule == SIGNED_IN:
        return set(ACCOUNTS)
    return set(rule)


# ---- the routes ------------------------------------------------------------------------------------------


def method_for(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


# ---- the table covers the app ------------------------------------------------------------------------------


def test_every_route_is_in_the_access_table(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - ACCESS.keys())
    assert not missing, f"routes without an entry in visitplanner.access.ACCESS (everyone gets 403): {missing}"


def test_every_access_entry_belongs_to_a_route(app):
    stale = sorted(ACCESS.keys() - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"entries in visitplanner.access.ACCESS for routes that no longer exist: {stale}"


def test_the_access_table_says_what_the_domain_says(app):
    differences = {
        endpoint: {"access.py": sorted(map(str, admitted_by_access_table(endpoint))),
                   "expected": sorted(map(str, EXPECTED.get(endpoint, set())))}
        for endpoint in ACCESS
        if admitted_by_access_table(endpoint) != EXPECTED.get(endpoint)
    }
    assert not differences, f"ACCESS differs from who may do what per DOMAIN.md: {differences}"


def test_the_expected_table_knows_every_route(app):
    unknown = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - EXPECTED.keys())
    assert not unknown, f"add these routes to EXPECTED in this test, deciding who may use them: {unknown}"


# ---- decisions that are not one page -----------------------------------------------------------------------------

#: Written by hand from DOMAIN.md: each role signs off in its own role; a protocol officer creates missions, and while
#: engagement is advised against only an approver goes ahead (an override); the administrator manages everyone's
#: feeds, office staff follow a partnership or the organisation; the advisor keeps the library and decides protection;
#: office staff see every mission and hold follow-ups (a delegation member sees their own missions); the advisor, the
#: approver and the administrator see real names.
EXPECTED_DECISIONS: dict[str, set] = {
    "sign off as advisor": {ADVISOR},
    "sign off as approver": {APPROVER},
    "create a mission": {PROTOCOL},
    "override the advice against engagement": {APPROVER},
    "manage everyone's feeds": {ADMIN},
    "follow a partnership or the organisation": OFFICE,
    "keep the library": {ADVISOR},
    "decide protection": {ADVISOR},
    "see every mission": OFFICE,
    "hold a follow-up": OFFICE,
    "see real names": {ADVISOR, APPROVER, ADMIN},
}


def test_each_role_takes_the_decisions_the_domain_gives_it(ctx, make_user):
    users = {role: make_user(role) for role in ACCOUNTS}
    taken = {decision: {role for role, user in users.items() if may(user, decision)} for decision in DECISIONS}
    assert taken == EXPECTED_DECISIONS


def test_an_unknown_decision_is_a_mistake_not_a_refusal(ctx, make_user):
    with pytest.raises(KeyError):
        may(make_user(ADVISOR), "sign off as advisr")


def test_no_module_but_the_access_table_names_a_role_to_decide(app):
    """``has_role(Role.X)`` outside access.py states a role a second time (the access table says who may)."""
    package = Path(visitplanner.__file__).parent
    found = [f"{path.relative_to(package)}:{number}" for path in sorted(package.rglob("*.py"))
             if path.name != "access.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "has_role(Role." in line]
    assert found == []


def test_no_template_tests_a_role():
    """A page asks (``may_use``, ``may``, the model), it never tests the viewer's roles itself."""
    templates = Path(visitplanner.__file__).parent.parent / "templates"
    found = [f"{path.relative_to(templates)}:{number}" for path in sorted(templates.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if any(asks in line for asks in ("is_staff", "has_role", "current_user.role"))]
    assert found == []


def test_no_module_but_the_access_table_tests_for_office_staff(app):
    """"Is this person office staff?" is a decision of the access table (``may(user, "see every mission")``), not a
    property of the account that modules test for themselves."""
    package = Path(visitplanner.__file__).parent
    found = [f"{path.relative_to(package)}:{number}" for path in sorted(package.rglob("*.py"))
             if path.name != "access.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "is_staff" in line or "STAFF_ROLES" in line]
    assert found == []


# ---- every route, every kind of visitor ------------------------------------------------------------------


def location_path(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def expected_answer(rule, who, method: str, dataset: Dataset) -> tuple[int, str | None]:
    """The status (and, for a redirect, the path it leads to) that ``who`` should get from ``rule``."""
    admitted = admitted_by_access_table(rule.endpoint)
    if who not in admitted:
        return (302, "/login") if who == ANONYMOUS else (403, None)
    checklist = f"/missions/{dataset.mission_id}/checklist"
    # The checklist's POST-only actions, sent with an empty form (CSRF is off in tests):
    # - submit: the form has nothing required, so it goes through to the operation, which refuses a draft
    #   whose checks fail (this mission has no human-rights component) and flashes why: back to the checklist;
    # - complete: likewise refused (only a finalised mission can be completed), flash, back to the checklist;
    # - confirm: the note is optional and ``delegation_briefed`` applies to every mission, so the item is
    #   confirmed: back to the checklist;
    # - sign-off (its confirmation page, and the sign-off posted from it): without the role to sign in, there is no
    #   such page: 404.
    if rule.endpoint in ("readiness.submit", "readiness.complete_view", "readiness.confirm"):
        return 302, checklist
    if rule.endpoint == "readiness.sign":
        return 404, None
    # Calendar: creating a feed is POST-only; sent empty, the form lacks kind and audience, so nothing is made
    # and the view flashes why and goes back to the feeds page. The revoke page (GET) asks for confirmation of
    # the visitor's own feed: 200. The feed (its token is the credential) and robots.txt answer 200 to anyone;
    # the .ics download answers 200 to staff and to the delegate, who is in the mission.
    if rule.endpoint == "calendar.create":
        return 302, "/calendar/feeds"
    # A follow-up's status, sent without a status: refused with a flash, back to the after-the-visit page.
    if rule.endpoint == "followup.status":
        return 302, f"/missions/{dataset.mission_id}/after"
    # Likewise for the partnership's follow-ups between visits: back to the partnership.
    if rule.endpoint == "followup.partnership_status":
        return 302, f"/partnerships/{dataset.partnership_id}"
    # Marking the dossier reviewed needs nothing but the (here disabled) CSRF token: back to the partnership.
    if rule.endpoint == "partnerships.review_dossier":
        return 302, f"/partnerships/{dataset.partnership_id}"
    if rule.endpoint == "main.set_language":
        return 302, "/"
    # Releasing an item into calendars needs an item kept out of them; the data set's is not.
    if rule.endpoint == "itinerary.release":
        return 404, None
    # Keeping a participant's data longer is POST-only; sent without a reason: refused with a flash, back to them.
    if rule.endpoint == "participants.renew":
        return 302, f"/participants/{dataset.participant_id}"
    # Adding a participant to an item, sent without an item: refused with a flash, back to them.
    if rule.endpoint == "participants.attach":
        return 302, f"/participants/{dataset.participant_id}"
    # Moving a member to the other side, sent without a side: nothing changes, back to the mission's delegation.
    if rule.endpoint == "missions.member_side":
        return 302, f"/missions/{dataset.mission_id}"
    # Without a password just given, the second step of signing in sends back to the first.
    if rule.endpoint in ("auth.code", "auth.enrol"):
        return 302, "/login"
    if rule.endpoint == "auth.logout":
        return 302, "/login"
    if rule.endpoint == "auth.login" and who != ANONYMOUS:
        return 302, "/"  # already signed in
    # The test application has no logo in its settings.
    if rule.endpoint == "main.logo":
        return 404, None
    return 200, None


@pytest.mark.parametrize("who", VISITORS, ids=str)
def test_each_visitor_meets_the_right_door_on_every_route(app, client, account, dataset, who):
    """Every route, with GET when it has one (else POST), its URL filled from one small data set."""
    disagreements = [
        rule.endpoint for rule in ROUTES
        if (who in admitted_by_access_table(rule.endpoint)) != (who in EXPECTED[rule.endpoint])
    ]
    assert not disagreements, f"ACCESS and the domain disagree on whether {who} may use: {disagreements}"
    dataset = with_feed_of(app, dataset, sign_in_as(client, account, dataset, who))

    wrong = []
    for rule in ROUTES:
        with app.test_request_context():
            url = url_for(rule.endpoint, **dataset.url_values(rule))
        method = method_for(rule)
        response = client.open(url, method=method)
        status, target = expected_answer(rule, who, method, dataset)
        got_target = location_path(response) if response.status_code == 302 else None
        if response.status_code != status or (target is not None and got_target != target):
            wrong.append(f"{method} {url} ({rule.endpoint}): expected {status} {target or ''}, "
                         f"got {response.status_code} {got_target or ''}")

    assert not wrong, f"{who}:\n  " + "\n  ".join(wrong)


# ---- a delegation member sees only their own missions -----------------------------------------------------


@pytest.mark.parametrize("page", ["/missions/{id}", "/missions/{id}/programme", "/missions/{id}/programme/print"])
def test_a_delegate_opens_only_missions_they_take_part_in(
    app, client, auth, make_user, make_mission, make_member, make_item, page
):
    with app.app_context():
        theirs = make_mission(title="Handelsmissie Suzhou")
        someone_elses = make_mission(title="Vertrouwelijk bezoek Xinjiang")
        make_item(someone_elses, title="Gesprek met mensenrechtenverdediger")
        delegate = make_user(DELEGATE)
        make_member(theirs, user=delegate)
        make_member(someone_elses, name="Iemand Anders")
        own_url, other_url, email = page.format(id=theirs.id), page.format(id=someone_elses.id), delegate.email
    assert auth.login(email).status_code == 302

    own = client.get(own_url)
    other = client.get(other_url)

    assert own.status_code == 200
    assert "Handelsmissie Suzhou" in own.get_data(as_text=True)
    assert other.status_code == 404
    body = other.get_data(as_text=True)
    assert "Xinjiang" not in body and "mensenrechtenverdediger" not in body


def test_a_delegate_sees_only_their_own_missions_on_the_home_page(
    app, client, auth, make_user, make_mission, make_member
):
    with app.app_context():
        theirs = make_mission(title="Handelsmissie Suzhou")
        make_mission(title="Vertrouwelijk bezoek Xinjiang")
        delegate = make_user(DELEGATE)
        make_member(theirs, user=delegate)
        email = delegate.email
    assert auth.login(email).status_code == 302

    body = client.get("/").get_data(as_text=True)

    assert "Handelsmissie Suzhou" in body
    assert "Xinjiang" not in body


def test_a_delegate_never_reaches_participant_pages(app, client, auth, dataset):
    """Even for a participant in the delegate's own mission: no participant page, no checklist, no real name."""
    assert auth.login(dataset.delegate_email).status_code == 302
    with app.test_request_context():
        urls = [
            (url_for(rule.endpoint, **dataset.url_values(rule)), sorted(rule.methods & {"GET", "POST"}))
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("participants.") or rule.endpoint == "readiness.checklist"
        ]
    # The participant pages (and proposing one, adding one to an item), consent, safety, consultations, retention,
    # access, erasure, and the checklist.
    assert len(urls) == 15
    for url, methods in urls:
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{method} {url} got {response.status_code}"
            assert "Wang Li" not in response.get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/participants/' not in home and "/checklist" not in home
    assert "Wang Li" not in client.get(f"/missions/{dataset.mission_id}/programme").get_data(as_text=True)


# ---- anonymous visitors ----------------------------------------------------------------------------------


def test_anonymous_visitors_reach_nothing_but_the_login_page_and_static_files(app, client, dataset):
    reached = []
    with app.test_request_context():
        urls = {
            rule.endpoint: url_for(rule.endpoint, **dataset.url_values(rule))
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint != "static"
        }
        urls["static"] = url_for("static", filename="app.css")
    for endpoint, url in sorted(urls.items()):
        response = client.get(url)
        # robots.txt is public; a calendar feed is fetched without an account, its secret token being the
        # credential (the data set's token opens the delegate's feed; a token that is not one opens nothing).
        if endpoint in ("auth.login", "static", "calendar.robots", "calendar.feed", "main.theme"):
            assert response.status_code == 200, f"{url} got {response.status_code}"
            response.close()
            continue
        if endpoint == "main.logo":  # public, like the stylesheet; the test application has no logo
            assert response.status_code == 404
            continue
        if response.status_code != 302 or location_path(response) != "/login":
            reached.append(f"{url} ({response.status_code})")
        assert "Wuxi" not in response.get_data(as_text=True), f"{url} showed data to an anonymous visitor"
    assert not reached, f"anonymous visitors were not sent to the login page from: {reached}"
    guessed = client.get(url_for_feed(app, "x" * 43))
    assert guessed.status_code == 404 and "Wuxi" not in guessed.get_data(as_text=True)


def url_for_feed(app, token: str) -> str:
    with app.test_request_context():
        return url_for("calendar.feed", token=token)


def test_the_login_redirect_comes_back_to_the_page_asked_for(client, account):
    email = account(PROTOCOL)
    response = client.get("/partnerships/")
    assert location_path(response) == "/login"

    signed_in = client.post(response.headers["Location"], data={"email": email, "password": PASSWORD})

    assert signed_in.status_code == 302
    assert location_path(signed_in) == "/partnerships/"


def test_requests_during_a_test_context_do_not_share_the_signed_in_user(app, ctx, make_user, make_mission):
    """Two people at once: each request sees its own account, never the other's (also in tests)."""
    from support.accounts import PASSWORD

    from visitplanner.auth.models import Role

    make_mission()
    officer, delegate = make_user(Role.PROTOCOL), make_user(Role.DELEGATE)
    first, second = app.test_client(), app.test_client()
    first.post("/login", data={"email": officer.email, "password": PASSWORD})
    second.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert first.get("/partnerships/").status_code == 200
    assert second.get("/partnerships/").status_code == 403


# ---- reads are reads -------------------------------------------------------------------------------------------


@pytest.fixture
def lapsed(app, make_user, make_mission, make_item, monkeypatch) -> int:
    """A finalised mission whose participant's consent has since lapsed by date: a page that 'refreshed' it on
    opening would write. Returns its id."""
    from support.readiness import finalise, freeze_today, ready_mission

    freeze_today(monkeypatch)  # the scenario's day: what the sign-offs vouch for holds on it
    with app.app_context():
        s = ready_mission(make_user, make_mission, make_item, "outbound")
        finalise(s)
        mission_id = s.mission.id
    freeze_today(monkeypatch, date(2027, 5, 16))  # the consent had to be reconfirmed by 2027-05-15
    return mission_id


@pytest.mark.parametrize("who", VISITORS, ids=str)
def test_no_page_writes_anything_not_even_for_a_mission_that_lapsed(app, client, account, dataset, lapsed, who):
    """GET never writes: every page, for every visitor, the pages of a mission whose sign-off no longer holds too.

    The exceptions are a feed answered in full, which records that fetch (tests/calendar/test_feeds.py; its 304 writes
    nothing either), and the briefing book, whose download writes its audit entry and nothing else
    (tests/itinerary/test_briefing_book.py).
    """
    from support.sql import Statements

    dataset = with_feed_of(app, dataset, sign_in_as(client, account, dataset, who))
    writing = []
    for data in (dataset, replace(dataset, mission_id=lapsed)):
        for rule in ROUTES:
            if method_for(rule) != "GET" or rule.endpoint == "calendar.feed":
                continue
            with app.test_request_context():
                url = url_for(rule.endpoint, **data.url_values(rule))
            with app.app_context(), Statements() as sql:
                client.get(url)
            writes = [w for w in sql.writes
                      if not (rule.endpoint == "itinerary.book" and w.startswith("INSERT INTO audit_entries"))]
            if writes:
                writing.append(f"GET {url} ({rule.endpoint}): {writes}")
    assert not writing, "\n".join(writing)
    with app.app_context():
        from visitplanner.missions.models import Mission

        assert db.session.get(Mission, lapsed).status == "finalised"
