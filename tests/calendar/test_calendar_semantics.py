"""Calendars follow every change, for every audience (issue 11, part 4).

A calendar client keeps what it was sent until a higher SEQUENCE for the same UID replaces it; a client that merges
rather than replaces keeps an event that simply vanishes. So an item that an audience stops seeing is sent to it
cancelled, with the same UID and a higher SEQUENCE, for 30 days; any change in what an audience sees raises its
SEQUENCE; CLASS is PUBLIC only for public items.

The table below is written out by hand, independently of ``visitplanner/disclosure.py``: for every (old visibility,
new visibility, audience) it says what the audience gets before and after, and every file passes libical's
restriction check and the second parser (vobject) through ``assert_well_formed``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product

import pytest
from sqlalchemy import update
from support.ical import PRIVATE, assert_well_formed, build, events, feed, item_data

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.itinerary.operations import remove_item, update_item
from visitplanner.timeutil import now_utc

VISIBILITIES = ("internal", "delegation", "partner", "public")

#: What each audience gets of an item of each visibility: "full", "private" (a private appointment) or nothing.
GETS = {
    "internal": {"internal": "full", "delegation": "full", "partner": "full", "public": "full"},
    "delegation": {"internal": "private", "delegation": "full", "partner": "full", "public": "full"},
    "partner": {"internal": None, "delegation": None, "partner": "full", "public": "full"},
    "public": {"internal": None, "delegation": None, "partner": None, "public": "full"},
}
#: CLASS by visibility.
CLASS = {"internal": "CONFIDENTIAL", "delegation": "PRIVATE", "partner": "PRIVATE", "public": "PUBLIC"}

TITLE, PLACE = "Ontvangst", "Stadhuis Wuxi"


def gets(audience: str, visibility: str) -> str | None:
    return GETS[audience][visibility]


def content(vevent) -> dict:
    """What a client shows of an event: everything but the stamps that say when it was sent."""
    return {key: vevent[key].to_ical() for key in vevent if key not in ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED")}


@pytest.fixture
def planned(ctx, make_user, make_mission, make_item):
    protocol = make_user(Role.PROTOCOL)
    mission = make_mission()

    def plan(visibility: str) -> ProgrammeItem:
        return make_item(mission, "2027-04-13T14:00", "2027-04-13T15:00", title=TITLE, location=PLACE,
                         description="Kennismaking", visibility=visibility)

    return protocol, mission, plan


@pytest.mark.parametrize("old, new, audience", list(product(VISIBILITIES, VISIBILITIES, VISIBILITIES)))
def test_every_audience_follows_a_change_of_visibility(planned, old, new, audience):
    protocol, mission, plan = planned
    item = plan(old)
    before = feed(mission, audience).get(item.uid)

    update_item(protocol, item, expected_version=item.version, **item_data(item, visibility=new))
    commit()
    after = feed(mission, audience).get(item.uid)

    was, now = gets(audience, old), gets(audience, new)
    # Before: what the table says, with the class of the old visibility.
    if was is None:
        assert before is None
    else:
        assert str(before["status"]) == "CONFIRMED"
        assert str(before["class"]) == CLASS[old]
        assert (str(before["summary"]) in PRIVATE) == (was == "private")

    if was is None and now is None:
        assert after is None, "an item the audience never saw must not reach it, not even cancelled"
    elif now is None:
        # It saw the item and no longer may: cancelled, same UID, higher SEQUENCE, as it knew it and nothing more.
        assert str(after["status"]) == "CANCELLED"
        assert after.decoded("sequence") > before.decoded("sequence")
        assert str(after["summary"]) == str(before["summary"])
        assert after.decoded("dtstart") == before.decoded("dtstart")
        assert "location" not in after and "description" not in after
        assert str(after["class"]) == CLASS[old]
    else:
        assert str(after["status"]) == "CONFIRMED"
        assert str(after["class"]) == CLASS[new]
        assert (str(after["summary"]) in PRIVATE) == (now == "private")
        if was is not None:
            # Any change in what it sees raises its SEQUENCE; nothing changed, nothing to notice.
            if content(after) != content(before):
                assert after.decoded("sequence") > before.decoded("sequence")
            else:
                assert after.decoded("sequence") == before.decoded("sequence")
            if old != new and CLASS[old] != CLASS[new] or was != now:
                assert content(after) != content(before)


@pytest.mark.parametrize("audience", ["partner", "public"])
def test_a_narrowed_item_is_cancelled_for_30_days_then_gone(planned, audience):
    protocol, mission, plan = planned
    item = plan("public")
    update_item(protocol, item, expected_version=item.version, **item_data(item, visibility="internal"))
    commit()
    withdrawn_at = datetime.fromisoformat(item.shown[audience]["withdrawn_at"])

    for days in (0, 1, 29):
        assert str(feed(mission, audience, now=withdrawn_at + timedelta(days=days))[item.uid]["status"]) == "CANCELLED"
    assert item.uid not in feed(mission, audience, now=withdrawn_at + timedelta(days=31))


def test_a_renamed_and_hidden_item_is_cancelled_under_the_name_and_time_the_audience_knew(planned):
    protocol, mission, plan = planned
    item = plan("public")
    before = feed(mission, "public")[item.uid]

    update_item(protocol, item, expected_version=item.version, **item_data(
        item, visibility="internal", title="Gesprek met Oeigoerse familieleden", location="Achterkamer",
        starts_at=item_data(item)["starts_at"] + timedelta(hours=3), ends_at=item_data(item)["ends_at"] + timedelta(hours=3)))
    commit()

    body = build(mission, "public", for_feed=True, now=now_utc())
    cancelled = events(body)[item.uid]
    assert str(cancelled["summary"]) == TITLE
    assert cancelled.decoded("dtstart") == before.decoded("dtstart")
    assert b"Oeigoerse" not in body and b"Achterkamer" not in body


def test_an_item_shown_again_comes_back_above_its_cancellation(planned):
    protocol, mission, plan = planned
    item = plan("partner")
    first = feed(mission, "partner")[item.uid].decoded("sequence")
    update_item(protocol, item, expected_version=item.version, **item_data(item, visibility="delegation"))
    commit()
    cancelled = feed(mission, "partner")[item.uid]
    update_item(protocol, item, expected_version=item.version, **item_data(item, visibility="partner"))
    commit()
    back = feed(mission, "partner")[item.uid]

    assert first < cancelled.decoded("sequence") < back.decoded("sequence")
    assert str(back["status"]) == "CONFIRMED" and str(back["location"]) == PLACE


def test_a_removed_item_is_cancelled_for_everyone_who_saw_it_as_they_saw_it(planned):
    protocol, mission, plan = planned
    item = plan("internal")
    before = {audience: feed(mission, audience).get(item.uid) for audience in VISIBILITIES}
    remove_item(protocol, item)
    commit()
    after = {audience: feed(mission, audience).get(item.uid) for audience in VISIBILITIES}

    assert after["partner"] is None and after["public"] is None
    for audience in ("internal", "delegation"):
        assert str(after[audience]["status"]) == "CANCELLED"
        assert str(after[audience]["summary"]) == str(before[audience]["summary"])
        assert after[audience].decoded("sequence") > before[audience].decoded("sequence")
    assert str(after["delegation"]["summary"]) in PRIVATE


@pytest.mark.parametrize("change", [{"title": "Ontvangst door de burgemeester"}, {"location": "Hotel Wuxi"}])
def test_a_new_title_or_place_raises_the_sequence_only_where_it_is_seen(planned, change):
    protocol, mission, plan = planned
    item = plan("internal")
    before = {audience: feed(mission, audience)[item.uid] for audience in ("internal", "delegation")}
    update_item(protocol, item, expected_version=item.version, **item_data(item, **change))
    commit()
    after = {audience: feed(mission, audience)[item.uid] for audience in ("internal", "delegation")}

    assert after["internal"].decoded("sequence") > before["internal"].decoded("sequence")
    # The delegation sees a private appointment at the same time: nothing it could notice.
    assert after["delegation"].decoded("sequence") == before["delegation"].decoded("sequence")


def test_an_item_made_before_this_was_followed_still_moves_and_cancels(planned):
    """Items that existed before the migration carry no record of what was shown: their first change raises every
    audience's SEQUENCE above what the old counter sent, and one removed back then is still cancelled."""
    protocol, mission, plan = planned
    moved, removed = plan("public"), plan("public")
    remove_item(protocol, removed)
    commit()
    table = ProgrammeItem.__table__
    with db.engine.begin() as conn:  # as migration 0014 leaves them
        conn.execute(update(table).values(shown=None, sequence=3))
    db.session.expire_all()

    assert feed(mission, "public")[moved.uid].decoded("sequence") == 3
    assert str(feed(mission, "public")[removed.uid]["status"]) == "CANCELLED"

    update_item(protocol, moved, expected_version=moved.version, **item_data(moved, description="Nieuw"))
    commit()
    body = feed(mission, "public")
    assert body[moved.uid].decoded("sequence") > 3
    assert str(body[removed.uid]["status"]) == "CANCELLED" and body[removed.uid].decoded("sequence") >= 3


