"""Revalidations answered from the shared Redis, never staler than the database: the *write generation*.

A calendar revalidates a feed far more often than anything in it changes. With ``CACHE_URL`` set to Redis, the
validators of a feed's last 304 (its ETag, its latest change, the day they hold for and the feed's expiry) are kept
in Redis under the hash of its token, tagged with the write generation read *before* that answer's queries. A
revalidation whose generation is still the same is answered from them: one Redis round trip, no database.

The generation is not a list of what a feed depends on, and nothing calls it by hand. It moves with *every*
transaction that wrote anything, on every connection of the application's engine (the ORM's flushes, plain
UPDATEs through the session's connection, a script's ``engine.begin()``, migrations): an engine event notes each
statement that is not a SELECT, and a transaction that had one sets a new random generation just before its
COMMIT and again once its connection is back in the pool after it. So:

- whatever a write changes, a new column included, validators read before it are never used once it is committed;
- a transaction whose first new generation cannot be set (Redis unreachable) is not committed: the write fails
  rather than leave validators standing for what it changes;
- a 304 from Redis can be stale only if a revalidation read the database in the moment between the first new
  generation and the COMMIT, and the second then could not be set (Redis went away, or the process died, in the
  microseconds between the COMMIT and the connection's return): for :data:`LIFETIME` at most;
- a reader that cannot reach Redis asks the database.

Anything written to the database around the application (``psql`` by hand, ``pg_restore``) is not seen: ``flask
forget-cache`` forgets every kept validator and body, and ``flask restore`` does so itself.

Validators are kept only when a revalidation was answered 304 from the database, never for a full fetch (that
records the fetch: a write, which moves the generation anyway). Without Redis (the folder cache of a single
machine) nothing is kept and every revalidation is two queries.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app
from redis import Redis, RedisError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..extensions import db
from ..revisions import epoch_ms
from ..timeutil import now_utc, today_utc
from .queries import FEED_FORMAT

log = logging.getLogger(__name__)

EXTENSION = "visitplanner.feed_validators"
#: Seconds kept validators live at most (within their day): long enough for calendars that poll every few minutes
#: up to every half hour, and the bound on a 304 that is stale because a generation could not be moved after a
#: commit (see the module's docstring).
LIFETIME = 3600
#: Under the cache's prefix, so that clearing the cache (a restore) forgets them too.
GENERATION_KEY = "visitplanner:feed-validators:generation"
_WROTE = "visitplanner.wrote"
_COMMITTED = "visitplanner.committed-writes"


@dataclass(frozen=True)
class Kept:
    """What a 304 needs: the ETag and the latest change (ms since 1970)."""

    etag: str
    latest_ms: int


def init_app(app: Flask) -> None:
    """Keep validators in the cache's Redis, and watch the application's engines for writes."""
    url = app.config.get("CACHE_URL") or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return
    store = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    app.extensions[EXTENSION] = store
    with app.app_context():
        for engine in db.engines.values():
            watch(engine, store)


def watch(engine: Engine, store: Redis) -> None:
    """Move the generation around every COMMIT of a transaction that wrote (see the module's docstring)."""

    @event.listens_for(engine, "before_cursor_execute")
    def note_write(conn, cursor, statement, parameters, context, executemany):
        if not conn.info.get(_WROTE) and not statement.lstrip()[:6].upper() == "SELECT":
            conn.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    def before_commit(conn):
        if conn.info.pop(_WROTE, False):
            _move(store, required=True)
            conn.info[_COMMITTED] = True

    @event.listens_for(engine, "rollback")
    def rolled_back(conn):
        conn.info.pop(_WROTE, None)

    @event.listens_for(engine.pool, "checkin")
    def after_commit(dbapi_connection, record):
        if record is not None and record.info.pop(_COMMITTED, False):
            _move(store)


def _move(store: Redis, *, required: bool = False) -> None:
    """A new generation. Before a COMMIT it is required: if Redis cannot be told, the transaction fails rather than
    leave kept validators standing for what it changes. After one, it can only be logged."""
    try:
        store.set(GENERATION_KEY, secrets.token_hex(16))
    except RedisError as error:
        if required:
            log.error("Redis (CACHE_URL) is unreachable: the transaction is not committed, since the feeds' kept "
                      "validators could not be told (%s)", type(error).__name__)
            raise
        log.warning("the feed validators' generation could not be moved after a commit (%s): validators kept in "
                    "that moment last %s s at most", type(error).__name__, LIFETIME)


def _store() -> Redis | None:
    return current_app.extensions.get(EXTENSION)


def _key(token: str) -> str:
    # A hash of the token other than the one the database keeps: a key leads neither to the address nor to a feed row.
    return f"visitplanner:feed-validators:{FEED_FORMAT}:" + hashlib.sha256(b"validators\0" + token.encode()).hexdigest()


def lookup(token: str) -> tuple[Kept | None, str | None]:
    """The validators kept for this token if still good, and the generation now (None: keep nothing), read in one
    round trip before any query."""
    store = _store()
    if store is None or not token or len(token) > 200:
        return None, None
    try:
        generation, kept = store.mget(GENERATION_KEY, _key(token))
    except RedisError:  # Redis unreachable: the database answers
        return None, None
    if generation is None:  # a fresh Redis: nothing is kept until a transaction has set a generation
        return None, None
    if kept is None:
        return None, generation.decode()
    try:
        tagged, day, expires_ms, latest_ms, etag = kept.decode().split("|")
        latest, expires = int(latest_ms), int(expires_ms)
    except ValueError:
        return None, generation.decode()
    now = now_utc()
    good = (tagged.encode() == generation and day == today_utc().isoformat()
            and (expires == 0 or epoch_ms(now) < expires))
    return (Kept(etag, latest) if good else None), generation.decode()


def keep(token: str, generation: str | None, etag: str, latest_ms: int, today: date,
         expires_at: datetime | None) -> None:
    """Keep the validators of a 304 just answered from the database, under the generation read before it."""
    store = _store()
    if store is None or generation is None:
        return
    expires = epoch_ms(expires_at) if expires_at is not None else 0
    try:
        store.set(_key(token), f"{generation}|{today.isoformat()}|{expires}|{latest_ms}|{etag}", ex=LIFETIME)
    except RedisError:  # nothing kept: the next revalidation asks the database
        return
