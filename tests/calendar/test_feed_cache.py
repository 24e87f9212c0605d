"""Built feed bodies kept under their ETag (``visitplanner/cache.py``): a calendar service that refetches
in full gets the body a fresh build would give, from the ETag queries and a cache read; what is kept gives nothing
away to whoever copies the cache."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from support.sql import Statements
from visitplanner.auth.models import Role
from visitplanner import cache as feed_cache
from visitplanner.calendar import views as calendar_views
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.participants.models import Participant
from visitplanner.participants.operations import record_consent


@pytest.fixture
def named(ctx, make_user, make_mission, make_item):
    """An internal feed of a mission whose item names a consenting participant; returns (owner, mission, token)."""
    owner = make_user(Role.ADVISOR, name="Femke Visser")
    mission = make_mission(title="Werkbezoek Wuxi")
    item = make_item(mission, title="Gesprek in de wijk", kind="citizen_meeting", location="Buurthuis Oost")
    person = Participant(real_name="Zhao Ming", alias="Reiger-5521", kind="resident", at_risk=False)
    item.participants.append(person)
    commit()
    record_consent(owner, person, mission, scopes=["take_part", "named_internal"], method="in_person",
                   information_version="v1", reconfirm_by=date.today() + timedelta(days=300), today=date.today())
    token = create_feed(owner, kind="mission", audience="internal", mission=mission)[1]
    commit()
    return owner, mission, token


def count_builds(monkeypatch) -> list:
    built = []
    real = calendar_views.feed_ics

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_views, "feed_ics", counting)
    return built


def test_an_unchanged_feed_fetched_in_full_again_is_served_from_the_cache_with_the_same_body(
        reader, named, monkeypatch):
    _, _, token = named
    built = count_builds(monkeypatch)
    first = reader.get(f"/feeds/{token}.ics")
    assert first.status_code == 200 and "Zhao Ming" in first.get_data(as_text=True)
    with Statements() as sql:
        again = reader.get(f"/feeds/{token}.ics")
    assert again.status_code == 200
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert built == [1]
    # The feed and its scope; then only the fetch record (an INSERT, an UPDATE of the feed, the pruning DELETE).
    reads = [s for s in sql.seen if s not in sql.writes]
    assert len(reads) == 2, sql.seen
    assert len(sql.writes) == 3, sql.writes


def test_a_change_gives_a_new_etag_and_a_fresh_body_never_the_kept_one(reader, named, monkeypatch):
    owner, mission, token = named
    built = count_builds(monkeypatch)
    first = reader.get(f"/feeds/{token}.ics")
    mission.items[0].title = "Gesprek verplaatst"
    commit()
    second = reader.get(f"/feeds/{token}.ics")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Gesprek verplaatst" in second.get_data(as_text=True)
    assert built == [1, 1]


def test_a_feed_built_with_the_cache_off_is_the_body_served_from_it(app, reader, named, monkeypatch):
    _, _, token = named
    reader.get(f"/feeds/{token}.ics")
    cached = reader.get(f"/feeds/{token}.ics").get_data()
    monkeypatch.setitem(app.config, "CACHE_ENABLED", False)
    assert reader.get(f"/feeds/{token}.ics").get_data() == cached


def test_what_the_cache_keeps_on_disk_holds_no_name_title_or_place(app, reader, named):
    _, _, token = named
    body = reader.get(f"/feeds/{token}.ics").get_data()
    assert b"Zhao Ming" in body
    folder = Path(app.instance_path) / "cache" / "feeds"
    kept = [p for p in folder.rglob("*") if p.is_file()]
    assert kept, "nothing was kept"
    for path in kept:
        raw = path.read_bytes()
        for secret in (b"Zhao Ming", b"Gesprek in de wijk", b"Buurthuis Oost", b"VEVENT"):
            assert secret not in raw, (path, secret)
        assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)


def test_a_kept_body_that_was_altered_or_sealed_under_a_key_the_instance_lacks_is_built_again(
        app, reader, named, monkeypatch):
    _, _, token = named
    built = count_builds(monkeypatch)
    first = reader.get(f"/feeds/{token}.ics")
    with app.test_request_context():
        k = feed_cache.key(first.headers["ETag"].strip('"'), "http://localhost/")
        sealed = feed_cache.cache.get(k)
        assert isinstance(sealed, bytes)
        feed_cache.cache.set(k, sealed[:-1] + bytes([sealed[-1] ^ 1]))  # altered in the store
    assert reader.get(f"/feeds/{token}.ics").get_data() == first.get_data()
    assert built == [1, 1]
    with app.test_request_context():
        sealed = feed_cache.cache.get(k)
        length = sealed[0]
        feed_cache.cache.set(k, sealed[:1] + b"0" * length + sealed[1 + length:])  # a key pruned since
    assert reader.get(f"/feeds/{token}.ics").get_data() == first.get_data()
    assert built == [1, 1, 1]
    assert reader.get(f"/feeds/{token}.ics").get_data() == first.get_data()
    assert built == [1, 1, 1], "kept again once built"


def test_the_kept_body_follows_the_host_the_request_came_in_on(ctx, reader, make_user, make_mission):
    owner = make_user(Role.PROTOCOL)
    mission = make_mission(title="Werkbezoek Wuxi")
    db.session.add(FollowUp(mission_id=mission.id, what="Nabellen", due_date=date(2027, 5, 1)))
    token = create_feed(owner, kind="organisation", audience="internal")[1]
    commit()

    def links(host: str) -> set[str]:
        body = reader.get(f"/feeds/{token}.ics", base_url=f"https://{host}").get_data()
        cal = Calendar.from_ical(body)
        return {m for ev in cal.walk("VEVENT") for m in re.findall(r"https://[^/\s]+", str(ev.get("description")))}

    assert links("plan.example.org") == {"https://plan.example.org"}
    assert links("intern.example.org") == {"https://intern.example.org"}
    assert links("plan.example.org") == {"https://plan.example.org"}


def test_a_feed_read_a_few_items_at_a_time_is_the_feed_read_at_once(app, reader, ctx, make_user, make_mission,
                                                                    make_item, monkeypatch):
    from visitplanner.calendar import queries as calendar_queries

    owner = make_user(Role.PROTOCOL)
    first, second = make_mission(title="Eerste"), make_mission(title="Tweede")
    for i, mission in enumerate((first, second, first, second, first, second, first)):
        make_item(mission, f"2027-04-13T{10 + i // 3}:00", f"2027-04-13T{11 + i // 3}:00", title=f"Punt {i}")
    token = create_feed(owner, kind="organisation", audience="internal")[1]
    commit()
    monkeypatch.setitem(app.config, "CACHE_ENABLED", False)
    at_once = reader.get(f"/feeds/{token}.ics").get_data()
    monkeypatch.setattr(calendar_queries, "CALENDAR_BATCH", 2)
    assert reader.get(f"/feeds/{token}.ics").get_data() == at_once
    assert len(Calendar.from_ical(at_once).walk("VEVENT")) == 7
