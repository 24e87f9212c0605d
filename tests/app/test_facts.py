"""A column declares its facts once, on itself (``visitplanner/facts.py``): whether it raises revisions or why not,
whether and how signers vouch for it, what personal data it holds, how the audit log labels it. Every column of every
table states them; the maps that other code reads are derived from them and agree with each other."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, MetaData, Table, inspect

from visitplanner.audit.labels import OTHER_FIELDS, field_label
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.facts import IDENTITY, Through, Vouched, facts, facts_of, has_facts
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Company, Mission
from visitplanner.participants.models import Participant
from visitplanner.personal_data import KEY, OFFICE, NotPersonal, Personal
from visitplanner.privacy.classification import columns, is_encrypted, name_of
from visitplanner.readiness.fingerprint import column_facts, vouched_content, vouched_values
from visitplanner.readiness.operations import context


def every_column(app):
    with app.app_context():
        return columns()


# ---- every column states its facts -----------------------------------------------------------------------------


def test_every_column_of_every_table_states_its_facts(app):
    silent = [name_of(column) for column in every_column(app) if not has_facts(column)]
    assert not silent, ("say on these columns whether they raise revisions, are vouched for, hold personal data and "
                        f"how the audit log labels them (info=facts(...), visitplanner/facts.py): {silent}")


def test_the_association_tables_and_the_revision_clock_state_them_too(app):
    names = {column.table.name for column in every_column(app)}
    assert {"item_attendees", "item_focal_themes", "item_participants", "mission_companies",
            "partnership_focal_themes", "revision_clock"} <= names
    for column in every_column(app):
        if column.table.name in ("item_attendees", "item_participants", "revision_clock"):
            assert has_facts(column), name_of(column)


@pytest.mark.parametrize("missing", ["fingerprint", "privacy", "audit"])
def test_a_fact_left_unsaid_is_refused_where_the_column_is_declared(missing):
    said = dict(raises=True, fingerprint=False, privacy=OFFICE, audit=_l("Location"))
    del said[missing]
    with pytest.raises(TypeError):
        facts(**said)


@pytest.mark.parametrize("said", [
    dict(fingerprint=False, privacy=OFFICE, audit=False),  # neither raises nor ignored
    dict(raises=True, ignored=IDENTITY, fingerprint=False, privacy=OFFICE, audit=False),  # both
    dict(raises=True, fingerprint=None, privacy=OFFICE, audit=False),
    dict(raises=True, fingerprint=False, privacy=None, audit=False),
    dict(raises=True, fingerprint=False, privacy=OFFICE, audit=None),
])
def test_a_fact_said_by_halves_is_refused(said):
    with pytest.raises(TypeError):
        facts(**said)


def test_a_column_that_says_everything_is_taken_at_its_word():
    said = facts_of_info(facts(ignored=IDENTITY, fingerprint=Vouched(), privacy=KEY, audit=_l("Location")))
    assert (said.raises, said.ignored, said.privacy, str(said.audit)) == (False, IDENTITY, KEY, "Location")
    assert said.events is False, "a column that raises nothing alters no event"


def facts_of_info(info: dict):
    table = Table("example", MetaData(), Column("id", Integer, info=info))
    return facts_of(table.c.id)


# ---- what is derived agrees ------------------------------------------------------------------------------------


def test_an_encrypted_column_holds_personal_data(app):
    encrypted = [column for column in every_column(app) if is_encrypted(column)]
    assert encrypted
    assert all(isinstance(facts_of(column).privacy, Personal) for column in encrypted), [
        name_of(c) for c in encrypted if not isinstance(facts_of(c).privacy, Personal)]


def test_a_column_that_raises_nothing_gives_its_reason(app):
    for column in every_column(app):
        fact = facts_of(column)
        assert fact.raises or len(fact.ignored or "") > 20, name_of(column)
        assert not isinstance(fact.privacy, NotPersonal) or str(fact.privacy.reason), name_of(column)


def test_columns_of_one_name_carry_one_audit_label_and_none_takes_the_name_of_another_field(app):
    labels: dict[str, set[str]] = {}
    with app.app_context(), force_locale("en"):
        for column in every_column(app):
            label = facts_of(column).audit
            if label is not None:
                labels.setdefault(column.key, set()).add(str(label))
    assert {name: found for name, found in labels.items() if len(found) > 1} == {}
    assert set(labels) & set(OTHER_FIELDS) == set()


@pytest.mark.parametrize("model", sorted((m.class_ for m in db.Model.registry.mappers if hasattr(m.class_, "AUDITED")),
                                          key=lambda model: model.__name__), ids=lambda model: model.__name__)
def test_every_field_a_model_audits_has_a_label(app, model):
    with app.test_request_context(), force_locale("en"):
        unlabelled = [name for name in model.AUDITED if field_label(name) == name]
        columns_unlabelled = [name for name in model.AUDITED if name in inspect(model).columns
                              and facts_of(inspect(model).columns[name]).audit is None]
    assert unlabelled == [] and columns_unlabelled == []


# ---- what signers vouch for of plain column values ---------------------------------------------------------------


def test_signers_vouch_for_the_values_sign_offs_made_before_vouched_for():
    """Their fingerprints stay as they were: a sign-off made before the facts moved onto the columns still holds."""
    assert [f.name for f in column_facts(Mission)] == ["direction", "start_date", "end_date"]
    # A company's briefings moved into their own history (migration 0023 rewrote what was vouched for of them into
    # the list of briefings up to departure, readiness/fingerprint.py ``briefing_facts``).
    assert [f.name for f in column_facts(Company)] == ["due_diligence"]
    assert {f.name for f in column_facts(ProgrammeItem)} == {
        "kind", "starts", "ends", "timezone", "end_timezone", "location", "visibility", "talking_points",
        "no_talking_points_reason", "parallel", "attendees", "participants", "headcount", "headcount_reason"}


def test_an_item_is_vouched_for_as_its_columns_say(ctx, make_mission, make_item, make_member):
    mission = make_mission(timezone="Asia/Shanghai")
    member = make_member(mission, name="Extern Lid")
    item = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", location="  Stadhuis ",
                     talking_points="Arbeidsrechten.", attendees=[member])
    item.participants.append(Participant(real_name="Li Wei", alias="Zwaluw-1", kind="defender"))
    commit()
    digest = hashlib.sha256(b"Arbeidsrechten.").hexdigest()[:16]
    assert vouched_values(item) == {
        "kind": "official_meeting", "starts": "2027-04-13 14:00", "ends": "2027-04-13 15:30",
        "timezone": "Asia/Shanghai", "end_timezone": "Asia/Shanghai", "location": "Stadhuis",
        "talking_points": digest, "no_talking_points_reason": "", "visibility": "delegation", "headcount": None,
        "headcount_reason": "", "parallel": False, "attendees": [str(member.id)],
        "participants": [str(item.participants[0].id)],
    }
    assert vouched_values(mission) == {"direction": "outbound", "start_date": "2027-04-12", "end_date": "2027-04-15"}


def test_a_column_vouched_for_through_a_computed_fact_names_one_the_content_has(ctx, make_mission, make_item):
    mission = make_mission()
    make_item(mission)
    computed = set(vouched_content(mission, context(date(2027, 3, 1)))["facts"])
    named = {facts_of(column).fingerprint.fact for column in columns()
             if isinstance(facts_of(column).fingerprint, Through)}
    assert named and named <= computed, named - computed
