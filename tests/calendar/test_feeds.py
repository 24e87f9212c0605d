"""Calendar feeds: secret subscription URLs, made for an audience, re-checked at every fetch, cheap to poll.

Feeds are fetched by an anonymous client (as Google, Microsoft and Apple do): the token is the only credential.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime as http_date
from email.utils import parsedate_to_datetime
from html import escape, unescape
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from icalendar import Calendar
from sqlalchemy import event, func, select, text
from support.accounts import PASSWORD
from support.clock import time_passes
from support.feeds import refused
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar import views as calendar_views
from visitplanner.calendar.models import CalendarFeed, FeedFetch, hash_token
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import update_item
from visitplanner.logmask import MaskFeedTokens
from visitplanner.missions.models import DelegationMember
from visitplanner.missions.operations import remove_member
from visitplanner.participants.models import ConsentRecord, Participant
from visitplanner.participants.operations import record_consent, withdraw_consent
from visitplanner.timeutil import now_utc, to_utc


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


# ---- helpers ---------------------------------------------------------------------------------------------


@dataclass
class Subscription:
    https: str
    webcal: str
    token: str

    @property
    def path(self) -> str:
        return urlsplit(self.https).path


def subscribe(client, kind: str = "person", audience: str = "delegation", *, mission_id: int | None = None,
              partnership_id: int | None = None) -> Subscription:
    """Create a feed through the page, as a person does; returns the addresses shown (once)."""
    data = {"kind": kind, "audience": audience}
    if mission_id is not None:
        data["mission_id"] = str(mission_id)
    if partnership_id is not None:
        data["partnership_id"] = str(partnership_id)
    response = client.post("/calendar/feeds/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, f"feed not created: {response.status_code} {response.headers.get('Location')}"
    https = unescape(re.search(r'<input[^>]*id="feed-url"[^>]*value="([^"]+)"', html).group(1))
    webcal = unescape(re.search(r'href="(webcal://[^"]+)"', html).group(1))
    token = re.fullmatch(r"/feeds/(.+)\.ics", urlsplit(https).path).group(1)
    return Subscription(https, webcal, token)


def feed_count() -> int:
    return db.session.scalar(select(func.count(CalendarFeed.id)))


def fetch(reader, token: str, **headers):
    return reader.get(f"/feeds/{token}.ics", headers=headers)


def events(response) -> list:
    assert response.status_code == 200, response.status_code
    return list(Calendar.from_ical(response.data).walk("VEVENT"))


def unfolded(response) -> str:
    """The feed's text with folded lines joined, for searching."""
    return re.sub(r"\r\n[ \t]", "", response.get_data(as_text=True))


def edit_form(item: ProgrammeItem, **overrides) -> dict:
    """The item's edit form as the page fills it, with some fields changed."""
    local = "%Y-%m-%dT%H:%M"
    data = {
        "kind": item.kind, "title": item.title, "timezone": item.timezone, "location": item.location,
        "description": item.description, "talking_points": item.talking_points, "visibility": item.visibility,
        "starts_at": item.local_start.strftime(local), "ends_at": item.local_end.strftime(local),
        "attendees": [str(i) for i in item.attendee_ids], "version": str(item.version),
    }
    data.update(overrides)
    return data


def consent_until() -> date:
    return date.today() + timedelta(days=365)


@pytest.fixture
def delegation(make_user, make_mission, make_member, make_item):
    """A delegate in a mission with one item; returns (delegate, mission, item)."""
    delegate = make_user(Role.DELEGATE, name="Anna de Vries")
    mission = make_mission(title="Werkbezoek Wuxi")
    member = make_member(mission, user=delegate)
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title="Ontvangst op het stadhuis",
                     location="Stadhuis Wuxi", attendees=[member])
    return delegate, mission, item


# ---- tokens ----------------------------------------------------------------------------------------------


def test_a_token_has_256_bits_from_secrets_and_only_its_hash_is_stored(app, client, login, make_mission,
                                                                       monkeypatch):
    asked = []
    real = secrets.token_urlsafe

    def spy(nbytes=None):
        asked.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(secrets, "token_urlsafe", spy)
    login(Role.PROTOCOL)
    mission = make_mission()

    first = subscribe(client, "mission", "internal", mission_id=mission.id)
    second = subscribe(client, "organisation", "delegation")

    assert asked and all(n is not None and n >= 32 for n in asked)
    for sub in (first, second):
        assert len(sub.token) >= 43
        assert re.fullmatch(r"[A-Za-z0-9_-]+", sub.token)
    assert first.token != second.token
    stored = db.session.scalars(select(CalendarFeed.token_hash).order_by(CalendarFeed.id)).all()
    assert stored == [hash_token(first.token), hash_token(second.token)]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)
    # The token itself is nowhere in the database: not in the feeds, not in the audit log, not in fetches.
    fetch(app.test_client(), first.token)
    for table in ("calendar_feeds", "audit_entries", "feed_fetches"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):
            for value in row:
                if value is not None:
                    assert first.token not in str(value) and second.token not in str(value), table
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "feed.create")) == 2


