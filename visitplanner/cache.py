"""What is kept to be served again, shared by every instance (Flask-Caching): built feed bodies under their ETag,
and the dashboard's failing checks under the revisions they were run on (``main/dashboard.py``).

A feed's ETag is derived from everything its body shows (``queries.feed_etag``: the feed, its owner's rights, the
revisions in scope, the day), so a body kept under it is the body a fresh build would give: a calendar service that
refetches in full without revalidating costs the ETag queries and one cache read. The key also holds what else a
body depends on: the scheme and host the request came in on (reminders link back to the application) and the
language (a feed opened in a signed-in browser follows the session's).

With ``CACHE_URL`` set (``redis://…``) the bodies are kept in Redis and every instance behind the proxy shares
them; without it, in a folder under ``instance/`` (one machine). Either way a body can hold real names, so it is
kept encrypted under the instance's data key (AES-256-GCM, the key as associated data): a copy of Redis or of the
folder gives nothing away, as a copy of the database does not. A body that does not decrypt (a key rotated and
pruned since) is a miss and is built again. ``CACHE_ENABLED = False`` switches it off, feed bodies and checks
alike (a test that compares fresh builds needs that).

The cache saves work and never decides an answer: what is kept is found only under an ETag the database computed
just now, and nothing kept answers a revalidation (the database does, ``calendar/views.py``). When Redis cannot be
reached, nothing is kept or found: every body is built, and nothing else stops. When a name leaves the data (an
erasure, a consent withdrawn, a pseudonymisation), every kept body is forgotten, at once and again once the change is
committed (:func:`forget_bodies`), so that no copy that could hold it outlives the change.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from flask_caching import Cache
from redis import RedisError

from .crypto import keyring
from .extensions import db

log = logging.getLogger(__name__)

cache = Cache()

#: The errors of a cache that cannot be reached (Redis down, a folder that cannot be written): logged, and the work
#: goes on without the cache.
UNREACHABLE = (RedisError, OSError)

#: A body outlives its day at most by this much (the ETag carries the day; nothing is ever read after that).
TIMEOUT = 2 * 24 * 3600
#: Bodies kept in the folder cache at most (the oldest go first).
FOLDER_THRESHOLD = 2000
_NONCE = 12


def init_app(app: Flask) -> None:
    url = app.config.get("CACHE_URL") or ""
    config = {"CACHE_DEFAULT_TIMEOUT": TIMEOUT, "CACHE_KEY_PREFIX": "visitplanner:"}
    if url:
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
    else:
        folder = Path(app.instance_path) / "cache" / "feeds"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(folder), CACHE_THRESHOLD=FOLDER_THRESHOLD)  # files are written 0600
    cache.init_app(app, config=config)


def _enabled() -> bool:
    return current_app.config.get("CACHE_ENABLED", True)


def key(etag: str, host_url: str) -> str:
    from flask_babel import get_locale

    return "feed:" + hashlib.sha256(f"{etag}\n{host_url}\n{get_locale()}".encode()).hexdigest()


def _unreachable(error: Exception, doing: str) -> None:
    log.warning("the cache (CACHE_URL) could not be reached while %s (%s): going on without it", doing,
                type(error).__name__)


def get(etag: str, host_url: str) -> bytes | None:
    """The body kept under this ETag for this host, or None."""
    if not _enabled():
        return None
    k = key(etag, host_url)
    try:
        sealed = cache.get(k)
    except UNREACHABLE as error:
        _unreachable(error, "looking for a feed body")
        return None
    if not isinstance(sealed, bytes) or len(sealed) < 1 + _NONCE:
        return None
    ring = keyring()
    kid_length = sealed[0]
    kid = sealed[1:1 + kid_length].decode("ascii", "replace")
    if kid not in ring.keys:
        return None
    nonce, body = sealed[1 + kid_length:1 + kid_length + _NONCE], sealed[1 + kid_length + _NONCE:]
    try:
        return AESGCM(ring.keys[kid]).decrypt(nonce, body, k.encode())
    except InvalidTag:
        return None


def put(etag: str, host_url: str, body: bytes) -> None:
    """Keep a built body under its ETag, encrypted under the current data key."""
    if not _enabled():
        return
    k = key(etag, host_url)
    ring = keyring()
    nonce = os.urandom(_NONCE)
    kid = ring.current.encode("ascii")
    sealed = bytes([len(kid)]) + kid + nonce + AESGCM(ring.keys[ring.current]).encrypt(nonce, body, k.encode())
    try:
        cache.set(k, sealed)
    except UNREACHABLE as error:
        _unreachable(error, "keeping a feed body")


def get_plain(key: str):
    """A value kept as it is (derived, holding no personal data: the dashboard's failing checks), or None."""
    if not _enabled():
        return None
    try:
        return cache.get(key)
    except UNREACHABLE as error:
        _unreachable(error, "looking for a kept result")
        return None


def set_plain(key: str, value) -> None:
    if not _enabled():
        return
    try:
        cache.set(key, value)
    except UNREACHABLE as error:
        _unreachable(error, "keeping a result")


def clear() -> None:
    """Forget everything kept: feed bodies and the dashboard's checks (after a restore, ``flask forget-cache``, the
    benchmark's uncached runs)."""
    cache.clear()


def forget_bodies() -> None:
    """A name leaves the data in this transaction (an erasure, a withdrawal, a pseudonymisation): forget every kept
    feed body now, in Redis or the folder, and again once the transaction has committed (``visitplanner/commit.py``),
    so that a body built from the data as it still was while the change was being made does not stay behind either.
    Bodies vary by host and language and are kept under ETags; forgetting them all is the only way to be sure none is
    left. When the cache cannot be reached the change goes on, and the error is logged (what Redis keeps is
    encrypted, and never served again: its ETag is gone)."""
    forget()
    db.session().changes.forget_bodies = True


def forget() -> None:
    """Forget every kept body and result now, going on without the cache when it cannot be reached."""
    try:
        cache.clear()
    except UNREACHABLE as error:
        log.error("the kept feed bodies could not be forgotten (%s): they stay, encrypted, until they expire within "
                  "%s hours; run `flask --app visitplanner forget-cache` once the cache is back", type(error).__name__,
                  TIMEOUT // 3600)
