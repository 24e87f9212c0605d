"""What the application sends to the database, and what a copy of the database holds."""

from __future__ import annotations

import sqlite3
import subprocess

from sqlalchemy.engine import make_url

from visitplanner.extensions import db


class Statements:
    """The SQL statements the application sends while the block runs (``with Statements() as sql: ...``)."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self):
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(db.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.seen)

    @property
    def writes(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith(self.WRITES)]


def dump(app) -> str:
    """The whole database as text: pg_dump for PostgreSQL, SQLite's .dump otherwise."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        args = ["pg_dump", "--no-owner", "--host", url.host or "localhost", "--port", str(url.port or 5432),
                "--username", url.username or "postgres", url.database]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout
    connection = sqlite3.connect(url.database)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()