def test_the_url_holds_nothing_but_the_token_and_is_offered_as_https_and_webcal(app, client, login, monkeypatch):
    login(Role.DELEGATE)
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)  # an installation served over HTTPS

    sub = subscribe(client)

    parts = urlsplit(sub.https)
    assert parts.scheme == "https"
    assert parts.path == f"/feeds/{sub.token}.ics"
    assert parts.query == "" and parts.fragment == "" and parts.username is None
    assert sub.webcal == "webcal://" + sub.https.removeprefix("https://")
    html = client.get("/calendar/feeds").get_data(as_text=True)
    assert sub.token not in html  # shown once, never again


def test_the_address_follows_the_scheme_and_host_the_request_came_in_on(app, client, login):
    """`make run` serves plain HTTP on 127.0.0.1: an https:// address there would not open."""
    login(Role.DELEGATE)
    plain = subscribe(client)
    assert plain.https.startswith("http://localhost/feeds/"), plain.https
    assert plain.webcal == "webcal://" + plain.https.removeprefix("http://")
    assert client.get(urlsplit(plain.https).path).status_code == 200


def test_behind_a_trusted_proxy_the_address_has_the_host_and_scheme_it_forwards(tmp_path, make_user):
    from support.app import make_app

    from visitplanner.auth.models import Role as Roles

    delegate = make_user(Roles.DELEGATE)
    proxied = make_app(db.engine.url.render_as_string(hide_password=False), str(tmp_path), PROXY_FIX=True)
    browser = proxied.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "plan.example.org", "X-Forwarded-For": "10.0.0.7"}
    try:
        assert browser.post("/login", data={"email": delegate.email, "password": PASSWORD},
                            headers=forwarded).status_code == 302
        html = browser.post("/calendar/feeds/new", data={"kind": "person", "audience": "delegation"},
                            headers=forwarded).get_data(as_text=True)
    finally:
        with proxied.app_context():  # its own pool on the suite's database: closed, not left to the collector
            db.engine.dispose()
    address = unescape(re.search(r'<input[^>]*id="feed-url"[^>]*value="([^"]+)"', html).group(1))
    assert address.startswith("https://plan.example.org/feeds/"), address
    assert 'href="webcal://plan.example.org/feeds/' in html


def test_the_new_feed_page_has_a_qr_code_of_the_webcal_address_and_no_script(client, login):
    login(Role.DELEGATE)
    html = client.post("/calendar/feeds/new", data={"kind": "person", "audience": "delegation"}).get_data(
        as_text=True)
    webcal = unescape(re.search(r'href="(webcal://[^"]+)"', html).group(1))
    svg = re.search(r"<svg[^>]*class=\"vp-qr\".*?</svg>", html, re.DOTALL)
    assert svg, "an inline SVG QR code"
    assert "<script" not in html
    import segno

    assert segno.make(webcal, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff", title="QR code",
                                                    svgclass="vp-qr") == svg.group(0), "the code is of the webcal address"
    https = escape(unescape(webcal).replace("webcal://", "http://"))
    assert html.count(https) == 1, "the address once: in its one field"
    assert re.search(r'<input[^>]*id="feed-url"[^>]*readonly', html)
    assert "On a phone:" in html and "On a computer:" in html


# ---- who may subscribe to what ---------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["delegation", "partner", "public"])
def test_a_delegate_subscribes_to_their_own_missions_and_to_a_mission_they_are_in(
    client, login, make_mission, make_member, audience
):
    delegate = login(Role.DELEGATE)
    mission = make_mission()
    make_member(mission, user=delegate)

    subscribe(client, "person", audience)
    subscribe(client, "mission", audience, mission_id=mission.id)

    feeds = db.session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)).all()
    assert [(f.kind, f.audience, f.owner_id, f.mission_id) for f in feeds] == [
        ("person", audience, delegate.id, None), ("mission", audience, delegate.id, mission.id)]
    # A mission feed ends 30 days after the mission's last day.
    assert feeds[1].expires_at == datetime.combine(mission.end_date, time.min, tzinfo=UTC) + timedelta(days=30)
    assert feeds[0].expires_at is None


@pytest.mark.parametrize("kind", ["person", "mission"])
def test_a_delegate_cannot_make_an_internal_feed(client, login, make_mission, make_member, kind):
    delegate = login(Role.DELEGATE)
    mission = make_mission()
    make_member(mission, user=delegate)

    messages = refused(client, kind=kind, audience="internal", mission_id=str(mission.id))

    assert messages == ["Choose an audience your role allows."]
    assert feed_count() == 0


@pytest.mark.parametrize("kind", ["partnership", "organisation"])
def test_partnership_and_organisation_feeds_are_for_staff_only(client, login, make_partnership, kind):
    login(Role.DELEGATE)
    partnership = make_partnership()

    messages = refused(client, kind=kind, audience="public", partnership_id=str(partnership.id))

    assert messages == ["Only office staff can subscribe to a partnership or the whole organisation."]
    assert feed_count() == 0