def test_a_subscribed_partner_feed_gets_the_cancellation_with_a_new_etag(planned, reader, make_user):
    protocol, mission, plan = planned
    item = plan("partner")
    token = create_feed(make_user(Role.ADVISOR), kind="mission", audience=Audience.PARTNER, mission=mission)[1]
    commit()
    first = reader.get(f"/feeds/{token}.ics")
    assert item.uid in events(first.data)

    update_item(protocol, item, expected_version=item.version, **item_data(item, visibility="internal"))
    commit()
    again = reader.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    cancelled = events(again.data)[item.uid]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("sequence") > events(first.data)[item.uid].decoded("sequence")


def test_a_cancelled_missions_items_are_cancelled_in_every_calendar_that_had_them(planned, make_user):
    from visitplanner.readiness.operations import cancel

    protocol, mission, plan = planned
    shared, secret = plan("partner"), plan("internal")
    before = {audience: feed(mission, audience) for audience in VISIBILITIES}
    cancel(make_user(Role.PROTOCOL), mission, "De partner heeft het bezoek afgezegd.")
    commit()

    for audience in VISIBILITIES:
        after = feed(mission, audience)
        assert set(after) == set(before[audience])  # nobody learns of an item they never had
        for uid, event in after.items():
            assert str(event["status"]) == "CANCELLED"
            assert event.decoded("sequence") > before[audience][uid].decoded("sequence")
    assert secret.uid in feed(mission, "delegation") and shared.uid in feed(mission, "partner")
    # A file made now carries none of them as planned.
    assert events(build(mission, "delegation", now=now_utc())) == {}


