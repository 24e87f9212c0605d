"""Every schema change is an Alembic revision: the migrations build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect

from visitplanner.extensions import db


def test_upgraded_database_has_no_drift_from_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        check()  # what `flask db check` runs: raises when a new revision would be generated


def test_migrations_go_down_to_nothing_and_up_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {"users", "partnerships", "missions", "programme_items", "audit_entries"} <= tables


def test_schema_keeps_its_rules_in_constraints(app):
    with app.app_context():
        checks = {c["name"] for c in inspect(db.engine).get_check_constraints("programme_items")}
    assert {"ck_programme_items_ends_after_start", "ck_programme_items_known_visibility"} <= checks
