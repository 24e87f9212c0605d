"""What personal data every column holds, and of whom: classified by hand, checked against the models.

**Adding a column or a table?** Classify every new column in ``CLASSIFIED`` below: the personal data it holds and
whose it is (``Personal``), or why it holds none (``NotPersonal``). ``tests/test_processing_record.py`` fails until
every column of every table is classified, and when an entry names a column that no longer exists. Whether a column
is encrypted at rest is not written here: the record reads it from the column's type (``crypto.EncryptedText``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Table

from ..enums import LabelledEnum
from ..extensions import db


class Category(LabelledEnum):
    """A category of personal data, in the order the record lists them."""

    SPECIAL = "special"
    SAFETY = "safety"
    CONSENT = "consent"
    IDENTITY = "identity"
    CONTACT = "contact"
    MEETINGS = "meetings"
    FREE_TEXT = "free_text"
    ACCOUNT = "account"
    ACTIVITY = "activity"
    DEVICE = "device"

    __labels__ = {
        SPECIAL: _l("Special categories (GDPR Art. 9): political opinions, ethnic origin or beliefs implied by "
                    "taking part in human-rights components"),
        SAFETY: _l("Safety: risk, threats, vulnerabilities, venue and precautions"),
        CONSENT: _l("Consent: what was agreed, how, when, until when, and withdrawals"),
        IDENTITY: _l("Identity: name, alias, organisation, function"),
        CONTACT: _l("Contact details and place of residence"),
        MEETINGS: _l("Location and time of meetings and travel a person takes part in"),
        FREE_TEXT: _l("Free text that may name or describe people"),
        ACCOUNT: _l("Account and sign-in: e-mail address, roles, password hash, second factor, calendar feeds"),
        ACTIVITY: _l("Actions in the application: who recorded, signed or changed what, and when"),
        DEVICE: _l("Device and network: the address and user agent of each feed fetch"),
    }


class Subject(LabelledEnum):
    """A kind of person the data is about."""

    CIVIL_SOCIETY = "civil_society"
    DELEGATION = "delegation"
    USER = "user"
    COMPANY_CONTACT = "company_contact"
    NAMED_IN_TEXT = "named_in_text"

    __labels__ = {
        CIVIL_SOCIETY: _l("Civil-society participants"),
        DELEGATION: _l("Delegation members"),
        USER: _l("Users of the application"),
        COMPANY_CONTACT: _l("Contact persons of companies"),
        NAMED_IN_TEXT: _l("Partner officials and other people named in free text"),
    }


@dataclass(frozen=True)
class Personal:
    """The column holds personal data of this category about these people."""

    category: Category
    subjects: tuple[Subject, ...]


@dataclass(frozen=True)
class NotPersonal:
    """The column holds no personal data, for this reason."""

    reason: str


Classification = Personal | NotPersonal

CIVIL, DELEGATION, USER = Subject.CIVIL_SOCIETY, Subject.DELEGATION, Subject.USER
COMPANY_CONTACT, NAMED = Subject.COMPANY_CONTACT, Subject.NAMED_IN_TEXT


def _p(category: Category, *subjects: Subject) -> Personal:
    return Personal(category, subjects)


#: The reasons a column holds no personal data.
KEY = NotPersonal(_l("a row number, a version counter or a link between records of the office"))
BOOKKEEPING = NotPersonal(_l("bookkeeping of the application: revisions, fingerprints, calendar sequences"))
OFFICE = NotPersonal(_l("about the partnership, the mission or the office's own work, not about a person"))
COMPANY = NotPersonal(_l("about a company, not about a person"))
SETTING = NotPersonal(_l("an organisation-wide setting"))

#: Often used: who did something (a user's id or the moment), in the audit sense.
ACTED = _p(Category.ACTIVITY, USER)
NOTES = _p(Category.FREE_TEXT, NAMED)


def _columns(default: Classification, names: str, **exceptions: Classification) -> dict[str, Classification]:
    """The columns of one table: those in ``names`` (separated by spaces) have ``default``, the others are named."""
    return {**{name: default for name in names.split()}, **exceptions}


#: Every column of every table, by table name. Each column is named once: a new one fails the test until placed.
CLASSIFIED: dict[str, dict[str, Classification]] = {
    # civil-society participants, their consent and safety
    "participants": _columns(
        _p(Category.IDENTITY, CIVIL),
        "real_name real_name_index alias organisation created_at keep_until pseudonymised_at erased_at",
        kind=_p(Category.SPECIAL, CIVIL), residence=_p(Category.CONTACT, CIVIL), contact=_p(Category.CONTACT, CIVIL),
        at_risk=_p(Category.SAFETY, CIVIL), keep_reason=_p(Category.FREE_TEXT, CIVIL), id=KEY, version=KEY,
    ),
    # Taking part in a human-rights component (an NGO visit, a meeting with residents) speaks of the person's
    # opinions, and for diaspora members of their origin.
    "item_participants": _columns(_p(Category.SPECIAL, CIVIL), "item_id participant_id"),
    "consent_records": _columns(
        _p(Category.CONSENT, CIVIL),
        "participant_id mission_id kind take_part named_internal named_delegation named_partner photos_press "
        "public_attention method information_version reconfirm_by note recorded_at",
        recorded_by_id=ACTED, id=KEY,
    ),
    "safety_assessments": _columns(
        _p(Category.SAFETY, CIVIL),
        "participant_id item_id risk_level threats vulnerabilities capacities person_consulted meeting_visibility "
        "partner_informed names_shared_with_partner family_at_risk venue photos_allowed social_media_allowed "
        "device_precautions interpreter_vetted expectations_discussed mitigations decision assessed_on valid_until "
        "created_at",
        assessor_id=ACTED, id=KEY,
    ),
    "consultations": _columns(
        _p(Category.SAFETY, CIVIL), "mission_id channel question answer consulted_on valid_until recorded_at",
        consulted=_p(Category.IDENTITY, NAMED), recorded_by_id=ACTED, id=KEY,
    ),
    "consultation_covers": _columns(_p(Category.SAFETY, CIVIL), "consultation_id participant_id item_id"),
    # missions, the delegation, companies
    "missions": _columns(
        OFFICE,
        "partnership_id direction title purpose start_date end_date timezone status submitted_at finalised_at "
        "completed_at cancelled_at cancel_reason attention_reason override_reason override_at high_risk_at "
        "created_at updated_at",
        created_by_id=ACTED, submitted_by_id=ACTED, override_by_id=ACTED, high_risk_by_id=ACTED,
        # The advisor's reason for high-risk mode speaks of the danger to the people met.
        high_risk_reason=_p(Category.SAFETY, CIVIL),
        # What a sign-off vouched for: aliases, delegation members, consent states and safety decisions, times.
        vouched_content=_p(Category.SAFETY, CIVIL, DELEGATION),
        vouched_fingerprint=BOOKKEEPING, revision=BOOKKEEPING, revised_ms=BOOKKEEPING, id=KEY, version=KEY,
    ),
    "delegation_members": _columns(
        _p(Category.IDENTITY, DELEGATION), "user_id name function organisation created_at",
        mission_id=_p(Category.MEETINGS, DELEGATION), id=KEY,
    ),
    "companies": _columns(
        COMPANY, "name sector briefed_on briefing_held due_diligence met_defenders created_at",
        contact=_p(Category.CONTACT, COMPANY_CONTACT), due_diligence_notes=NOTES, id=KEY, version=KEY,
    ),
    "mission_companies": _columns(COMPANY, "mission_id company_id"),
    # the programme
    "programme_items": _columns(
        _p(Category.MEETINGS, CIVIL, DELEGATION), "starts_at ends_at timezone end_timezone location",
        # What each audience's calendars were shown: the time and title as they had them.
        shown=_p(Category.MEETINGS, CIVIL, DELEGATION),
        title=NOTES, description=NOTES, talking_points=NOTES, headcount_reason=NOTES,
        kind=OFFICE, mission_id=OFFICE, no_talking_points_reason=OFFICE, visibility=OFFICE, headcount=OFFICE,
        parallel=OFFICE, removed_at=OFFICE, created_at=OFFICE, updated_at=OFFICE,
        # That someone at the item was judged at critical risk, and by which advisor: it names no participant.
        protected_at=_p(Category.SAFETY, CIVIL), protected_by_id=ACTED,
        uid=BOOKKEEPING, sequence=BOOKKEEPING, id=KEY, version=KEY,
    ),
    "item_attendees": _columns(_p(Category.MEETINGS, DELEGATION), "item_id member_id"),
    "item_focal_themes": _columns(OFFICE, "item_id theme_id"),
    # the partnership, its dossier and action plan, follow-up
    "partnerships": _columns(
        OFFICE,
        "own_organisation partner_region region_type kind cooperation_themes risk_level advised_against "
        "advised_against_reason dossier_reviewed_on created_at updated_at",
        revision=BOOKKEEPING, revised_ms=BOOKKEEPING, id=KEY, version=KEY,
    ),
    # A focal theme may be a person's case ("a detained defender from the region", source text B.b).
    "focal_themes": _columns(NOTES, "name description", key=OFFICE, line=OFFICE, id=KEY),
    "partnership_focal_themes": _columns(OFFICE, "partnership_id theme_id"),
    # Consultations with defenders and residents are one of the dossier's topics.
    "dossier_entries": _columns(OFFICE, "partnership_id topic sources entry_date created_at", summary=NOTES,
                                author_id=ACTED, id=KEY),
    "objectives": _columns(NOTES, "what benchmark", partnership_id=OFFICE, focal_theme_id=OFFICE, target_date=OFFICE,
                           evaluation_due=OFFICE, created_at=OFFICE, id=KEY),
    "evaluations": _columns(NOTES, "findings next_steps", objective_id=OFFICE, evaluated_on=OFFICE, progress=OFFICE,
                            created_at=OFFICE, author_id=ACTED, id=KEY),
    "meeting_outcomes": _columns(NOTES, "raised partner_response", item_id=OFFICE, recorded_at=OFFICE,
                                 recorded_by_id=ACTED, id=KEY),
    "follow_ups": _columns(
        OFFICE, "mission_id due_date status objective_id created_at updated_at",
        what=NOTES, with_whom=_p(Category.IDENTITY, NAMED), owner_id=ACTED, id=KEY,
    ),
    # readiness
    "sign_offs": _columns(ACTED, "mission_id role user_id signed_at voided_at void_reason", fingerprint=BOOKKEEPING,
                          id=KEY),
    "manual_confirmations": _columns(OFFICE, "mission_id key", confirmed_by_id=ACTED, confirmed_at=ACTED,
                                     note=NOTES, id=KEY),
    "settings": _columns(SETTING, "key value"),
    "revision_clock": _columns(BOOKKEEPING, "id last_ms"),
    # accounts, sign-in, feeds
    "users": _columns(
        _p(Category.ACCOUNT, USER), "email password_hash active created_at totp_secret totp_last_step "
        "session_generation",
        name=_p(Category.IDENTITY, USER), revision=BOOKKEEPING, revised_ms=BOOKKEEPING, id=KEY, version=KEY,
    ),
    "user_roles": _columns(_p(Category.ACCOUNT, USER), "user_id role"),
    "recovery_codes": _columns(_p(Category.ACCOUNT, USER), "user_id code_hash used_at created_at", id=KEY),
    "calendar_feeds": _columns(
        _p(Category.ACCOUNT, USER),
        "token_hash owner_id kind audience mission_id partnership_id created_at expires_at revoked_at last_fetched_at",
        id=KEY,
    ),
    "feed_fetches": _columns(_p(Category.DEVICE, USER), "feed_id at address user_agent", id=KEY),
    # The audit log: who did what; its labels and changes hold aliases and the values of what changed (never a real
    # name, a residence or contact details: those are logged as "changed").
    "audit_entries": _columns(
        ACTED, "at actor_id action object_type object_id mission_id partnership_id",
        label=_p(Category.ACTIVITY, USER, CIVIL, DELEGATION, COMPANY_CONTACT, NAMED),
        changes=_p(Category.ACTIVITY, USER, CIVIL, DELEGATION, COMPANY_CONTACT, NAMED), id=KEY,
    ),
}


def tables() -> list[Table]:
    """Every table of the schema: those of every mapped model, and the association tables beside them."""
    found = {mapper.local_table for mapper in db.Model.registry.mappers} | set(db.metadata.tables.values())
    return sorted(found, key=lambda table: table.name)


def columns() -> list[Column]:
    return [column for table in tables() for column in table.columns]


def name_of(column: Column) -> str:
    return f"{column.table.name}.{column.name}"


def classification(column: Column) -> Classification | None:
    """What the column holds; None when nobody has classified it yet."""
    return CLASSIFIED.get(column.table.name, {}).get(column.name)


def is_encrypted(column: Column) -> bool:
    """Whether the column is stored encrypted: read from its type (``crypto.EncryptedText``), never listed."""
    return bool(getattr(column.type, "encrypted", False))


def unclassified() -> list[str]:
    """The columns nobody has classified: the record lists them as personal data until someone decides."""
    return [name_of(column) for column in columns() if classification(column) is None]


def stale() -> list[str]:
    """Entries in ``CLASSIFIED`` for columns that no longer exist."""
    present = {name_of(column) for column in columns()}
    return sorted(f"{table}.{name}" for table, names in CLASSIFIED.items() for name in names
                  if f"{table}.{name}" not in present)