def test_a_name_whose_consent_lapsed_leaves_the_calendar_with_a_higher_sequence_when_cron_runs(
    runner, planned, make_user, monkeypatch
):
    from datetime import date

    from support.readiness import freeze_today

    from visitplanner.participants.models import Participant
    from visitplanner.participants.operations import record_consent

    protocol, mission, plan = planned
    advisor = make_user(Role.ADVISOR)
    freeze_today(monkeypatch, date(2027, 3, 1))
    item = plan("delegation")
    item.participants.append(Participant(real_name="Liu Fang", alias="Zwaluw-7310", kind="resident", at_risk=False))
    commit()
    record_consent(advisor, item.participants[0], mission, scopes=["take_part", "named_internal"], method="in_person",
                   information_version="v1", reconfirm_by=date(2027, 3, 10), today=date(2027, 3, 1))
    commit()

    def internal(day: date):
        body = build(mission, "internal", advisor, for_feed=True, today=day)
        assert_well_formed(body)
        return events(body)[item.uid]

    before = internal(date(2027, 3, 1))
    assert "Liu Fang" in str(before["description"])
    freeze_today(monkeypatch, date(2027, 3, 11))  # the consent had to be reconfirmed by 10 March
    lapsed = internal(date(2027, 3, 11))
    assert "Liu Fang" not in str(lapsed["description"]) and "Zwaluw-7310" in str(lapsed["description"])
    assert lapsed.decoded("sequence") == before.decoded("sequence")  # reading wrote nothing

    revision = mission.revision
    result = runner.invoke(args=["checklist", str(mission.id)])
    assert result.exit_code in (0, 1), result.output  # 1: the bare test mission fails checks, as it should
    db.session.expire_all()
    assert internal(date(2027, 3, 11)).decoded("sequence") > before.decoded("sequence")
    assert db.session.get(type(mission), mission.id).revision > revision  # the feed's ETag moves with it
