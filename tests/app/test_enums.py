"""Enums carry their labels (issue 22, part 2): each declares its labels once in its own class body
(``enums.LabelledEnum``), and the fields it labels, from which the audit log and stored messages find it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

import visitplanner
from visitplanner.audit.labels import audit_value, entry_label
from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.calendar.models import FeedKind
from visitplanner.contacts.models import ContactKind
from visitplanner.disclosure import Audience
from visitplanner.enums import FIELD_ENUMS, LabelledEnum, MemberText, RiskLevel
from visitplanner.followup.forms import FollowUpStatusForm
from visitplanner.followup.models import FollowUpStatus
from visitplanner.itinerary.models import ItemKind, Visibility
from visitplanner.library.models import EntryKind
from visitplanner.missions.models import Direction, DueDiligence, MissionStatus, RoomAnswer, Side
from visitplanner.participants.models import ConsultationChannel, Decision, ParticipantKind, Scope
from visitplanner.partnerships.models import (
    DossierTopic,
    ObjectiveKind,
    PartnershipKind,
    ProgressRating,
    RegionType,
)
from visitplanner.readiness.lifecycle import Action
from visitplanner.readiness.models import ManualCheck, SignOffRole
from visitplanner.stakeholders.models import InvolvementWay, StakeholderKind

for _module in pkgutil.walk_packages(visitplanner.__path__, "visitplanner."):
    importlib.import_module(_module.name)  # every enum of the application declared before they are counted


def subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]


#: Every labelled enum of the application (enums made by a test are not the application's).
LABELLED = sorted((e for e in subclasses(LabelledEnum) if e.__module__.startswith("visitplanner.")),
                  key=lambda e: e.__name__)


def unlabelled(enum: type[LabelledEnum]) -> list[str]:
    """What is wrong with an enum's labels: a member without a label or text, a label for no member, or a label
    translated once at import instead of each time it is shown."""
    values = {member.value for member in enum}
    texts = {"__labels__": enum.__labels__} | {name: text.texts for name, text in vars(enum).items()
                                               if isinstance(text, MemberText)}
    return ([f"{name}: no text for {value}" for name, given in texts.items() for value in sorted(values - set(given))]
            + [f"{name}: {key} is no member" for name, given in texts.items() for key in sorted(set(given) - values)]
            + [f"{name}: {key} is not lazy" for name, given in texts.items() for key, text in given.items()
               if not isinstance(text, LazyString)])


# ---- every member labelled ---------------------------------------------------------------------------------------


def test_the_application_has_its_labelled_enums():
    assert len(LABELLED) >= 29
    assert {ItemKind, Visibility, Audience, Role, Scope, Action, RiskLevel} <= set(LABELLED)


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_every_member_has_its_label_and_every_text(enum):
    assert unlabelled(enum) == []


def test_an_enum_missing_a_label_or_text_is_found():
    class Weather(LabelledEnum):
        SUN = "sun"
        RAIN = "rain"

        __labels__ = {SUN: _l("Sun"), "snow": _l("Snow")}
        short = MemberText({RAIN: "Rain"})

    assert unlabelled(Weather) == ["__labels__: no text for rain", "short: no text for sun",
                                   "__labels__: snow is no member", "short: rain is not lazy"]
    assert unlabelled(RiskLevel) == []


def test_a_label_and_a_second_text_are_read_in_the_readers_language(app):
    with app.test_request_context():
        with force_locale("en"):
            english = (ItemKind.NGO_VISIT.label, Direction.INBOUND.short_label, Action.CANCEL.refused)
            assert english == ("Visit to an NGO or human-rights organisation", "Inbound",
                               "A completed or cancelled mission cannot be cancelled.")
            assert isinstance(Visibility.INTERNAL.label, str)
        with force_locale("nl"):
            dutch = (ItemKind.NGO_VISIT.label, Direction.INBOUND.short_label, Action.CANCEL.refused)
            assert all(d and d != e for d, e in zip(dutch, english))


def test_a_lazy_label_is_one_object_per_member_and_translated_when_shown(app):
    """The feed's describer looks each kind's label up once by the object's identity (calendar/programme.py)."""
    assert ItemKind("meal").lazy_label is ItemKind.MEAL.lazy_label
    with app.test_request_context():
        with force_locale("en"):
            assert str(ItemKind.MEAL.lazy_label) == ItemKind.MEAL.label == "Meal"
        with force_locale("nl"):
            assert str(ItemKind.MEAL.lazy_label) == ItemKind.MEAL.label != "Meal"


