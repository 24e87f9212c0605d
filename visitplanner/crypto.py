"""Encryption at rest of civil-society personal data (issue 14, part 1).

What a copy of the database (a backup, a dump, a hosting provider's snapshot) must not give away is encrypted in
the column itself, by the ``EncryptedText`` column type: AES-256-GCM from ``cryptography``, a fresh 96-bit nonce per
value, the table and column as associated data (a value copied into another column does not decrypt), and the id
of the key stored with each value::

    vp1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>

The empty string stays empty: that a note is empty is no secret, and forms compare with it.

Keys come from ``DATA_KEY`` (one or more base64 keys of 32 bytes, separated by commas, the current one first) or,
when it is not set, from the key file ``instance/data_keys`` (mode 0600, one key per line, the current one first),
which the first start on a database without encrypted data generates, as it does ``secret_key``. A key's id is a
fingerprint of the key, so a wrong key is never taken for the right one: the application refuses to start when the
database holds values under a key it does not have, and writes nothing (``check_database``).

A real name is looked up (the duplicate check) through a keyed hash of it, the blind index, under each key the
instance has; never by its clear text. The column that holds a value's blind index is declared on the encrypted
column's type (``EncryptedText(..., blind_index="...")``), so that a rotation finds it without naming a model.

This module sits in the lowest layer (``docs/engineers.md``, "Layers"): it imports no area.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import Text, func, inspect, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from .extensions import db

PREFIX = "vp1"
KEY_FILE = "data_keys"
KEY_ID_LENGTH = 12
_NONCE = 12


class DataKeyError(RuntimeError):
    """The instance's keys do not fit its data: it must not start (nor write anything)."""


