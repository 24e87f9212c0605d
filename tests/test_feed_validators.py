"""Revalidations answered from Redis (``visitplanner/calendar/validators.py``): without a query while nothing was
written, and never once a write is committed, whatever it wrote and however it reached the database."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from conftest import Statements, replace_clock, time_passes
from sqlalchemy import event, text

from visitplanner import timeutil
from visitplanner.auth.models import Role
from visitplanner.calendar import validators
from visitplanner.calendar.operations import create_feed
from visitplanner.extensions import db


@pytest.fixture
def subscribed(redis_app, make_user, make_mission, make_member, make_item):
    """A delegate subscribed to her mission's feed, fetched in full once: the test holds the Redis app's context,
    so that what it writes goes through the engine the validators watch."""
    with redis_app.test_request_context():
        delegate = make_user(Role.DELEGATE)
        mission = make_mission(title="Werkbezoek Wuxi")
        item = make_item(mission, title="Ontvangst op het stadhuis", attendees=[make_member(mission, user=delegate)])
        token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
        db.session.commit()
        reader = redis_app.test_client()
        first = reader.get(f"/feeds/{token}.ics")
        assert first.status_code == 200
        yield SimpleNamespace(app=redis_app, reader=reader, url=f"/feeds/{token}.ics", token=token,
                              etag=first.headers["ETag"],
                              body=first.get_data(), delegate=delegate, mission=mission, item=item)


def revalidate(feed, etag=None):
    with Statements() as sql:
        response = feed.reader.get(feed.url, headers={"If-None-Match": etag or feed.etag})
    return response, sql.count


def kept_after_one_revalidation(feed):
    """Revalidate once (from the database, which keeps the validators), and check that the next is from Redis."""
    response, queries = revalidate(feed)
    assert (response.status_code, queries) == (304, 2)
    response, queries = revalidate(feed)
    assert (response.status_code, queries) == (304, 0)
    return response


def test_a_revalidation_while_nothing_was_written_is_answered_without_a_query(subscribed):
    response = kept_after_one_revalidation(subscribed)
    assert response.headers["ETag"] == subscribed.etag
    assert response.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.get_data() == b""

    # If-Modified-Since, with a Last-Modified sent once its second had passed, is answered from them too.
    time_passes()
    last_modified = subscribed.reader.get(subscribed.url).headers["Last-Modified"]
    since = subscribed.reader.get(subscribed.url, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304  # from the database (the full fetch wrote), which keeps the validators again
    with Statements() as sql:
        since = subscribed.reader.get(subscribed.url, headers={"If-Modified-Since": last_modified})
    assert (since.status_code, sql.count) == (304, 0)
    # Another ETag is not matched by them: the body comes, from the database.
    other, queries = revalidate(subscribed, '"something-else"')
    assert other.status_code == 200 and queries > 0 and other.get_data() == subscribed.body


def test_what_redis_keeps_names_neither_the_token_nor_anything_the_feed_shows(subscribed):
    import redis
    from conftest import ratelimit_storage_uri

    kept_after_one_revalidation(subscribed)
    store = redis.Redis.from_url(ratelimit_storage_uri())
    kept = {key: store.get(key) for key in store.scan_iter("visitplanner:feed-validators:*")}
    assert len(kept) == 2  # the generation and this feed's validators
    for key, value in kept.items():
        for secret in (subscribed.token.encode(), b"Ontvangst", b"Wuxi"):
            assert secret not in key and secret not in value


def test_a_change_to_the_programme_is_fetched_at_the_next_revalidation(subscribed):
    kept_after_one_revalidation(subscribed)
    db.session.refresh(subscribed.item)
    subscribed.item.title = "Ontvangst verplaatst"
    db.session.commit()

    response, queries = revalidate(subscribed)
    assert response.status_code == 200 and queries > 0
    assert response.headers["ETag"] != subscribed.etag
    assert b"Ontvangst verplaatst" in response.get_data()


def test_any_committed_write_sends_the_next_revalidation_to_the_database(subscribed):
    """A write that changes nothing a feed shows (the record of its fetches) still moves the generation: nothing
    decides what counts, so nothing can be missed."""
    kept_after_one_revalidation(subscribed)
    db.session.execute(text("UPDATE feed_fetches SET address = address"))
    db.session.commit()
    response, queries = revalidate(subscribed)
    assert (response.status_code, queries) == (304, 2)


def test_a_write_behind_the_applications_back_is_seen_at_the_next_revalidation(subscribed):
    """A script on the engine, outside the session and every operation: disabling the owner ends the feed."""
    kept_after_one_revalidation(subscribed)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = :no WHERE id = :id"),
                     {"no": False, "id": subscribed.delegate.id})
    response, queries = revalidate(subscribed)
    assert response.status_code == 404 and queries > 0


def test_a_write_rolled_back_moves_nothing(subscribed):
    kept_after_one_revalidation(subscribed)
    db.session.refresh(subscribed.item)
    subscribed.item.title = "Nooit bewaard"
    db.session.flush()
    db.session.rollback()
    response, queries = revalidate(subscribed)
    assert (response.status_code, queries) == (304, 0)


def test_kept_validators_hold_for_their_day_and_the_feeds_lifetime_only(subscribed, monkeypatch):
    kept_after_one_revalidation(subscribed)
    real = timeutil.now_utc

    def move_clock(by: timedelta) -> None:
        replace_clock(monkeypatch, lambda: real() + by)

    move_clock(timedelta(days=1))  # the ETag holds the day: consents and assessments lapse by date
    response, queries = revalidate(subscribed)
    assert response.status_code == 200 and queries > 0
    assert response.headers["ETag"] != subscribed.etag

    monkeypatch.undo()
    kept_after_one_revalidation(subscribed)
    # Nothing written, but a mission feed ends 30 days after the mission: it is gone, not kept.
    move_clock(subscribed.mission.end_date - timeutil.today_utc() + timedelta(days=31))
    response, queries = revalidate(subscribed)
    assert response.status_code == 404 and queries > 0


def test_validators_read_before_a_write_are_never_kept_as_current(subscribed):
    """A revalidation reads the generation, then the database; a write commits in between; then it keeps what it
    read. That is stale, and tagged with a generation that is gone: it is never used."""
    kept, generation = validators.lookup(subscribed.token)
    assert kept is None and generation is not None  # not kept yet: this one asks the database
    db.session.refresh(subscribed.item)
    subscribed.item.title = "Ontvangst verplaatst"
    db.session.commit()
    validators.keep(subscribed.token, generation, subscribed.etag.strip('"'), 0, timeutil.today_utc(), None)
    response, queries = revalidate(subscribed)
    assert response.status_code == 200 and queries > 0
    assert b"Ontvangst verplaatst" in response.get_data()


def test_a_revalidation_between_a_commit_and_its_connections_return_is_not_kept(subscribed):
    """The narrowest window, taken with a real concurrent request: a writer moved the generation and is about to
    COMMIT; a revalidation in another thread reads the new generation and the database as it still is (the old
    programme), answers 304 and keeps that. The writer's second move, once its connection is back in the pool,
    makes sure the kept validators are never used."""
    kept_after_one_revalidation(subscribed)
    answered = []

    def in_another_thread():
        with subscribed.app.app_context():
            answered.append(revalidate(subscribed))

    def revalidate_now(conn):
        worker = threading.Thread(target=in_another_thread)
        worker.start()
        worker.join(10)

    event.listen(db.engine, "commit", revalidate_now)  # after the validators' own listener: the generation moved
    try:
        with db.engine.connect() as conn:
            conn.execute(text("UPDATE programme_items SET title = 'Ontvangst verplaatst'"))
            conn.execute(text("UPDATE missions SET revision = revision + 1, revised_ms = revised_ms + 1"))
            conn.commit()
    finally:
        event.remove(db.engine, "commit", revalidate_now)
    [(during, during_queries)] = answered
    assert (during.status_code, during_queries) == (304, 2), "the revalidation read the programme before COMMIT"

    response, queries = revalidate(subscribed)
    assert response.status_code == 200 and queries > 0
    assert b"Ontvangst verplaatst" in response.get_data()


def test_forget_cache_forgets_the_kept_validators(subscribed):
    """After a change made around the application (by hand, in SQL), the office runs ``flask forget-cache``."""
    kept_after_one_revalidation(subscribed)
    runner = subscribed.app.test_cli_runner()
    result = runner.invoke(args=["forget-cache"])
    assert result.exit_code == 0 and "forgotten" in result.output
    response, queries = revalidate(subscribed)
    assert (response.status_code, queries) == (304, 2)


def test_with_redis_unreachable_revalidations_ask_the_database_and_nothing_is_committed(
        app, make_user, make_mission, make_member):
    import redis
    from conftest import make_app

    from visitplanner.missions.models import Mission

    with app.test_request_context():  # made and fetched through the test application, which keeps nothing in Redis
        delegate = make_user(Role.DELEGATE)
        mission = make_mission(title="Werkbezoek Wuxi")
        make_member(mission, user=delegate)
        token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)[1]
        db.session.commit()
        mission_id = mission.id
        etag = app.test_client().get(f"/feeds/{token}.ics").headers["ETag"]

    unreachable = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path,
                           CACHE_URL="redis://127.0.0.1:1/0")
    try:
        with unreachable.test_request_context():
            reader = unreachable.test_client()
            assert reader.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag}).status_code == 304

            db.session.get(Mission, mission_id).title = "Nooit bewaard"
            with pytest.raises(redis.ConnectionError):
                db.session.commit()
            db.session.rollback()
    finally:
        with unreachable.app_context():
            db.engine.dispose()
    with app.app_context():
        assert db.session.get(Mission, mission_id).title == "Werkbezoek Wuxi"
