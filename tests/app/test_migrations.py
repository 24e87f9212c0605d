"""Every schema change is an Alembic revision: the migrations build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from visitplanner.extensions import db


def insert_partnership(conn) -> None:
    """Partnership 1, as the schemas from 0011 to 0017 hold it."""
    conn.execute(text("INSERT INTO partnerships (id, own_organisation, partner_region, region_type, kind, "
                      "cooperation_themes, risk_level, advised_against, advised_against_reason, created_at, "
                      "updated_at, version, revision, revised_ms) VALUES (1, 'Teststad', 'Wuxi', 'city', "
                      "'sister_city', '', 'medium', :f, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, 0)"),
                 {"f": False})


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


def test_a_trusted_channel_written_on_an_assessment_becomes_a_consultation_covering_it(app):
    """Migration 0012 moves the free text of older assessments into consultation records, nothing lost."""
    with app.app_context():
        downgrade(revision="0011")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, active, created_at, version, "
                              "revision, revised_ms, session_generation) VALUES (1, 'a@example.org', 'A', 'x', "
                              ":t, CURRENT_TIMESTAMP, 1, 0, 0, 0)"), {"t": True})
            insert_partnership(conn)
            conn.execute(text("INSERT INTO missions (id, partnership_id, direction, title, purpose, start_date, "
                              "end_date, timezone, status, created_at, updated_at, version, revision, revised_ms) "
                              "VALUES (1, 1, 'outbound', 'Werkbezoek', '', '2027-04-12', '2027-04-15', "
                              "'Asia/Shanghai', 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, 0)"))
            conn.execute(text("INSERT INTO programme_items (id, uid, mission_id, kind, title, starts_at, ends_at, "
                              "timezone, location, description, talking_points, no_talking_points_reason, "
                              "visibility, parallel, sequence, created_at, updated_at, version, headcount_reason) "
                              "VALUES (1, 'u1', 1, 'ngo_visit', 'Gesprek', '2027-04-13 01:00:00', "
                              "'2027-04-13 02:00:00', 'Asia/Shanghai', '', '', '', '', 'internal', :f, 0, "
                              "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, '')"), {"f": False})
            conn.execute(text("INSERT INTO participants (id, real_name, alias, organisation, kind, residence, "
                              "at_risk, created_at, version) VALUES (1, 'Chen', 'Reiger-2041', '', 'defender', '', "
                              ":t, CURRENT_TIMESTAMP, 1)"), {"t": True})
            conn.execute(text("INSERT INTO safety_assessments (participant_id, item_id, risk_level, threats, "
                              "vulnerabilities, capacities, person_consulted, meeting_visibility, partner_informed, "
                              "names_shared_with_partner, family_at_risk, trusted_channel, trusted_channel_on, venue, "
                              "photos_allowed, social_media_allowed, device_precautions, interpreter_vetted, "
                              "expectations_discussed, mitigations, decision, assessor_id, assessed_on, valid_until, "
                              "created_at) VALUES (1, 1, 'high', '', '', '', :f, 'confidential', :f, :f, :f, "
                              "'Consulaat-generaal Shanghai', '2027-02-20', '', :f, :f, '', :f, :f, '', "
                              "'proceed_with_mitigations', 1, '2027-02-25', '2027-06-30', CURRENT_TIMESTAMP)"),
                         {"f": False})
        upgrade()
        with db.engine.connect() as conn:
            consultation = conn.execute(text("SELECT mission_id, channel, consulted, consulted_on, valid_until, "
                                             "recorded_by_id FROM consultations")).one()
            cover = conn.execute(text("SELECT participant_id, item_id FROM consultation_covers")).one()
        assert consultation[:3] == (1, "other", "Consulaat-generaal Shanghai")
        assert str(consultation.consulted_on) == "2027-02-20" and str(consultation.valid_until) == "2027-06-30"
        assert consultation.recorded_by_id == 1 and tuple(cover) == (1, 1)
        assert "trusted_channel" not in {c["name"] for c in inspect(db.engine).get_columns("safety_assessments")}


def test_a_reason_stored_as_text_before_messages_is_kept_and_shown_as_written(app):
    """Migration 0018 keeps void reasons as stored messages; one written before as text stays that text, both ways."""
    from visitplanner.messages import shown
    from visitplanner.missions.models import Mission

    reason = "Gewijzigd sinds het ter aftekening is aangeboden: “Ontvangst”: plaats — → Elders."
    with app.app_context():
        downgrade(revision="0017")
        with db.engine.begin() as conn:
            insert_partnership(conn)
            conn.execute(text("INSERT INTO missions (id, partnership_id, direction, title, purpose, start_date, "
                              "end_date, timezone, status, attention_reason, created_at, updated_at, version, "
                              "revision, revised_ms) VALUES (1, 1, 'outbound', 'Werkbezoek', '', '2027-04-12', "
                              "'2027-04-15', 'Asia/Shanghai', 'draft', :reason, CURRENT_TIMESTAMP, "
                              "CURRENT_TIMESTAMP, 1, 0, 0)"), {"reason": reason})
        upgrade()
        mission = db.session.get(Mission, 1)
        assert mission.attention_reason == reason and shown(mission.attention_reason) == reason
        db.session.rollback()
        downgrade(revision="0017")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT attention_reason FROM missions")).scalar() == reason
        upgrade()


def test_an_item_whose_latest_assessment_is_critical_is_protected_by_the_upgrade(app):
    """Migration 0019 records the protection that high-risk mode used to infer: on every item where someone's latest
    assessment *for that item* is critical, from that assessment on, by its assessor; not where a later assessment
    for the item lowered it."""
    with app.app_context():
        downgrade(revision="0018")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, active, created_at, version, "
                              "revision, revised_ms, session_generation) VALUES (1, 'a@example.org', 'A', 'x', "
                              ":t, CURRENT_TIMESTAMP, 1, 0, 0, 0)"), {"t": True})
            insert_partnership(conn)
            conn.execute(text("INSERT INTO missions (id, partnership_id, direction, title, purpose, start_date, "
                              "end_date, timezone, status, created_at, updated_at, version, revision, revised_ms) "
                              "VALUES (1, 1, 'outbound', 'Werkbezoek', '', '2027-04-12', '2027-04-15', "
                              "'Asia/Shanghai', 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, 0)"))
            for item_id in (1, 2):
                conn.execute(text("INSERT INTO programme_items (id, uid, mission_id, kind, title, starts_at, "
                                  "ends_at, timezone, location, description, talking_points, "
                                  "no_talking_points_reason, visibility, parallel, sequence, created_at, updated_at, "
                                  "version, headcount_reason) VALUES (:id, :uid, 1, 'ngo_visit', 'Gesprek', "
                                  "'2027-04-13 01:00:00', '2027-04-13 02:00:00', 'Asia/Shanghai', '', '', '', '', "
                                  "'internal', :f, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, '')"),
                             {"id": item_id, "uid": f"u{item_id}", "f": False})
            conn.execute(text("INSERT INTO participants (id, real_name, alias, organisation, kind, residence, "
                              "contact, at_risk, created_at, version) VALUES (1, '', 'Reiger-2041', '', "
                              "'defender', '', '', :t, CURRENT_TIMESTAMP, 1)"), {"t": True})
            for item_id, risk, at in ((1, "low", "2027-02-01 10:00:00"), (1, "critical", "2027-02-02 10:00:00"),
                                      (2, "critical", "2027-02-03 10:00:00"), (2, "low", "2027-02-04 10:00:00")):
                conn.execute(text(
                    "INSERT INTO safety_assessments (participant_id, item_id, risk_level, threats, vulnerabilities, "
                    "capacities, person_consulted, meeting_visibility, partner_informed, names_shared_with_partner, "
                    "family_at_risk, venue, photos_allowed, social_media_allowed, device_precautions, "
                    "interpreter_vetted, expectations_discussed, mitigations, decision, assessor_id, assessed_on, "
                    "valid_until, created_at) VALUES (1, :item, :risk, '', '', '', :f, 'confidential', :f, :f, :f, "
                    "'', :f, :f, '', :f, :f, '', 'proceed_with_mitigations', 1, '2027-02-01', '2027-06-30', :at)"),
                    {"item": item_id, "risk": risk, "at": at, "f": False})
        upgrade()
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, protected_by_id FROM programme_items")).all())
            since = conn.execute(text("SELECT protected_at FROM programme_items WHERE id = 1")).scalar()
    assert rows == {1: 1, 2: None}
    assert str(since).startswith("2027-02-02 10:00:00")