def key_id(key: bytes) -> str:
    """A key's id: a fingerprint that names the key without giving it away."""
    return hmac.new(key, b"visitplanner data key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def new_key() -> str:
    """A fresh key, as it is written in DATA_KEY or the key file."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def parse_keys(text: str, where: str) -> list[bytes]:
    """The keys in ``text`` (base64, separated by commas or new lines), the current one first."""
    keys = []
    for part in text.replace(",", "\n").split():
        try:
            key = base64.b64decode(part, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise DataKeyError(f"{where} holds something that is not a base64 key of 32 bytes; "
                               "`flask --app visitplanner keys generate` prints one.")
        keys.append(key)
    return keys


def _normalised(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass(frozen=True)
class Keyring:
    """The keys of one instance: ``keys`` by id, ``current`` the one new values are encrypted under."""

    keys: dict[str, bytes]
    current: str
    #: Where the keys come from: "DATA_KEY" or the key file's path.
    source: str = "DATA_KEY"

    @classmethod
    def of(cls, keys: list[bytes], source: str) -> Keyring:
        by_id = {key_id(key): key for key in keys}
        return cls(by_id, key_id(keys[0]), source)

    def encrypt(self, plain: str, aad: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plain.encode("utf-8"), aad.encode())
        return f"{PREFIX}:{self.current}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, aad: str) -> str:
        _, kid, body = token.split(":", 2)
        if kid not in self.keys:
            raise DataKeyError(f"A value in {aad} is encrypted under key {kid}, which this instance does not have.")
        raw = base64.urlsafe_b64decode(body)
        try:
            return AESGCM(self.keys[kid]).decrypt(raw[:_NONCE], raw[_NONCE:], aad.encode()).decode("utf-8")
        except InvalidTag:
            raise DataKeyError(f"A value in {aad} does not decrypt: it was altered or moved.") from None

    def blind_index(self, name: str, kid: str | None = None) -> str:
        """The keyed hash a real name is looked up by, under the current key (or ``kid``)."""
        kid = kid or self.current
        index_key = hmac.new(self.keys[kid], b"visitplanner blind index", hashlib.sha256).digest()
        digest = hmac.new(index_key, _normalised(name).encode("utf-8"), hashlib.sha256).hexdigest()[:40]
        return f"{kid}:{digest}"

    def digest(self, content: bytes, kid: str | None = None) -> str:
        """A keyed digest of ``content`` (HMAC-SHA256 under a key derived from the data key ``kid``, the current one
        by default), prefixed with the key's id: what is kept to notice a change (``calendar/following.py``), of
        which a copy of the database confirms nothing without the key."""
        kid = kid or self.current
        digest_key = hmac.new(self.keys[kid], b"visitplanner change digest", hashlib.sha256).digest()
        return f"{kid}:{hmac.new(digest_key, content, hashlib.sha256).hexdigest()}"

    def digest_of(self, stored: str, content: bytes) -> bool:
        """Whether ``stored`` is the digest of ``content``: under the key it names (a rotation may be under way), or,
        kept before digests were keyed, its plain SHA-256. False under a key this instance no longer has."""
        kid, keyed, _ = stored.partition(":")
        if not keyed:
            return hmac.compare_digest(stored, hashlib.sha256(content).hexdigest())
        return kid in self.keys and hmac.compare_digest(stored, self.digest(content, kid))

    def blind_indexes(self, name: str) -> list[str]:
        """The name's blind index under every key the instance has (a rotation may be under way)."""
        return [self.blind_index(name, kid) for kid in self.keys]


def keyring() -> Keyring:
    return current_app.extensions["data_keys"]


class EncryptedText(TypeDecorator):
    """Text encrypted in the database and clear in Python. ``where`` ("table.column") is the associated data;
    ``blind_index`` names the column of the same table that holds the value's blind index, when it is looked up."""

    impl = Text
    cache_ok = True
    #: Read by the record of processing and the dump test: this column holds nothing in clear.
    encrypted = True

    def __init__(self, where: str, blind_index: str | None = None):
        super().__init__()
        self.where = where
        self.blind_index = blind_index

    def process_bind_param(self, value, dialect):
        if not value:
            return value
        return keyring().encrypt(value, self.where)

    def process_result_value(self, value, dialect):
        if not value or not value.startswith(PREFIX + ":"):
            return value  # empty, or written before encryption (``keys rotate`` encrypts it)
        return keyring().decrypt(value, self.where)


def encrypted_columns() -> list:
    """Every column of every model stored encrypted: derived from the models, never listed by hand."""
    return [column for mapper in db.Model.registry.mappers for column in mapper.local_table.columns
            if isinstance(column.type, EncryptedText)]


# ---- loading and checking the keys ---------------------------------------------------------------------------


def _key_file(app: Flask) -> Path:
    return Path(app.instance_path) / KEY_FILE


def _read_key_file(path: Path) -> list[bytes]:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise DataKeyError(f"The key file {path} may be read by others (mode {mode:o}): `chmod 600 {path}`.")
    return parse_keys(path.read_text(), str(path))


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write the key file whole, owner-only from its creation, and put it in place at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(partial, path)


def keys_in_use(engine) -> set[str]:
    """The ids of the keys the database's values are encrypted under."""
    present = set(inspect(engine).get_table_names())
    used: set[str] = set()
    with engine.connect() as connection:
        for column in encrypted_columns():
            if column.table.name not in present:
                continue
            raw = type_coerce(column, Text)
            kid = func.substr(raw, len(PREFIX) + 2, KEY_ID_LENGTH)  # "vp1:" then the key id
            used |= set(connection.scalars(select(kid).where(raw.like(PREFIX + ":%")).distinct()))
    return used


def _ring_of(app: Flask) -> Keyring | None:
    configured = app.config.get("DATA_KEY") or ""
    if configured:
        return Keyring.of(parse_keys(configured, "DATA_KEY"), "DATA_KEY")
    path = _key_file(app)
    return Keyring.of(_read_key_file(path), str(path)) if path.exists() else None


def _check(ring: Keyring | None, used: set[str], path: Path) -> None:
    if ring is None and used:
        raise DataKeyError(
            "The database holds encrypted personal data, but this instance has no key: set DATA_KEY or restore "
            f"the key file {path} (mode 0600). Nothing has been written.")
    missing = used - (ring.keys.keys() if ring else set())
    if missing:
        raise DataKeyError(
            f"The database holds personal data encrypted under key {', '.join(sorted(missing))}, which "
            f"{ring.source} does not hold (a wrong or lost key). Nothing has been written; start with the key "
            "the data was encrypted under.")


def init_app(app: Flask) -> None:
    """Load the instance's keys and refuse to start (writing nothing) when they do not fit the database.

    When the database cannot be reached at start, an instance with a key checks it at its first request instead,
    and answers nothing until the check has passed; one without a key does not start (it cannot know whether a
    new key would be put over data encrypted under a lost one)."""
    from sqlalchemy.exc import OperationalError

    path = _key_file(app)
    ring = _ring_of(app)
    with app.app_context():
        try:
            used = keys_in_use(db.engine)
        except OperationalError as error:
            db.engine.dispose()
            if ring is None:
                raise DataKeyError(f"No data key (DATA_KEY or {path}), and the database cannot be reached to see "
                                   f"whether it holds encrypted data: {error.orig}") from None
            app.extensions["data_keys"] = ring
            _check_at_first_request(app, ring, path)
            return
        try:
            _check(ring, used, path)
        except DataKeyError:
            db.engine.dispose()  # the app is not started: leave no connection behind
            raise
        if ring is None:
            write_key_file(path, [new_key()])
            ring = _ring_of(app)
    app.extensions["data_keys"] = ring


def _check_at_first_request(app: Flask, ring: Keyring, path: Path) -> None:
    import threading

    from flask import abort
    from sqlalchemy.exc import OperationalError

    lock, checked = threading.Lock(), []

    def check() -> None:
        if checked:
            return
        with lock:
            if not checked:
                try:
                    _check(ring, keys_in_use(db.engine), path)
                except (DataKeyError, OperationalError) as error:
                    app.logger.critical("The data key is not checked yet: %s", error)
                    abort(503)
                checked.append(True)

    app.before_request_funcs.setdefault(None, []).insert(0, check)  # before anything else reads or writes


# ---- rotation ------------------------------------------------------------------------------------------------


def blind_index_of(column):
    """The column that holds the blind index of an encrypted column's values, as its type declares; None when none."""
    return column.table.columns[column.type.blind_index] if column.type.blind_index else None


def _primary_key(column):
    return list(column.table.primary_key.columns)


def not_current(ring: Keyring) -> int:
    """How many values are not (yet) encrypted under the current key: in clear, or under an older key."""
    current = f"{PREFIX}:{ring.current}:%"
    total = 0
    for column in encrypted_columns():
        raw = type_coerce(column, Text)
        total += db.session.scalar(select(func.count()).select_from(column.table).where(raw != "", ~raw.like(current)))
    return total


def reencrypt_batch(ring: Keyring, limit: int) -> int:
    """Re-encrypt up to ``limit`` values (in clear, or under another key than the current) under the current key,
    with their blind indexes (``blind_index_of``); returns how many were done (0: nothing is left)."""
    current = f"{PREFIX}:{ring.current}:%"
    done = 0
    for column in encrypted_columns():
        raw = type_coerce(column, Text)
        keys = _primary_key(column)
        stmt = select(*keys, raw).where(raw != "", ~raw.like(current)).limit(limit - done)
        for row in db.session.execute(stmt).all():
            *ids, value = row
            plain = ring.decrypt(value, column.type.where) if value.startswith(PREFIX + ":") else value
            values = {column.name: type_coerce(ring.encrypt(plain, column.type.where), Text)}
            index = blind_index_of(column)
            if index is not None:
                values[index.name] = ring.blind_index(plain)
            # On the connection, past the guard against bulk changes (``revisions``): the content is the same.
            db.session.connection().execute(
                update(column.table).where(*(k == i for k, i in zip(keys, ids))).values(**values))
            done += 1
        if done >= limit:
            break
    return done
