"""Encryption at rest (issue 14, part 1): a copy of the database gives away no real name, contact detail or note;
the app refuses to start without the right key and writes nothing then; ``keys rotate`` re-encrypts everything,
resumably and audited; a real name is looked up by its blind index only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Text, func, select, type_coerce, update
from support.app import make_app
from support.readiness import assess
from support.sql import dump

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.crypto import PREFIX, DataKeyError, Keyring, encrypted_columns, key_id, new_key, parse_keys
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.participants.models import Participant
from visitplanner.participants.operations import create_participant, record_consent
from visitplanner.timeutil import today_utc


def raw_values() -> list[tuple[str, str]]:
    """(column, stored text) of every non-empty value of every encrypted column, as the database holds it."""
    found = []
    for column in encrypted_columns():
        raw = type_coerce(column, Text)
        found += [(f"{column.table.name}.{column.name}", value)
                  for value in db.session.scalars(select(raw).where(raw != ""))]
    return found


def clear_values() -> set[str]:
    """Every non-empty value of every encrypted column, in clear (through the ORM)."""
    found = set()
    for column in encrypted_columns():
        model = next(m.class_ for m in db.Model.registry.mappers if m.local_table is column.table)
        found |= {v for v in db.session.scalars(select(getattr(model, column.key))) if v}
    return found


@pytest.fixture
def person(ctx, make_user, make_mission, make_item):
    advisor = make_user(Role.ADVISOR)
    mission = make_mission()
    item = make_item(mission, kind="ngo_visit")
    participant = create_participant(advisor, real_name="Li Wei", alias="Zwaluw-4471", kind="defender",
                                     residence="Urumqi, Xinjiang", contact="Signal +86 139 1234 5678")
    item.participants.append(participant)
    record_consent(advisor, participant, mission, scopes=["take_part"], method="intermediary",
                   information_version="v1", reconfirm_by=mission.end_date, note="Via haar broer in Almere",
                   today=today_utc())
    assess(advisor, participant, item, threats="Huiszoeking in 2025", mitigations="Geen foto's")
    commit()
    return advisor, participant


def test_personal_data_is_stored_encrypted_and_read_in_clear(person):
    advisor, participant = person
    stored = dict(raw_values())
    for column in ("participants.real_name", "participants.residence", "participants.contact",
                   "consent_records.note", "safety_assessments.threats", "safety_assessments.mitigations"):
        assert stored[column].startswith(f"{PREFIX}:"), column
    assert not any("Li Wei" in value or "Xinjiang" in value or "broer" in value for _, value in raw_values())
    db.session.expire_all()
    again = db.session.get(Participant, participant.id)
    assert (again.real_name, again.residence, again.contact) == ("Li Wei", "Urumqi, Xinjiang",
                                                                  "Signal +86 139 1234 5678")
    assert again.consents[0].note == "Via haar broer in Almere"
    assert again.assessments[0].threats == "Huiszoeking in 2025"


def test_the_same_name_encrypts_differently_each_time_and_is_found_by_its_blind_index(person):
    advisor, participant = person
    other = create_participant(advisor, real_name="Li Wei", alias="Mus-0001", kind="ngo", another_person=True)
    commit()
    tokens = db.session.scalars(select(type_coerce(Participant.real_name, Text))).all()
    assert len(set(tokens)) == 2  # a fresh nonce per value: equal names do not show as equal
    assert participant.real_name_index == other.real_name_index
    assert "Li Wei" not in participant.real_name_index and "li wei" not in participant.real_name_index


def test_a_real_name_already_recorded_is_refused_unless_it_is_another_person(person, client, login):
    advisor, participant = person
    with pytest.raises(RuleViolation) as refused:
        create_participant(advisor, real_name="  li   WEI ", kind="ngo")
    assert "Zwaluw-4471" in refused.value.message
    db.session.rollback()

    login(Role.ADVISOR)
    form = {"real_name": "Li Wei", "alias": "", "organisation": "", "kind": "ngo", "residence": "", "contact": "",
            "at_risk": "y"}
    response = client.post("/participants/new", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Zwaluw-4471" in body and 'name="another_person"' in body
    assert db.session.scalar(select(func.count(Participant.id))) == 1
    response = client.post("/participants/new", data={**form, "another_person": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Participant.id))) == 2


def test_a_value_moved_into_another_column_does_not_decrypt(person):
    advisor, participant = person
    token = db.session.scalar(select(type_coerce(Participant.real_name, Text)))
    db.session.connection().execute(update(Participant.__table__).values(residence=type_coerce(token, Text)))
    commit()
    db.session.expire_all()
    with pytest.raises(DataKeyError):
        db.session.get(Participant, participant.id).residence  # noqa: B018


def test_a_dump_of_the_demo_database_holds_no_real_name_contact_detail_or_note(app, runner, ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    secrets = clear_values()
    assert {"Chen Xiaoli", "Aynur Tursun", "Signal +86 139 0000 2041, alleen via de tussenpersoon",
            "Surveillance of contacts with foreign officials."} <= secrets  # the demo has what is looked for
    text = dump(app)
    assert "INSERT INTO" in text or "COPY " in text
    leaked = sorted(secret for secret in secrets if secret in text)
    assert not leaked, f"in clear in the dump: {leaked}"


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_without_the_key_or_with_a_wrong_key_the_app_does_not_start_and_writes_nothing(person, app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    before, raw_before = _counts(), raw_values()
    commit()

    with pytest.raises(DataKeyError, match="no key: set DATA_KEY or restore the key file"):
        make_app(url, str(tmp_path / "lost"))
    assert not (tmp_path / "lost" / "data_keys").exists()  # no new key made over the old data
    with pytest.raises(DataKeyError, match="wrong or lost key"):
        make_app(url, str(tmp_path / "wrong"), DATA_KEY=new_key())
    assert (_counts(), raw_values()) == (before, raw_before)


def test_a_key_file_others_may_read_is_refused(app, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "data_keys").write_text(new_key() + "\n")
    os.chmod(instance / "data_keys", 0o644)
    with pytest.raises(DataKeyError, match="chmod 600"):
        make_app("sqlite://", str(instance))


def test_a_new_instance_generates_its_key_file_owner_only(app, tmp_path):
    make_app("sqlite://", str(tmp_path / "fresh"))
    key_file = tmp_path / "fresh" / "data_keys"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(parse_keys(key_file.read_text(), "file")) == 1


def _kids() -> set[str]:
    return {value.split(":")[1] for _, value in raw_values()}


def test_rotation_reencrypts_everything_under_a_new_key_resumably_and_audited(person, app, runner):
    advisor, participant = person
    ring_before: Keyring = app.extensions["data_keys"]
    key_file = Path(ring_before.source)
    count = len(raw_values())
    assert count >= 6 and _kids() == {ring_before.current}

    first = runner.invoke(args=["keys", "rotate", "--limit", "2"])
    assert first.exit_code == 0, first.output
    new = app.extensions["data_keys"].current
    assert new != ring_before.current and "run `keys rotate` again" in first.output
    assert _kids() == {ring_before.current, new}  # interrupted half-way: both keys needed, both in the file
    assert len(key_file.read_text().split()) == 2
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).real_name == "Li Wei"

    second = runner.invoke(args=["keys", "rotate"])
    assert second.exit_code == 0, second.output
    assert _kids() == {new} and len(raw_values()) == count
    # The old key stays until pruned: a worker started before the rotation still writes under it.
    assert {key_id(k) for k in parse_keys(key_file.read_text(), "file")} == {new, ring_before.current}
    late = ring_before.encrypt("Signal +86 139 0000 0000", "participants.contact")
    db.session.connection().execute(update(Participant.__table__).values(contact=type_coerce(late, Text)))
    commit()
    kept = runner.invoke(args=["keys", "prune"])
    assert kept.exit_code == 0 and "nothing dropped" in kept.output
    assert {key_id(k) for k in parse_keys(key_file.read_text(), "file")} == {new, ring_before.current}
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0  # what the old worker wrote, under the new key
    pruned = runner.invoke(args=["keys", "prune"])
    assert pruned.exit_code == 0, pruned.output
    assert [key_id(k) for k in parse_keys(key_file.read_text(), "file")] == [new]  # now the old key is gone
    db.session.expire_all()
    again = db.session.get(Participant, participant.id)
    assert (again.real_name, again.contact, again.consents[0].note) == (
        "Li Wei", "Signal +86 139 0000 0000", "Via haar broer in Almere")
    assert again.real_name_index.startswith(new + ":")
    with pytest.raises(RuleViolation):  # the duplicate check still finds the name under the new key
        create_participant(advisor, real_name="Li Wei", kind="ngo")
    db.session.rollback()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("keys.%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["keys.rotate_start", "keys.rotate", "keys.rotate", "keys.prune"]


def test_with_data_key_set_rotation_goes_to_the_key_put_first(person, app, runner):
    old = app.extensions["data_keys"]
    try:
        app.extensions["data_keys"] = Keyring(dict(old.keys), old.current, "DATA_KEY")
        refused = runner.invoke(args=["keys", "rotate"])
        assert refused.exit_code != 0 and "put a new key" in refused.output
        fresh = parse_keys(new_key(), "test")[0]
        app.extensions["data_keys"] = Keyring({key_id(fresh): fresh, **old.keys}, key_id(fresh), "DATA_KEY")
        done = runner.invoke(args=["keys", "rotate"])
        assert done.exit_code == 0, done.output
        assert _kids() == {key_id(fresh)} and "Restart the application" in done.output
        pruned = runner.invoke(args=["keys", "prune"])
        assert f"remove the keys {old.current} from it yourself" in pruned.output
    finally:
        app.extensions["data_keys"] = old


def test_the_migration_encrypts_what_was_stored_in_clear(app, ctx):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    downgrade(revision="0015")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO participants (id, real_name, alias, organisation, kind, residence, at_risk, "
                          "created_at, version) VALUES (7, 'Chen', 'Reiger-2041', '', 'defender', 'Wuxi', :t, "
                          "CURRENT_TIMESTAMP, 1)"), {"t": True})
    upgrade()
    db.session.expire_all()
    stored = dict(raw_values())
    assert stored["participants.real_name"].startswith(PREFIX + ":")
    assert stored["participants.residence"].startswith(PREFIX + ":")
    person = db.session.get(Participant, 7)
    assert (person.real_name, person.residence) == ("Chen", "Wuxi")
    assert person.real_name_index == app.extensions["data_keys"].blind_index("chen")


def test_out_of_reach_at_start_a_keyless_instance_does_not_start_and_a_keyed_one_serves_nothing_unchecked(tmp_path):
    unreachable = "postgresql+psycopg://vp@127.0.0.1:9/visits"  # nothing listens on port 9
    with pytest.raises(DataKeyError, match="cannot be reached"):
        make_app(unreachable, str(tmp_path / "keyless"))
    assert not (tmp_path / "keyless" / "data_keys").exists()
    keyed = make_app(unreachable, str(tmp_path / "keyed"), DATA_KEY=new_key())
    assert keyed.test_client().get("/robots.txt").status_code == 503