def test_a_delegate_cannot_subscribe_to_a_mission_they_are_not_in(client, login, make_mission, make_member):
    delegate = login(Role.DELEGATE)
    theirs, other = make_mission(title="Eigen missie"), make_mission(title="Andere missie")
    make_member(theirs, user=delegate)
    make_member(other, name="Iemand Anders")

    messages = refused(client, kind="mission", audience="delegation", mission_id=str(other.id))
    unknown = refused(client, kind="mission", audience="delegation", mission_id="99999")

    assert messages == unknown == ["Choose a mission you take part in."]
    assert feed_count() == 0


@pytest.mark.parametrize("kind", ["partnership", "organisation"])
def test_staff_subscribe_to_a_partnership_and_the_organisation(client, login, make_mission, kind):
    login(Role.APPROVER)
    mission = make_mission()

    subscribe(client, kind, "internal", partnership_id=mission.partnership_id)

    [feed] = db.session.scalars(select(CalendarFeed)).all()
    assert (feed.kind, feed.audience) == (kind, "internal")
    assert feed.partnership_id == (mission.partnership_id if kind == "partnership" else None)


# ---- the same 404 for every dead token -------------------------------------------------------------------


def test_unknown_revoked_expired_and_disabled_owner_tokens_all_get_the_same_404(
    reader, make_user, make_mission, make_member
):
    owners = [make_user(Role.DELEGATE) for _ in range(4)]
    mission = make_mission()
    for owner in owners:
        make_member(mission, user=owner)
    live, revoked, expired, disabled = (
        create_feed(owner, kind="mission", audience="delegation", mission=mission) for owner in owners)
    revoked[0].revoked_at = now_utc()
    expired[0].expires_at = now_utc() - timedelta(minutes=1)
    owners[3].active = False
    commit()

    def page(response, token: str) -> str:
        # The error page echoes the requested path (the language switch returns to it): that is the asker's
        # own token, so compare with it blanked out.
        return response.get_data(as_text=True).replace(token, "TOKEN")

    assert fetch(reader, live[1]).status_code == 200
    guess = secrets.token_urlsafe(32)
    unknown = fetch(reader, guess)
    assert unknown.status_code == 404
    for token in (revoked[1], expired[1], disabled[1], "x" * 300, live[1][:-1]):
        response = fetch(reader, token)
        assert response.status_code == 404, token
        assert page(response, token) == page(unknown, guess)
        assert response.headers.get("Content-Type") == unknown.headers.get("Content-Type")
    # Dead tokens leave no fetch behind; only the live one was recorded.
    assert db.session.scalars(select(FeedFetch.feed_id)).all() == [live[0].id]


# ---- what the owner may see, checked at every fetch -----------------------------------------------------


