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
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from flask_caching import Cache

from .crypto import keyring

cache = Cache()

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


def get(etag: str, host_url: str) -> bytes | None:
    """The body kept under this ETag for this host, or None."""
    if not _enabled():
        return None
    k = key(etag, host_url)
    sealed = cache.get(k)
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
    cache.set(k, bytes([len(kid)]) + kid + nonce + AESGCM(ring.keys[ring.current]).encrypt(nonce, body, k.encode()))


def get_plain(key: str):
    """A value kept as it is (derived, holding no personal data: the dashboard's failing checks), or None."""
    return cache.get(key) if _enabled() else None


def set_plain(key: str, value) -> None:
    if _enabled():
        cache.set(key, value)


def clear() -> None:
    """Forget everything kept: bodies, the dashboard's checks, and in Redis the feeds' validators with their
    generation (``calendar/validators.py``): after a restore, ``flask forget-cache``, the benchmark's uncached runs."""
    cache.clear()
