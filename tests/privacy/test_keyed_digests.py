"""What calendars were shown is kept as a keyed digest (issue 21, part 2): no offline name oracle.

``programme_items.shown`` keeps, per audience, a digest of the event as the most privileged viewer would be sent it,
real names included, to notice when it changes. Everything else in that event is in the database in clear, so a
plain hash would let a copy of the database confirm a guessed name (of a person at risk too) without the data key.
The digest is an HMAC under a key derived from the data key; a rotation keeps every digest under the new key without
a calendar noticing (no SEQUENCE, no revision); a plain digest kept before is taken over the same way by cron.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from sqlalchemy import update
from support.sql import dump

from visitplanner.auth.models import Role
from visitplanner.calendar.following import event_content
from visitplanner.commit import commit
from visitplanner.crypto import keyring
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Mission
from visitplanner.participants.models import Scope
from visitplanner.participants.operations import create_participant, record_consent
from visitplanner.timeutil import today_utc

REAL_NAME = "Li Wei"


@pytest.fixture
def named(ctx, make_user, make_mission, make_item):
    """A meeting with a defender at risk who agreed to be named internally, and a dinner beside it."""
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    meeting = make_item(mission, title="Gesprek", kind="ngo_visit", visibility="partner", location="Werkplaats")
    dinner = make_item(mission, "2027-04-13T19:00", "2027-04-13T21:00", title="Diner", kind="meal")
    person = create_participant(advisor, real_name=REAL_NAME, alias="Zwaluw-4471", kind="defender", at_risk=True)
    meeting.participants.append(person)
    record_consent(advisor, person, mission, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL], method="in_person",
                   information_version="v1", reconfirm_by=mission.end_date, today=today_utc())
    commit()
    return mission, meeting, dinner


def digests(item: ProgrammeItem) -> dict[str, str | None]:
    return {audience: entry.get("digest") for audience, entry in item.shown.items()}


def test_the_digest_of_an_event_with_a_real_name_is_keyed_and_no_key_is_in_the_database(app, named):
    mission, meeting, dinner = named
    db.session.refresh(meeting)
    content, _ = event_content(meeting, Audience.INTERNAL, today_utc())
    assert REAL_NAME.encode() in content  # the bytes digested name the person, as the office's view does
    stored = meeting.shown["internal"]["digest"]
    assert stored != hashlib.sha256(content).hexdigest()
    assert hashlib.sha256(content).hexdigest() not in stored
    ring = keyring()
    assert stored == ring.digest(content) and stored.startswith(ring.current + ":")
    assert all(d.startswith(ring.current + ":") for d in digests(meeting).values())

    text = dump(app)
    assert stored in text  # the dump is the database as a copy would hold it
    for key in ring.keys.values():
        derived = hmac.new(key, b"visitplanner change digest", hashlib.sha256).digest()
        for material in (key, derived):
            for spelling in (material.hex(), base64.b64encode(material).decode(),
                             base64.urlsafe_b64encode(material).decode().rstrip("=")):
                assert spelling not in text


def test_a_key_rotation_keeps_every_digest_under_the_new_key_and_no_calendar_notices(runner, named):
    mission, meeting, dinner = named
    items = [meeting, dinner]
    for item in items:
        db.session.refresh(item)
    before = {item.id: (item.sequence, {a: {k: v for k, v in e.items() if k != "digest"}
                                        for a, e in item.shown.items()}) for item in items}
    revision = db.session.get(Mission, mission.id).revision
    old = keyring().current

    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new = keyring().current
    assert new != old
    db.session.expire_all()
    for item in (db.session.get(ProgrammeItem, i.id) for i in items):
        assert all(d.startswith(new + ":") for d in digests(item).values()), item.title
        after = {a: {k: v for k, v in e.items() if k != "digest"} for a, e in item.shown.items()}
        assert (item.sequence, after) == before[item.id]
    assert db.session.get(Mission, mission.id).revision == revision

    # Following the next change compares under the new key: the meeting, unchanged, keeps its SEQUENCE.
    dinner = db.session.get(ProgrammeItem, dinner.id)
    dinner.title = "Diner met de burgemeester"
    commit()
    assert db.session.get(ProgrammeItem, meeting.id).sequence == before[meeting.id][0]
    assert db.session.get(ProgrammeItem, dinner.id).sequence > before[dinner.id][0]


def test_a_plain_digest_kept_before_is_taken_over_by_cron_without_a_calendar_noticing(runner, named):
    """An instance upgraded from before digests were keyed: the daily checklist run keeps each under the key."""
    mission, meeting, dinner = named
    db.session.refresh(meeting)
    plain = {}
    for audience, entry in meeting.shown.items():
        content = event_content(meeting, Audience(audience), today_utc())
        plain[audience] = {**entry, "digest": hashlib.sha256(content[0]).hexdigest()} if content else entry
    table = ProgrammeItem.__table__
    db.session.connection().execute(update(table).where(table.c.id == meeting.id).values(shown=plain))
    commit()
    sequence, revision = meeting.sequence, db.session.get(Mission, mission.id).revision

    result = runner.invoke(args=["checklist", str(mission.id)])
    assert result.exit_code in (0, 1), result.output
    db.session.expire_all()
    meeting = db.session.get(ProgrammeItem, meeting.id)
    assert all(d.startswith(keyring().current + ":") for d in digests(meeting).values())
    assert meeting.sequence == sequence
    assert db.session.get(Mission, mission.id).revision == revision
