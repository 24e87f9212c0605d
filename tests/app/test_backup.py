"""Backup and restore round-trip the demo database: after a restore every table holds what it held at the backup,
and a calendar feed answers with the same bytes (on SQLite and on PostgreSQL, whichever the suite runs on)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from support.readiness import freeze_today

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import User
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.participants.models import Participant


def tables(app) -> dict:
    """Every row of every table but the audit log (the restore itself is audited) and feed fetches."""
    rows = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name not in ("audit_entries", "feed_fetches"):
                rows[table.name] = sorted(map(repr, conn.execute(table.select()).all()))
    return rows


@pytest.fixture
def demo_with_feed(app, monkeypatch):
    """The demo data, and the advisor's organisation feed (internal); returns its token."""
    from visitplanner.demo import load_demo

    freeze_today(monkeypatch)
    with app.app_context():
        load_demo()
        advisor = db.session.scalar(select(User).where(User.email == "advisor@example.org"))
        token = create_feed(advisor, kind="organisation", audience="internal")[1]
        commit()
    return token


def test_a_restore_brings_back_every_table_and_the_same_feed(app, runner, demo_with_feed, tmp_path):
    reader = app.test_client()
    feed_before = reader.get(f"/feeds/{demo_with_feed}.ics").data
    before = tables(app)
    backup = tmp_path / "nightly.backup"

    made = runner.invoke(args=["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert backup.stat().st_size > 0 and oct(backup.stat().st_mode & 0o777) == "0o600"

    with app.app_context():  # the day after: things changed, some lost
        db.session.scalar(select(Participant).where(Participant.alias == "Reiger-2041")).real_name = "Iemand Anders"
        # An item nobody's assessment or consultation refers to (a row order is no order: name the one meant).
        db.session.delete(db.session.scalars(select(ProgrammeItem).where(~ProgrammeItem.participants.any())
                                             .order_by(ProgrammeItem.id)).first())
        commit()
    assert tables(app) != before

    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0 and tables(app) != before, "nothing is replaced without a yes"
    restored = runner.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output

    assert tables(app) == before
    assert reader.get(f"/feeds/{demo_with_feed}.ics").data == feed_before
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)).all()
    assert actions == ["database.restore"]


def test_a_backup_never_overwrites_and_a_restore_refuses_what_is_not_a_backup(app, runner, demo_with_feed, tmp_path):
    existing = tmp_path / "taken.backup"
    existing.write_text("yesterday's")
    assert runner.invoke(args=["backup", str(existing)]).exit_code != 0
    assert existing.read_text() == "yesterday's"
    before = tables(app)
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"not a backup at all")
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "Error" in result.output
    assert tables(app) == before


def test_the_operators_guide_has_the_restore_drill():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "operators.md").read_text()
    assert "flask --app visitplanner backup" in guide and "flask --app visitplanner restore" in guide
    assert "Restore drill" in guide