def test_choices_are_every_member_in_order_or_those_asked_for(app):
    with app.test_request_context(), force_locale("en"):
        assert RiskLevel.choices() == [("low", "Low"), ("medium", "Medium"), ("high", "High"),
                                       ("critical", "Critical")]
        assert Audience.choices(among=[Audience.PUBLIC, Audience.INTERNAL]) == [("public", "Public"),
                                                                               ("internal", "Internal (office)")]


def test_a_form_offers_an_enums_choices_in_the_readers_language(app):
    with app.test_request_context():
        with force_locale("en"):
            assert FollowUpStatusForm().status.choices == [("open", "Open"), ("in_progress", "In progress"),
                                                           ("done", "Done")]
        with force_locale("nl"):
            form = FollowUpStatusForm()
            assert [value for value, _ in form.status.choices] == ["open", "in_progress", "done"]
            assert dict(form.status.choices)["in_progress"] != "In progress"


# ---- the fields they label ---------------------------------------------------------------------------------------

#: The fields whose stored values are shown by an enum's label, as the audit log's own registry listed them before the
#: enums said so themselves, and the consultation's channel that its entries' headings already showed by its label.
FIELDS = {
    "kind": {ItemKind, PartnershipKind, FeedKind, ParticipantKind, StakeholderKind, ContactKind, ObjectiveKind,
             EntryKind},
    "audience": {Audience},
    "visibility": {Visibility},
    "direction": {Direction},
    "status": {MissionStatus, FollowUpStatus},
    "progress": {ProgressRating},
    "region_type": {RegionType},
    "role_names": {Role},
    "scopes": {Scope},
    "decision": {Decision},
    "risk_level": {RiskLevel},
    "due_diligence": {DueDiligence},
    "checklist": {ManualCheck},
    "sign_off_role": {SignOffRole},
    "topic": {DossierTopic},
    "topics": {DossierTopic},
    "channel": {ConsultationChannel},
    "side": {Side},
    "way": {InvolvementWay},
    "room_answer": {RoomAnswer},
}


def test_the_enums_say_which_fields_they_label():
    assert {field: set(enums) for field, enums in FIELD_ENUMS.items()} == FIELDS


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_the_enums_labelling_one_field_share_no_value_so_their_order_does_not_matter(field):
    values = [member.value for enum in FIELD_ENUMS[field] for member in enum]
    assert len(values) == len(set(values))


def test_audit_values_are_shown_by_the_labels_of_the_enums_that_label_their_field(app):
    with app.test_request_context(), force_locale("en"):
        assert audit_value("kind", "ngo_visit") == "Visit to an NGO or human-rights organisation"
        assert audit_value("kind", "sister_city") == "Sister city / partner city"
        assert audit_value("kind", "academic") == "Academic"
        assert audit_value("status", "in_progress") == "In progress"
        assert audit_value("scopes", ["take_part", "photos_press"]) == "Take part, Photographs or press"
        assert audit_value("channel", "consulate") == "A consulate"
        assert audit_value("kind", "no_such_kind") == "no_such_kind"  # a code no enum knows: shown as it is
        assert audit_value("title", "meal") == "meal"  # a field no enum labels


def test_a_feeds_entry_reads_as_its_kind_and_audience(app):
    def feed(label: str) -> AuditEntry:
        return AuditEntry(action="feed.create", object_type="CalendarFeed", label=label)

    with app.test_request_context(), force_locale("en"):
        assert entry_label(feed("mission/delegation")) == "One mission – Delegation"
        assert entry_label(feed("mission/nobody")) == "mission/nobody"  # not a feed's kind and audience: as written
        assert entry_label(feed("Ontvangst")) == "Ontvangst"
