"""Backups of the whole database and their restore: `pg_dump`/`pg_restore` for PostgreSQL, SQLite's online
backup API for SQLite. The commands are in cli.py; docs/operators.md has the restore drill.

A backup holds everything the database holds, real names of civil-society participants included: keep it as
carefully as the database itself (encrypted, off the application server, for a limited time).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from . import cache as feed_cache
from .extensions import db


class BackupError(RuntimeError):
    """A backup or restore that did not complete; the message says why."""


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes by environment, never on the command line."""
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed)") from missing
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def backup(path: Path) -> None:
    """Write a consistent copy of the whole database to ``path`` (not overwriting a file already there)."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file for each backup")
    url = make_url(db.engine.url)
    db.session.remove()
    if url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args], env)
    elif url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # online: consistent even while the application writes
        finally:
            target.close()
            source.close()
    else:
        raise BackupError(f"no backup for {url.get_backend_name()}")
    path.chmod(0o600)


def restore(path: Path) -> None:
    """Replace the whole database with the backup at ``path``. Stop the application first."""
    if not path.is_file():
        raise BackupError(f"{path} is not a backup file")
    url = make_url(db.engine.url)
    db.session.remove()
    db.engine.dispose()  # no connection of ours keeps a lock on what is replaced
    if url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(path)], env)
    elif url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is not an intact SQLite database")
            target = sqlite3.connect(_sqlite_file(url))
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as broken:
            raise BackupError(f"{path} is not an SQLite database: {broken}") from broken
        finally:
            source.close()
    else:
        raise BackupError(f"no restore for {url.get_backend_name()}")
    db.engine.dispose()
    feed_cache.clear()  # bodies built from what was there before; none would be served wrongly, none is kept