def test_a_delegate_removed_from_the_delegation_sees_the_mission_feed_empty_on_the_next_fetch(
    client, reader, login, make_user, make_mission, make_member, make_item
):
    delegate = login(Role.DELEGATE)
    officer = make_user(Role.PROTOCOL)
    mission = make_mission(title="Werkbezoek Wuxi")
    other = make_mission(title="Handelsmissie Suzhou")
    member = make_member(mission, user=delegate)
    make_member(other, user=delegate)
    make_item(mission, title="Ontvangst op het stadhuis")
    make_item(other, "2027-04-14T10:00", "2027-04-14T11:00", title="Bezoek haven Suzhou")
    mission_feed = subscribe(client, "mission", "delegation", mission_id=mission.id)
    person_feed = subscribe(client, "person", "delegation")
    before = fetch(reader, mission_feed.token)
    person_before = fetch(reader, person_feed.token)
    assert [str(e["summary"]) for e in events(before)] == ["Ontvangst op het stadhuis"]
    assert sorted(str(e["summary"]) for e in events(person_before)) == [
        "Bezoek haven Suzhou", "Ontvangst op het stadhuis"]

    remove_member(officer, mission, member)
    commit()

    after = fetch(reader, mission_feed.token, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert events(after) == []
    assert "BEGIN:VEVENT" not in after.get_data(as_text=True)
    assert "Ontvangst" not in after.get_data(as_text=True)
    person_after = fetch(reader, person_feed.token, **{"If-None-Match": person_before.headers["ETag"]})
    assert [str(e["summary"]) for e in events(person_after)] == ["Bezoek haven Suzhou"]
    assert person_after.headers["ETag"] != person_before.headers["ETag"]


def test_a_feed_follows_the_owners_role_at_every_fetch(client, reader, login, make_mission, make_item):
    """Staff who become a delegation member lose the organisation feed and any audience they no longer have."""
    officer = login(Role.PROTOCOL)
    mission = make_mission()
    make_item(mission, title="Intern overleg", visibility="internal")
    org = subscribe(client, "organisation", "internal")
    assert [str(e["summary"]) for e in events(fetch(reader, org.token))] == ["Intern overleg"]

    officer.set_roles([Role.DELEGATE])
    commit()

    assert events(fetch(reader, org.token)) == []


# ---- a delegation member's journey -----------------------------------------------------------------------


def test_a_moved_item_shows_moved_with_the_same_uid_and_a_higher_sequence(
    signed_in, client, reader, login, make_user, make_mission, make_member, make_item
):
    delegate = login(Role.DELEGATE, name="Anna de Vries")
    mission = make_mission(title="Werkbezoek Wuxi", timezone="Asia/Shanghai")
    member = make_member(mission, user=delegate)
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title="Ontvangst op het stadhuis",
                     location="Stadhuis Wuxi", attendees=[member])
    # The item was last changed a while ago, so the move's DTSTAMP is later even at one-second resolution.
    item.created_at = item.updated_at = now_utc() - timedelta(minutes=5)
    commit()
    sub = subscribe(client, "mission", "delegation", mission_id=mission.id)

    first = fetch(reader, sub.token)
    [before] = events(first)
    assert before["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert before.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 13, 6, 0, tzinfo=UTC)
    assert "Anna de Vries" in str(before["description"])

    office = signed_in(make_user(Role.PROTOCOL))
    moved = office.post(f"/items/{item.id}/edit", data=edit_form(item, starts_at="2027-04-13T16:00",
                                                                   ends_at="2027-04-13T17:00"))
    assert moved.status_code == 302

    second = fetch(reader, sub.token, **{"If-None-Match": first.headers["ETag"]})
    [after] = events(second)
    assert str(after["uid"]) == str(before["uid"]) == item.uid
    assert int(after["sequence"]) > int(before["sequence"])
    assert after["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert after.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 13, 8, 0, tzinfo=UTC)
    assert after.decoded("dtstamp") > before.decoded("dtstamp")
    assert second.headers["ETag"] != first.headers["ETag"]


def test_a_withdrawn_consent_removes_the_name_from_the_next_fetch(
    client, reader, login, make_mission, make_item
):
    advisor = login(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, title="Gesprek met bewonersgroep", kind="citizen_meeting")
    person = Participant(real_name="Liu Fang", alias="Zwaluw-7310", kind="resident", at_risk=False)
    item.participants.append(person)
    commit()
    record_consent(advisor, person, mission, scopes=["take_part", "named_delegation", "named_internal"],
                   method="in_person", information_version="v1", reconfirm_by=consent_until(),
                   today=date.today())
    commit()
    sub = subscribe(client, "mission", "internal", mission_id=mission.id)

    first = fetch(reader, sub.token)
    assert "Liu Fang" in str(events(first)[0]["description"])

    withdraw_consent(advisor, person, mission, method="phone")
    commit()

    second = fetch(reader, sub.token, **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    description = str(events(second)[0]["description"])
    assert "Liu Fang" not in unfolded(second)
    assert "Zwaluw-7310" in description


def test_a_feed_never_names_a_participant_at_risk_even_with_consent(client, reader, login, make_mission, make_item):
    advisor = login(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, title="Gesprek", kind="ngo_visit")
    person = Participant(real_name="Zhao Ming", alias="Reiger-5521", kind="defender", at_risk=True)
    item.participants.append(person)
    commit()
    record_consent(advisor, person, mission, scopes=["take_part", "named_internal", "named_delegation",
                                                     "named_partner"],
                   method="in_person", information_version="v1", reconfirm_by=consent_until(), today=date.today())
    commit()

    for audience in ("internal", "delegation", "partner", "public"):
        body = unfolded(fetch(reader, subscribe(client, "mission", audience, mission_id=mission.id).token))
        assert "Zhao Ming" not in body, audience


# ---- HTTP ------------------------------------------------------------------------------------------------


def test_a_feed_answers_with_calendar_headers_that_keep_it_private(client, reader, login, delegation):
    delegate, mission, _ = delegation
    client.post("/logout")
    client_login = client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert client_login.status_code == 302
    sub = subscribe(client, "mission", "delegation", mission_id=mission.id)
    # Within the second of the latest change Last-Modified is that second, after it the next one (by design, see
    # calendar.queries.last_modified): let that second pass, so that two fetches cannot straddle it.
    clock.sleep(1.1)

    response = fetch(reader, sub.token)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[^"]+"', etag) and not etag.startswith("W/")
    assert parsedate_to_datetime(response.headers["Last-Modified"]) <= now_utc()
    cache = response.headers["Cache-Control"]
    assert "private" in cache or "no-store" in cache
    assert "public" not in cache
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    # Unchanged data gives identical bytes and the same validators.
    again = fetch(reader, sub.token)
    assert again.data == response.data
    assert again.headers["ETag"] == etag and again.headers["Last-Modified"] == response.headers["Last-Modified"]


def test_conditional_requests_get_304_without_a_body(client, reader, login, delegation):
    delegate, mission, _ = delegation
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    time_passes()
    first = fetch(reader, token)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    later = http_date(parsedate_to_datetime(modified) + timedelta(hours=1), usegmt=True)
    earlier = http_date(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}, {"If-Modified-Since": later}):
        response = fetch(reader, token, **headers)
        assert response.status_code == 304, headers
        assert response.data == b""
        assert response.headers["ETag"] == etag
        assert "noindex" in response.headers["X-Robots-Tag"]
        assert response.headers["Referrer-Policy"] == "no-referrer"

    for headers in ({"If-None-Match": '"something-else"'}, {"If-Modified-Since": earlier},
                    {"If-Modified-Since": "not a date"},
                    # If-None-Match decides when both are sent (RFC 9110 13.2.2).
                    {"If-None-Match": '"something-else"', "If-Modified-Since": later}):
        response = fetch(reader, token, **headers)
        assert response.status_code == 200, headers
        assert response.data == first.data


def test_a_weakened_etag_sent_back_still_matches(client, reader, delegation):
    """Proxies that compress (nginx with gzip) weaken ETags; If-None-Match compares weakly (RFC 9110 13.1.2)."""
    delegate, mission, _ = delegation
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    etag = fetch(reader, token).headers["ETag"]

    assert fetch(reader, token, **{"If-None-Match": f"W/{etag}"}).status_code == 304


def test_the_304_decision_does_not_build_the_calendar(reader, delegation, monkeypatch):
    delegate, mission, _ = delegation
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    time_passes()
    first = fetch(reader, token)

    def must_not_build(*args, **kwargs):
        raise AssertionError("the calendar was built for a conditional request")

    monkeypatch.setattr(calendar_views, "feed_ics", must_not_build)

    assert fetch(reader, token, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert fetch(reader, token, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    monkeypatch.setitem(reader.application.config, "CACHE_ENABLED", False)
    with pytest.raises(AssertionError, match="was built"):  # the patch is in place: an uncached full fetch builds
        fetch(reader, token)


def test_the_etag_changes_when_an_item_consent_or_the_delegation_changes(
    reader, make_user, make_mission, make_member, make_item
):
    advisor, officer = make_user(Role.ADVISOR), make_user(Role.PROTOCOL)
    mission = make_mission()
    colleague = make_member(mission, name="Piet Jansen")
    item = make_item(mission, title="Ontvangst", attendees=[colleague])
    person = Participant(real_name="Liu Fang", alias="Zwaluw-7310", kind="resident", at_risk=False)
    item.participants.append(person)
    commit()
    record_consent(advisor, person, mission, scopes=["take_part", "named_internal"], method="in_person",
                   information_version="v1", reconfirm_by=consent_until(), today=date.today())
    token = create_feed(advisor, kind="mission", audience="internal", mission=mission)[1]
    commit()

    def changes(change) -> str:
        before = fetch(reader, token)
        change()
        commit()
        after = fetch(reader, token, **{"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        return unfolded(after)

    body = changes(lambda: update_item(
        officer, item, expected_version=item.version, kind=item.kind, title="Ontvangst (verplaatst)",
        starts_at=datetime(2027, 4, 13, 16), ends_at=datetime(2027, 4, 13, 17), timezone=item.timezone,
        location="", description="", talking_points="", visibility=item.visibility,
        attendees=[colleague.id]))
    assert "Ontvangst (verplaatst)" in body and "Liu Fang" in body
    body = changes(lambda: withdraw_consent(advisor, person, mission, method="phone"))
    assert "Liu Fang" not in body and "Piet Jansen" in body
    body = changes(lambda: remove_member(officer, mission, colleague))
    assert "Piet Jansen" not in body


def test_a_client_using_only_if_modified_since_sees_a_removal_from_a_delegation(
    client, reader, login, make_user, make_mission, make_member, make_item
):
    delegate = login(Role.DELEGATE)
    officer = make_user(Role.PROTOCOL)
    old, newer = make_mission(title="Oud bezoek"), make_mission(title="Nieuw bezoek")
    member = make_member(old, user=delegate)
    make_member(newer, user=delegate)
    make_item(old, title="Eerste")
    make_item(newer, title="Tweede")  # newer timestamps: Last-Modified comes from this mission
    sub = subscribe(client, "person", "delegation")
    first = fetch(reader, sub.token)

    remove_member(officer, old, member)
    commit()

    assert fetch(reader, sub.token, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200


def test_robots_txt_keeps_crawlers_away_from_feeds(reader):
    response = reader.get("/robots.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /feeds/" in lines


# ---- fetches are recorded; the feeds page; revoking -----------------------------------------------------


def test_every_full_fetch_is_recorded_with_time_and_address_and_a_304_writes_nothing(app, delegation):
    delegate, mission, _ = delegation
    feed, token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)
    commit()
    time_passes()
    assert feed.last_fetched_at is None
    google = app.test_client()
    google.environ_base.update(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Google-Calendar-Importer")
    apple = app.test_client()
    apple.environ_base.update(REMOTE_ADDR="198.51.100.23")
    start = now_utc()

    first = fetch(google, token)
    assert fetch(apple, token).status_code == 200
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]},
                    {"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]}):
        with Statements() as sql:
            assert fetch(google, token, **headers).status_code == 304
        assert sql.writes == [], headers
        assert sql.count <= 2, sql.seen

    fetches = db.session.scalars(select(FeedFetch).order_by(FeedFetch.id)).all()
    assert [(f.feed_id, f.address) for f in fetches] == [(feed.id, "203.0.113.7"), (feed.id, "198.51.100.23")]
    assert fetches[0].user_agent == "Google-Calendar-Importer"
    assert all(start <= f.at <= now_utc() for f in fetches)
    db.session.refresh(feed)
    assert feed.last_fetched_at == fetches[-1].at


@pytest.mark.parametrize("kind", ["organisation", "partnership", "mission"])
@pytest.mark.parametrize("audience", ["internal", "delegation"])
@pytest.mark.parametrize("revalidation", ["If-None-Match", "If-Modified-Since", "both"])
def test_a_participant_marked_at_risk_after_subscribing_leaves_a_revalidating_calendar_too(
    app, client, reader, login, make_mission, make_item, kind, audience, revalidation
):
    """The advisor subscribes; a name allowed in the feed is there; then the person is marked at risk through the
    participant form. A calendar that revalidates must get the new body, without the name, not a 304."""
    advisor = login(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, title="Gesprek met bewonersgroep", kind="citizen_meeting", visibility="delegation")
    person = Participant(real_name="Liu Fang", alias="Zwaluw-7310", kind="resident", at_risk=False)
    item.participants.append(person)
    commit()
    record_consent(advisor, person, mission, scopes=["take_part", "named_internal", "named_delegation"],
                   method="in_person", information_version="v1", reconfirm_by=consent_until(), today=date.today())
    commit()
    data = {"kind": kind, "audience": audience, "mission_id": str(mission.id),
            "partnership_id": str(mission.partnership_id)}
    sub = subscribe(client, **data)
    time_passes()
    first = fetch(reader, sub.token)
    assert "Liu Fang" in unfolded(first)

    edited = client.post(f"/participants/{person.id}/edit", data={
        "real_name": "Liu Fang", "alias": "Zwaluw-7310", "organisation": "", "kind": "resident", "residence": "",
        "at_risk": "y", "version": str(person.version)})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, person.id).at_risk

    headers = {"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]}
    if revalidation != "both":
        headers = {revalidation: headers[revalidation]}
    again = fetch(reader, sub.token, **headers)
    assert again.status_code == 200
    assert "Liu Fang" not in unfolded(again) and "Zwaluw-7310" in unfolded(again)
    assert again.headers["ETag"] != first.headers["ETag"]
    assert parsedate_to_datetime(again.headers["Last-Modified"]) >= parsedate_to_datetime(
        first.headers["Last-Modified"])


def _row(html: str, marker: str) -> str:
    """The one table row that mentions ``marker``: its text, then its links."""
    rows = [r for r in re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", html, re.DOTALL) if marker in r]
    assert len(rows) == 1, f"{marker}: {len(rows)} rows"
    links = " ".join(re.findall(r'href="([^"]+)"', rows[0]))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", rows[0]))) + " | " + links


def test_the_feeds_page_lists_own_feeds_with_creation_and_last_fetch_and_administrators_see_all(
    app, signed_in, client, reader, make_user, make_mission, make_member
):
    from babel.dates import format_datetime

    from visitplanner.timeutil import in_zone

    anna, bert = make_user(Role.DELEGATE, name="Anna de Vries"), make_user(Role.DELEGATE, name="Bert Bakker")
    mission = make_mission(title="Werkbezoek Wuxi")
    make_member(mission, user=anna)
    fetched, token = create_feed(anna, kind="mission", audience="partner", mission=mission)
    never, _ = create_feed(anna, kind="person", audience="public")
    create_feed(bert, kind="person", audience="delegation")
    fetched.created_at = datetime(2026, 10, 5, 7, 15, tzinfo=UTC)
    commit()
    fetch(reader, token)
    db.session.refresh(fetched)

    def shown(moment: datetime) -> str:
        local = in_zone(moment, app.config["HOME_TIMEZONE"])
        # English as the application writes it: British order, 24-hour times.
        return re.sub(r"\s+", " ", format_datetime(local, "d MMM y, HH:mm", tzinfo=local.tzinfo, locale="en_GB"))

    page = signed_in(anna).get("/calendar/feeds")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bert Bakker" not in html
    row = _row(html, "Werkbezoek Wuxi")
    assert "Partner authorities" in row and "Anna de Vries" in row
    assert shown(fetched.created_at) in row and shown(fetched.last_fetched_at) in row
    assert "never" not in row and "active" in row
    assert f"/calendar/feeds/{fetched.id}/revoke" in row
    quiet = _row(html, "My missions")
    assert "never" in quiet and shown(never.created_at) in quiet
    assert token not in html and fetched.token_hash not in html

    admin_html = signed_in(make_user(Role.ADMIN)).get("/calendar/feeds").get_data(as_text=True)
    assert "All feeds" in admin_html
    assert admin_html.count('<tr class="utrecht-table__row">') == 1 + 3  # header and every feed
    assert "Bert Bakker" in admin_html and "Anna de Vries" in admin_html


def test_revoking_asks_first_then_ends_the_feed(signed_in, client, reader, login, delegation):
    delegate, mission, _ = delegation
    feed, token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)
    commit()
    browser = signed_in(delegate)

    confirm = browser.get(f"/calendar/feeds/{feed.id}/revoke")

    assert confirm.status_code == 200
    assert "Revoke this calendar feed?" in confirm.get_data(as_text=True)
    db.session.refresh(feed)
    assert feed.revoked_at is None
    assert fetch(reader, token).status_code == 200

    done = browser.post(f"/calendar/feeds/{feed.id}/revoke")

    assert done.status_code == 302 and urlsplit(done.headers["Location"]).path == "/calendar/feeds"
    db.session.refresh(feed)
    assert feed.revoked_at is not None
    assert fetch(reader, token).status_code == 404
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "feed.revoke")) == 1
    row = _row(browser.get("/calendar/feeds").get_data(as_text=True), "Werkbezoek Wuxi")
    assert "revoked" in row and "/revoke" not in row


def test_someone_elses_feed_cannot_be_revoked_but_an_administrator_can(signed_in, reader, make_user, delegation):
    delegate, mission, _ = delegation
    feed, token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)
    commit()
    stranger = signed_in(make_user(Role.PROTOCOL))

    for method in ("GET", "POST"):
        assert stranger.open(f"/calendar/feeds/{feed.id}/revoke", method=method).status_code == 404
        assert stranger.open("/calendar/feeds/99999/revoke", method=method).status_code == 404
    db.session.refresh(feed)
    assert feed.revoked_at is None
    assert fetch(reader, token).status_code == 200

    admin = signed_in(make_user(Role.ADMIN))
    assert admin.post(f"/calendar/feeds/{feed.id}/revoke").status_code == 302
    db.session.refresh(feed)
    assert feed.revoked_at is not None
    assert fetch(reader, token).status_code == 404


# ---- logs ------------------------------------------------------------------------------------------------


def test_tokens_never_reach_the_request_logs(app, caplog):
    token = secrets.token_urlsafe(32)

    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('%s - - [%s] "%s" %s %s', "127.0.0.1", "28/Nov/2026 10:00:00",
                                           f"GET /feeds/{token}.ics HTTP/1.1", "200", "-")
        logging.getLogger("werkzeug").info(f'"GET /feeds/{token}.ics HTTP/1.1" 304 -')

    assert len(caplog.records) == 2
    assert token not in caplog.text
    assert all("/feeds/***" in r.getMessage() for r in caplog.records)


def test_tokens_are_masked_in_gunicorn_access_logs_and_custom_formats_still_work(app, caplog):
    from gunicorn.glogging import SafeAtoms

    token = secrets.token_urlsafe(32)
    atoms = SafeAtoms({"h": "203.0.113.7", "r": f"GET /feeds/{token}.ics HTTP/1.1", "U": f"/feeds/{token}.ics",
                       "s": "200"})

    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(U)s %(s)s %({x-forwarded-for}i)s', atoms)

    [record] = caplog.records
    assert record.getMessage() == '203.0.113.7 "GET /feeds/*** HTTP/1.1" /feeds/*** 200 -'
    assert token not in caplog.text


def test_the_development_server_log_shows_no_token(app, delegation, caplog):
    """A real request through werkzeug's server: its access log line carries ``/feeds/***``."""
    from werkzeug.serving import make_server

    delegate, mission, _ = delegation
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    commit()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        thread.start()
        try:
            with urlopen(f"http://127.0.0.1:{server.server_port}/feeds/{token}.ics") as response:
                assert response.status == 200
                response.read()
        finally:
            server.shutdown()
            server.server_close()
            thread.join()

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET /feeds/*** HTTP/1.1" 200' in line for line in lines), lines
    assert token not in caplog.text
    assert any(isinstance(f, MaskFeedTokens) for f in logging.getLogger("werkzeug").filters)


# ---- speed: a fixed number of queries whatever the size --------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def queries_for(reader, token: str, **headers) -> tuple[int, object]:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = fetch(reader, token, **headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count, response


def fill_programme(mission, n: int, tag: str) -> None:
    """``n`` items, each with two attendees and one participant whose consent names them internally."""
    members = [DelegationMember(mission=mission, name=f"Lid {tag}-{i}") for i in range(2)]
    db.session.add_all(members)
    for i in range(n):
        start = datetime(2027, 4, 12 + i % 4, 8) + timedelta(minutes=(i // 4) * 2)
        person = Participant(real_name=f"Naam {tag}-{i}", alias=f"Alias-{tag}-{i}", kind="resident", at_risk=False)
        item = ProgrammeItem(
            mission=mission, kind="citizen_meeting", title=f"Item {tag}-{i}", timezone=mission.timezone,
            visibility="delegation", starts_at=to_utc(start, mission.timezone),
            ends_at=to_utc(start + timedelta(minutes=1), mission.timezone), attendees=members,
            participants=[person], location="Wuxi", description="Gesprek",
        )
        db.session.add_all([person, item])
        db.session.add(ConsentRecord(participant=person, mission_id=mission.id, kind="given", take_part=True,
                                     named_internal=True, method="in_person", reconfirm_by=consent_until()))
    commit()


@pytest.mark.parametrize("audience", ["internal", "delegation"])
def test_a_mission_feed_takes_the_same_number_of_queries_at_10_and_300_items(
    reader, make_user, make_mission, audience
):
    owner = make_user(Role.ADVISOR)
    counts = {}
    for n in (10, 300):
        mission = make_mission(title=f"Missie {n}")
        fill_programme(mission, n, str(n))
        token = create_feed(owner, kind="mission", audience=audience, mission=mission)[1]
        commit()
        counts[n], response = queries_for(reader, token)
        assert len(events(response)) == n
        if audience == "internal":
            assert f"Naam {n}-{n - 1}" in unfolded(response)
    assert counts[10] == counts[300], counts
    # The token, the scope and its revisions, the missions with only what a calendar shows (items, attendees,
    # themes, participants, consent, risk, and which side each member of the delegation is on: who gets the talking
    # points), and the fetch record: nothing of the companies, sign-offs, consultations or dossier that the mission
    # page loads.
    assert counts[10] <= 13, counts


def test_a_partnership_feed_takes_the_same_number_of_queries_at_2_and_6_missions(
    reader, make_user, make_partnership, make_mission
):
    owner = make_user(Role.PROTOCOL)
    counts, not_modified = {}, {}
    for n in (2, 6):
        partnership = make_partnership(partner_region=f"Regio {n}")
        for m in range(n):
            fill_programme(make_mission(partnership=partnership, title=f"Missie {n}-{m}"), 5, f"{n}-{m}")
        token = create_feed(owner, kind="partnership", audience="delegation", partnership=partnership)[1]
        commit()
        counts[n], response = queries_for(reader, token)
        assert len(events(response)) == 5 * n
        not_modified[n], again = queries_for(reader, token, **{"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    assert counts[2] == counts[6], counts
    assert not_modified[2] == not_modified[6] < counts[2], (not_modified, counts)


def test_a_feed_fetched_too_often_is_answered_429_for_a_while_and_other_feeds_are_not(reader, delegation):
    delegate, mission, _ = delegation
    token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
    other = create_feed(delegate, kind="person", audience="delegation")[1]
    commit()
    answers = [fetch(reader, token).status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429
    limited = fetch(reader, token)
    assert limited.headers["Retry-After"] == "60" and limited.headers["Cache-Control"] == "no-store"
    assert token not in limited.get_data(as_text=True)
    assert fetch(reader, other).status_code == 200


def test_a_delegate_taken_out_of_a_mission_no_longer_learns_its_title_from_the_feeds_name(
    client, reader, login, make_user, make_mission, make_member, make_item
):
    delegate = login(Role.DELEGATE)
    officer = make_user(Role.PROTOCOL)
    mission = make_mission(title="Werkbezoek Wuxi")
    member = make_member(mission, user=delegate)
    make_item(mission, title="Ontvangst op het stadhuis")
    sub = subscribe(client, "mission", "delegation", mission_id=mission.id)
    assert "Werkbezoek Wuxi" in unfolded(fetch(reader, sub.token))

    remove_member(officer, mission, member)
    commit()
    after = fetch(reader, sub.token)
    mission.title = "Geheim vervolgbezoek"
    commit()
    renamed = fetch(reader, sub.token, **{"If-None-Match": after.headers["ETag"]})

    assert "Werkbezoek Wuxi" not in unfolded(after)
    assert renamed.status_code in (200, 304)
    assert "Geheim vervolgbezoek" not in unfolded(renamed)


def test_an_advisor_no_longer_staff_learns_nothing_of_the_partnership_from_the_feeds_name(
    client, reader, login, make_mission
):
    """The sequence the stateful test found: roles taken away, then the partnership renamed."""
    advisor = login(Role.ADVISOR)
    mission = make_mission()
    sub = subscribe(client, "partnership", "internal", partnership_id=mission.partnership_id)
    assert "Wuxi" in unfolded(fetch(reader, sub.token))

    advisor.set_roles([Role.DELEGATE])
    commit()
    before = fetch(reader, sub.token)
    mission.partnership.partner_region = "Suzhou"
    commit()
    after = fetch(reader, sub.token, **{"If-None-Match": before.headers["ETag"]})

    assert "Wuxi" not in unfolded(before)
    assert after.status_code == 304 or ("Suzhou" not in unfolded(after) and after.data == before.data)


def test_a_delegate_creates_her_feed_without_an_audience_to_choose_and_the_office_chooses_delegation_first(
    client, login, auth
):
    login(Role.DELEGATE)
    page = client.get("/calendar/feeds").get_data(as_text=True)
    assert "<select" not in page
    assert '<input type="hidden" name="audience" value="delegation">' in page
    auth.logout()
    login(Role.PROTOCOL)
    page = client.get("/calendar/feeds").get_data(as_text=True)
    assert page.count('<option value="delegation" selected>') == 2  # her own feed and the organisation's
