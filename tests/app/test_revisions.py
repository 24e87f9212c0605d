"""Revisions derived, not listed: every mapped attribute is classified, and a change to each one that is said to
raise revisions really raises those of the rows it belongs to (and nothing slips past through bulk statements)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import RelationshipProperty

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User, UserRole
from visitplanner.commit import commit
from visitplanner.contacts.models import Contact
from visitplanner.companies.models import (
    BriefingTopic,
    CivilSocietyConnection,
    CompanyBriefing,
    DefenderMeeting,
    DueDiligenceChange,
)
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp, MeetingOutcome
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.library.models import ComposedFrom, LibraryEntry, LibraryVersion
from visitplanner.missions.models import Company, DelegationMember, Mission
from visitplanner.participants.models import (
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
)
from visitplanner.partnerships.models import (
    DossierEntry,
    Evaluation,
    FocalTheme,
    Objective,
    Partnership,
    PartnershipReview,
    ReviewNote,
)
from visitplanner.readiness.models import ManualConfirmation, Setting, SignOff
from visitplanner.revisions import ROOTS, TRACKED, guarded_tables
from visitplanner.timeutil import to_utc

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)


def attributes(cls) -> set[str]:
    mapper = inspect(cls)
    return {a.key for a in mapper.column_attrs} | {r.key for r in mapper.relationships}


# ---- the classification is complete ----------------------------------------------------------------------------


def test_every_mapped_model_is_classified(app):
    mapped = {m.class_ for m in db.Model.registry.mappers}
    assert mapped - set(TRACKED) == set(), "classify these models in visitplanner.revisions.TRACKED"
    assert set(TRACKED) - mapped == set()


@pytest.mark.parametrize("cls", sorted(TRACKED, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_every_attribute_either_raises_revisions_or_is_ignored_with_a_reason(app, cls):
    tracking = TRACKED[cls]
    unclassified = attributes(cls) - tracking.raises - set(tracking.ignored)
    assert not unclassified, (f"{cls.__name__}: decide for {sorted(unclassified)} whether a change can change what "
                              "a page, export or feed shows (raises) or not (ignored, with the reason)")
    assert not tracking.raises & set(tracking.ignored), "an attribute is either raised or ignored, not both"
    assert not (tracking.raises | set(tracking.ignored)) - attributes(cls), "a classified attribute no longer exists"
    assert all(len(reason) > 20 for reason in tracking.ignored.values())
    if tracking.roots is None:
        assert not tracking.raises, "a model whose rows belong to no root cannot raise anything"


def test_the_association_tables_behind_tracked_relationships_are_guarded(app):
    names = {t.name for t in guarded_tables()}
    assert {"item_attendees", "item_participants", "item_focal_themes", "mission_companies",
            "partnership_focal_themes"} <= names
    assert "audit_entries" not in names and "feed_fetches" not in names


# ---- a change to each raising attribute raises the revisions of its rows ----------------------------------------


@dataclass
class Data:
    """Two of everything a change can point at; the first of each is the one changed."""

    ids: dict


def _make(make_user) -> Data:
    users = [make_user(Role.PROTOCOL, name="Eerste"), make_user(Role.PROTOCOL, name="Tweede")]
    user_ids = [user.id for user in users]  # read now: reading them later would flush what is half made
    partnerships = [Partnership(own_organisation="Teststad", partner_region=region, region_type="city",
                                kind="sister_city") for region in ("Wuxi", "Suzhou")]
    missions = [Mission(partnership=p, direction="outbound", title=f"Missie {i}", start_date=date(2027, 4, 12),
                        end_date=date(2027, 4, 15), timezone="Asia/Shanghai") for i, p in enumerate(partnerships)]
    themes = [FocalTheme(name=f"Thema {i}", line="region") for i in range(2)]
    partnerships[0].focal_themes.append(themes[0])
    members = [DelegationMember(mission=missions[0], name="Extern Lid"),
               DelegationMember(mission=missions[1], user=users[1])]
    items = []
    for i, mission in enumerate(missions):
        start = to_utc(datetime(2027, 4, 13, 10), mission.timezone)
        items.append(ProgrammeItem(mission=mission, kind="official_meeting", title=f"Item {i}", starts_at=start,
                                   ends_at=start + timedelta(hours=1), timezone=mission.timezone,
                                   visibility="delegation"))
    items[0].attendees.append(members[0])
    people = [Participant(real_name=f"Naam {i}", alias=f"Alias-{i}", kind="resident") for i in range(2)]
    items[0].participants.append(people[0])
    items[0].focal_themes.append(themes[0])
    companies = [Company(name=f"Bedrijf {i}") for i in range(2)]
    missions[0].companies.append(companies[0])
    db.session.add_all([*partnerships, *missions, *themes, *members, *items, *people, *companies])
    db.session.flush()
    consent = ConsentRecord(participant=people[0], mission_id=missions[0].id, take_part=True, method="in_person",
                            reconfirm_by=date(2027, 5, 1))
    assessment = SafetyAssessment(participant=people[0], item_id=items[0].id, risk_level="low",
                                  decision="proceed", assessed_on=date(2027, 3, 1), valid_until=date(2027, 6, 1))
    sign_off = SignOff(mission_id=missions[0].id, role="hr_advisor", user_id=user_ids[0], fingerprint="a" * 64)
    confirmation = ManualConfirmation(mission_id=missions[0].id, key="delegation_briefed",
                                      confirmed_by_id=user_ids[0])
    objectives = [Objective(partnership=p, what=f"Doel {i}", target_date=date(2027, 12, 31))
                  for i, p in enumerate(partnerships)]
    db.session.add_all([consent, assessment, sign_off, confirmation, *objectives])
    db.session.flush()
    consultation = Consultation(mission_id=missions[0].id, channel="embassy", consulted="Ambassade Beijing",
                                question="Veilig?", answer="Ja.", consulted_on=date(2027, 2, 1),
                                valid_until=date(2027, 6, 1), covers=[ConsultationCover(participant_id=people[0].id,
                                                                                         item_id=items[0].id)])
    other_consultation = Consultation(mission_id=missions[1].id, channel="other", consulted="Ngo-netwerk",
                                      question="Veilig?", answer="Ja.", consulted_on=date(2027, 2, 1),
                                      valid_until=date(2027, 6, 1),
                                      covers=[ConsultationCover(participant_id=people[1].id, item_id=items[1].id)])
    follow_up = FollowUp(mission_id=missions[0].id, what="Verslag", due_date=date(2027, 5, 1))
    outcome = MeetingOutcome(item_id=items[0].id, raised="Arbeidsrechten")
    entry = DossierEntry(partnership=partnerships[0], topic="region", summary="Samenvatting",
                         entry_date=date(2026, 9, 1))
    evaluation = Evaluation(objective_id=objectives[0].id, evaluated_on=date(2027, 1, 1), progress="some")
    reviews = [PartnershipReview(partnership=p, held_on=date(2027, 1, 1), conclusion="Op koers") for p in partnerships]
    reviews[0].notes.append(ReviewNote(objective_id=objectives[0].id, note="Loopt"))
    db.session.add_all(reviews)
    setting = Setting(key="talking_points_block", value="0")
    contacts = [Contact(partnership=p, kind="call", happened_on=date(2027, 2, 1), subject=f"Gesprek {i}",
                        focal_themes=[themes[0]] if i == 0 else []) for i, p in enumerate(partnerships)]
    library = LibraryEntry(theme=themes[0], kind="whataboutism")
    versions = [LibraryVersion(entry=library, number=n, title="Toeslagen", text=f"Versie {n}",
                               sources="Ongekend onrecht") for n in (1, 2)]
    composed = ComposedFrom(item=items[0], version=versions[0])
    db.session.add_all([follow_up, outcome, entry, evaluation, setting, consultation, other_consultation, *contacts,
                        library, *versions, composed])
    # The register's history of each company: the first company takes part in the first mission, the second in none.
    briefings = [CompanyBriefing(company_id=c.id, briefed_on=date(2027, 3, 1), held=True, briefed_by_id=user_ids[0],
                                 topics=[BriefingTopic(topic="region")], objectives=[objectives[0]])
                 for c in companies]
    diligence = [DueDiligenceChange(company_id=c.id, status="in_progress", changed_by_id=user_ids[0])
                 for c in companies]
    meetings = [DefenderMeeting(company_id=c.id, met_on=date(2027, 2, 1), recorded_by_id=user_ids[0])
                for c in companies]
    connections = [CivilSocietyConnection(company_id=c.id, connected_with="BHRRC", connected_on=date(2027, 2, 1),
                                          recorded_by_id=user_ids[0]) for c in companies]
    db.session.add_all([*briefings, *diligence, *meetings, *connections])
    companies[0].objectives.append(objectives[0])
    commit()
    pick = lambda rows: [r.id for r in rows]  # noqa: E731
    return Data({
        User: pick(users), Partnership: pick(partnerships), Mission: pick(missions), FocalTheme: pick(themes),
        DelegationMember: pick(members), ProgrammeItem: pick(items), Participant: pick(people),
        Company: pick(companies), Objective: pick(objectives), ConsentRecord: [consent.id],
        SafetyAssessment: [assessment.id], SignOff: [sign_off.id], ManualConfirmation: [confirmation.id],
        FollowUp: [follow_up.id], MeetingOutcome: [outcome.id], DossierEntry: [entry.id],
        Evaluation: [evaluation.id], PartnershipReview: pick(reviews), ReviewNote: [reviews[0].notes[0].id],
        Setting: ["talking_points_block"], Consultation: [consultation.id, other_consultation.id],
        Contact: pick(contacts),
        CompanyBriefing: pick(briefings), BriefingTopic: [(b.id, "region") for b in briefings],
        DueDiligenceChange: pick(diligence), DefenderMeeting: pick(meetings), CivilSocietyConnection: pick(connections),
        LibraryEntry: [library.id], LibraryVersion: pick(versions), ComposedFrom: [composed.id],
    })


#: The roots whose revision a change to a row of each model must raise, in the data above (first rows).
M1, M2, P1, P2, U1, U2 = ("missions", 0), ("missions", 1), ("partnerships", 0), ("partnerships", 1), ("users", 0), \
    ("users", 1)
BELONGS_TO = {
    Mission: {M1}, ProgrammeItem: {M1}, DelegationMember: {M1}, Company: {M1}, Participant: {M1},
    ConsentRecord: {M1}, SafetyAssessment: {M1}, SignOff: {M1}, ManualConfirmation: {M1}, FollowUp: {M1},
    MeetingOutcome: {M1}, Partnership: {P1}, DossierEntry: {P1}, Objective: {P1}, Evaluation: {P1},
    PartnershipReview: {P1}, ReviewNote: {P1},
    FocalTheme: {M1, P1}, Setting: {M1, M2, P1, P2}, User: {U1}, UserRole: {U1}, Consultation: {M1},
    ConsultationCover: {M1}, Contact: {P1}, CompanyBriefing: {M1}, BriefingTopic: {M1}, DueDiligenceChange: {M1},
    DefenderMeeting: {M1}, CivilSocietyConnection: {M1}, ComposedFrom: {M1},
}
#: A follow-up between visits belongs to its partnership instead (the first row, made one in SPECIAL).
BELONGS_INSTEAD = {("FollowUp", "partnership_id"): {P1}, ("FollowUp", "contact_id"): {P1}}


def belongs(cls, key: str) -> set:
    return BELONGS_INSTEAD.get((cls.__name__, key), BELONGS_TO[cls])


#: A change of a foreign key moves the row to the second of its kind: its roots move too.
MOVES_TO = {
    ("Mission", "partnership_id"): {P2}, ("ProgrammeItem", "mission_id"): {M2}, ("DelegationMember", "mission_id"): {M2},
    ("DelegationMember", "user_id"): {U2}, ("ConsentRecord", "mission_id"): {M2},
    ("SafetyAssessment", "item_id"): {M2}, ("SignOff", "mission_id"): {M2}, ("ManualConfirmation", "mission_id"): {M2},
    ("FollowUp", "mission_id"): {M2}, ("Consultation", "mission_id"): {M2},
    ("ConsultationCover", "consultation_id"): {M2}, ("MeetingOutcome", "item_id"): {M2}, ("DossierEntry", "partnership_id"): {P2},
    ("Objective", "partnership_id"): {P2}, ("Evaluation", "objective_id"): {P2}, ("UserRole", "user_id"): {U2},
    ("Contact", "partnership_id"): {P2}, ("FollowUp", "partnership_id"): {P2},
    ("PartnershipReview", "partnership_id"): {P2}, ("ReviewNote", "review_id"): {P2},
    ("ComposedFrom", "item_id"): {M2},
}
#: Changes that the schema allows only together with other columns, or only to certain values:
#: ``{(model, attribute): (set first, then change)}``; the change alone must raise.
SPECIAL = {
    ("Mission", "direction"): ({}, {"direction": "inbound"}),
    ("Mission", "timezone"): ({}, {"timezone": "Europe/Amsterdam"}),
    ("Mission", "status"): ({}, {"status": "cancelled", "cancelled_at": NOW, "cancel_reason": "Afgelast"}),
    ("Mission", "cancelled_at"): ({"status": "cancelled", "cancelled_at": NOW, "cancel_reason": "Afgelast"},
                                  {"cancelled_at": NOW + timedelta(days=1)}),
    ("Mission", "completed_at"): ({"status": "completed", "completed_at": NOW, "finalised_at": NOW,
                                   "submitted_at": NOW, "submitted_by_id": "U1"}, {"completed_at": NOW + timedelta(1)}),
    ("Mission", "override_reason"): ({"override_reason": "Toch", "override_by_id": "U1"}, {"override_reason": "Anders"}),
    ("Mission", "override_by_id"): ({"override_reason": "Toch", "override_by_id": "U1"}, {"override_by_id": "U2"}),
    ("Mission", "vouched_fingerprint"): (
        {"status": "cancelled", "cancelled_at": NOW, "cancel_reason": "x"},
        {"status": "completed", "cancelled_at": None, "cancel_reason": None, "completed_at": NOW, "finalised_at": NOW,
         "submitted_at": NOW, "submitted_by_id": "U1", "vouched_fingerprint": "b" * 64, "vouched_content": {"x": 1}}),
    ("Mission", "vouched_content"): (
        {"status": "completed", "completed_at": NOW, "finalised_at": NOW, "submitted_at": NOW, "submitted_by_id": "U1",
         "vouched_fingerprint": "b" * 64, "vouched_content": {"x": 1}}, {"vouched_content": {"x": 2}}),
    ("Mission", "high_risk_reason"): ({"high_risk_reason": "Dreiging", "high_risk_at": NOW},
                                      {"high_risk_reason": "Anders"}),
    ("Mission", "high_risk_at"): ({"high_risk_reason": "Dreiging", "high_risk_at": NOW},
                                  {"high_risk_at": NOW + timedelta(days=1)}),
    ("ProgrammeItem", "kind"): ({}, {"kind": "meal"}),
    ("ProgrammeItem", "protected_by_id"): ({"protected_at": NOW, "protected_by_id": "U1"}, {"protected_by_id": "U2"}),
    ("ProgrammeItem", "visibility"): ({}, {"visibility": "public"}),
    ("ProgrammeItem", "timezone"): ({}, {"timezone": "Europe/Amsterdam"}),
    ("ProgrammeItem", "end_timezone"): ({}, {"end_timezone": "Europe/Amsterdam"}),
    ("ProgrammeItem", "starts_at"): ({}, {"starts_at": to_utc(datetime(2027, 4, 13, 9), "Asia/Shanghai")}),
    ("DelegationMember", "user_id"): ({}, {"user_id": "U2"}),
    ("DelegationMember", "side"): ({}, {"side": "visitors"}),
    ("Company", "due_diligence"): ({}, {"due_diligence": "done"}),
    ("Participant", "kind"): ({}, {"kind": "journalist"}),
    ("ConsentRecord", "kind"): ({}, {"kind": "withdrawn", "take_part": False}),
    ("ConsentRecord", "method"): ({}, {"method": "phone"}),
    ("SafetyAssessment", "risk_level"): ({}, {"risk_level": "high"}),
    ("SafetyAssessment", "meeting_visibility"): ({}, {"meeting_visibility": "public"}),
    ("SafetyAssessment", "decision"): ({}, {"decision": "do_not_proceed"}),
    ("SafetyAssessment", "assessed_on"): ({}, {"assessed_on": date(2027, 2, 1)}),
    ("SignOff", "role"): ({}, {"role": "approver"}),
    ("SignOff", "fingerprint"): ({}, {"fingerprint": "c" * 64}),
    ("SignOff", "voided_at"): ({"voided_at": NOW, "void_reason": "x"}, {"voided_at": NOW + timedelta(1)}),
    ("SignOff", "void_reason"): ({"voided_at": NOW, "void_reason": "x"}, {"void_reason": "y"}),
    ("ManualConfirmation", "key"): ({}, {"key": "embassy_informed"}),
    ("FollowUp", "status"): ({}, {"status": "done"}),
    # Between visits: the follow-up belongs to the first partnership rather than to a mission.
    ("FollowUp", "partnership_id"): ({"mission_id": None, "partnership_id": "PS1"}, None),
    ("FollowUp", "contact_id"): ({"mission_id": None, "partnership_id": "PS1"}, None),
    ("Contact", "kind"): ({}, {"kind": "letter"}),
    ("Partnership", "region_type"): ({}, {"region_type": "province"}),
    ("Partnership", "kind"): ({}, {"kind": "friendship"}),
    ("Partnership", "risk_level"): ({}, {"risk_level": "high"}),
    ("Partnership", "advised_against"): ({}, {"advised_against": True, "advised_against_reason": "Repressie"}),
    ("DossierEntry", "topic"): ({}, {"topic": "china"}),
    ("Evaluation", "progress"): ({}, {"progress": "good"}),
    ("Objective", "kind"): ({}, {"kind": "project", "local_partner": "Stichting Water"}),
    ("Objective", "local_partner"): ({"kind": "project", "local_partner": "Stichting Water"},
                                     {"local_partner": "Stichting Lucht"}),
    ("Mission", "room_answer"): ({"room_requested_on": date(2027, 2, 1), "room_answer": "pending"},
                                 {"room_answer": "partly"}),
    ("Mission", "room_requested_on"): ({"room_requested_on": date(2027, 2, 1), "room_answer": "pending"},
                                       {"room_requested_on": date(2027, 2, 2)}),
    ("FocalTheme", "line"): ({}, {"line": "business"}),
    ("UserRole", "role"): ({}, {"role": "approver"}),
    ("Consultation", "channel"): ({}, {"channel": "consulate"}),
    ("Consultation", "consulted_on"): ({}, {"consulted_on": date(2027, 1, 1)}),
    # A cover moves to the other participant, the other item, another consultation of the same mission.
    ("ConsultationCover", "participant_id"): ({}, {"participant_id": "P2"}),
    ("UserRole", "user_id"): ({"role": "approver"}, {"user_id": "U2"}),
    ("Setting", "value"): ({}, {"value": "1"}),
    ("DueDiligenceChange", "status"): ({}, {"status": "done"}),
    ("BriefingTopic", "topic"): ({}, {"topic": "china"}),
    # Moved to the other company's briefing, which covers the same topic: it takes another first.
    ("BriefingTopic", "briefing_id"): ({"topic": "china"}, None),
}


def _row(data: Data, cls, which: int = 0):
    if cls is UserRole:
        return db.session.get(UserRole, (data.ids[User][which], Role.PROTOCOL.value))
    if cls is ConsultationCover:
        return db.session.get(Consultation, data.ids[Consultation][0]).covers[0]
    if cls is BriefingTopic:
        return db.session.get(CompanyBriefing, data.ids[CompanyBriefing][which]).topics[0]
    return db.session.get(cls, data.ids[cls][which])


def _resolve(data: Data, values: dict) -> dict:
    named = {"U1": data.ids[User][0], "U2": data.ids[User][1], "P2": data.ids[Participant][1],
             "PS1": data.ids[Partnership][0], "PS2": data.ids[Partnership][1]}
    return {k: named.get(v, v) if isinstance(v, str) else v for k, v in values.items()}


def _changed(data: Data, cls, key: str, current):
    """A valid new value for ``key``: the other row for a foreign key, else one of the same type."""
    column = inspect(cls).columns[key]
    for fk in column.foreign_keys:
        target = next(c for c in TRACKED if getattr(c, "__table__", None) is fk.column.table)
        return data.ids[target][1] if current != data.ids[target][1] else data.ids[target][0]
    python = getattr(column.type, "impl", column.type).python_type  # UTCDateTime stores a DateTime
    if python is bool:
        return not current
    if python is int:
        return (current or 0) + 1
    if python is str:
        return (current or "")[: (column.type.length or 100) - 2] + "-2"
    if python is datetime:
        return (current or NOW) + timedelta(minutes=5)
    if python is date:
        return (current or date(2027, 3, 1)) + timedelta(days=1)
    raise AssertionError(f"{cls.__name__}.{key}: no way to change a {python.__name__}; add it to SPECIAL")


def _revisions(data: Data) -> dict:
    found = {}
    for name, model in ROOTS.items():
        for index, row_id in enumerate(data.ids[model]):
            found[(name, index)] = db.session.scalar(select(model.revision).where(model.id == row_id))
    return found


def raising_cases():
    for cls, tracking in sorted(TRACKED.items(), key=lambda c: c[0].__name__):
        for key in sorted(tracking.raises):
            yield pytest.param(cls, key, id=f"{cls.__name__}.{key}")


@pytest.mark.parametrize("cls, key", list(raising_cases()))
def test_a_change_to_each_raising_attribute_raises_the_revisions_of_its_rows(ctx, make_user, cls, key):
    data = _make(make_user)
    prepare, change = SPECIAL.get((cls.__name__, key), ({}, None))
    row = _row(data, cls)
    for name, value in _resolve(data, prepare).items():
        setattr(row, name, value)
    commit()
    before = _revisions(data)

    prop = inspect(cls).attrs[key]
    if isinstance(prop, RelationshipProperty):
        collection = getattr(row, key)
        target = prop.mapper.class_
        other = next(o for o in db.session.scalars(select(target)) if o not in collection)
        collection.append(other)
    else:
        for name, value in _resolve(data, change or {key: _changed(data, cls, key, getattr(row, key))}).items():
            setattr(row, name, value)
    commit()

    after = _revisions(data)
    raised = {root for root in after if after[root] > before[root]}
    expected = belongs(cls, key) | MOVES_TO.get((cls.__name__, key), set())
    assert expected <= raised, f"{cls.__name__}.{key}: expected {sorted(expected)} raised, got {sorted(raised)}"


def mirroring_cases():
    for cls, tracking in sorted(TRACKED.items(), key=lambda c: c[0].__name__):
        for relationship, keys in sorted(tracking.mirrors.items()):
            if keys <= tracking.raises:
                yield pytest.param(cls, relationship, *keys, id=f"{cls.__name__}.{relationship}")


@pytest.mark.parametrize("cls, relationship, key", list(mirroring_cases()))
def test_a_link_set_through_its_relationship_raises_as_its_foreign_key_does(ctx, make_user, cls, relationship, key):
    """A many-to-one mirrors its foreign key: setting it moves the key only at the flush, on a row whose key is not
    even loaded (expired at the last commit), and the roots the row leaves are raised too."""
    data = _make(make_user)
    prepare, _change = SPECIAL.get((cls.__name__, key), ({}, None))
    row = _row(data, cls)
    for name, value in _resolve(data, prepare).items():
        setattr(row, name, value)
    commit()
    before = _revisions(data)
    target = inspect(cls).relationships[relationship].mapper.class_
    other = data.ids[target][1] if getattr(row, key) != data.ids[target][1] else data.ids[target][0]
    db.session.expire(row)
    setattr(row, relationship, db.session.get(target, other))
    commit()

    after = _revisions(data)
    raised = {root for root in after if after[root] > before[root]}
    expected = belongs(cls, key) | MOVES_TO.get((cls.__name__, key), set())
    assert expected <= raised, f"{cls.__name__}.{relationship}: expected {sorted(expected)}, got {sorted(raised)}"


#: Rows that must go first, for the schema lets nothing point at a deleted row.
DEPENDENTS = {ProgrammeItem: (SafetyAssessment, MeetingOutcome), Participant: (SafetyAssessment, ConsentRecord)}


@pytest.mark.parametrize("cls", [c for c in TRACKED if TRACKED[c].roots is not None
                                 and c not in (Setting, *ROOTS.values())], ids=lambda c: c.__name__)
def test_deleting_a_row_raises_the_revisions_it_belonged_to(ctx, make_user, cls):
    """Missions, partnerships and accounts are never deleted; every other tracked row may be, and is seen going."""
    data = _make(make_user)
    for dependent in DEPENDENTS.get(cls, ()):
        db.session.delete(_row(data, dependent))
    commit()
    before = _revisions(data)
    db.session.delete(_row(data, cls))
    commit()
    after = _revisions(data)
    assert BELONGS_TO[cls] <= {root for root in after if after[root] > before[root]}


def test_a_change_to_an_ignored_attribute_raises_nothing(ctx, make_user):
    data = _make(make_user)
    before = _revisions(data)
    user = _row(data, User)
    user.session_generation += 1
    user.email = "nieuw@example.org"
    mission = _row(data, Mission)
    mission.updated_at = NOW
    db.session.add(AuditEntry(action="x.y", object_type="Mission", mission_id=mission.id, changes={}))
    commit()
    assert _revisions(data) == before


def test_revised_ms_rises_strictly_also_within_one_millisecond(ctx, make_user):
    data = _make(make_user)
    mission = _row(data, Mission)
    seen = []
    for n in range(5):
        mission.title = f"Titel {n}"
        commit()
        seen.append(db.session.scalar(select(Mission.revised_ms).where(Mission.id == mission.id)))
    assert seen == sorted(set(seen)) and len(seen) == 5


def test_raising_a_revision_moves_neither_the_version_nor_updated_at(ctx, make_user):
    data = _make(make_user)
    mission = _row(data, Mission)
    version, updated_at, revision = mission.version, mission.updated_at, mission.revision
    item = _row(data, ProgrammeItem)
    item.location = "Stadhuis"
    commit()
    db.session.expire_all()
    mission = _row(data, Mission)
    assert mission.revision == revision + 1
    assert (mission.version, mission.updated_at) == (version, updated_at)  # an open edit form stays valid


@pytest.mark.parametrize("statement", [
    lambda: update(ProgrammeItem).values(location="Elders"),
    lambda: update(Participant).values(at_risk=False),
    lambda: ProgrammeItem.__table__.delete(),
    lambda: inspect(ProgrammeItem).relationships["participants"].secondary.delete(),
])
def test_bulk_statements_on_tracked_tables_are_refused(ctx, make_user, statement):
    _make(make_user)
    with pytest.raises(RuntimeError, match="passes by the revisions"):
        db.session.execute(statement())
    db.session.rollback()
