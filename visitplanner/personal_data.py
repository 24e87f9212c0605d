"""The words of the record of processing (GDPR Art. 30): what personal data a column holds and of whom, or why none.

Each column says which of these it is, on the column (``facts.py``); the record is built from that
(``privacy/record.py``). In the foundation, beside ``enums`` (``docs/engineers.md``, "Layers"): it imports no
area, so that every model may import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .enums import LabelledEnum


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


def personal(category: Category, *subjects: Subject) -> Personal:
    """Personal data of ``category`` about ``subjects``."""
    return Personal(category, subjects)


#: The reasons a column holds no personal data.
KEY = NotPersonal(_l("a row number, a version counter or a link between records of the office"))
BOOKKEEPING = NotPersonal(_l("bookkeeping of the application: revisions, fingerprints, calendar sequences"))
OFFICE = NotPersonal(_l("about the partnership, the mission or the office's own work, not about a person"))
COMPANY = NotPersonal(_l("about a company, not about a person"))
SETTING = NotPersonal(_l("an organisation-wide setting"))

#: Often used: who did something (a user's id or the moment), in the audit sense.
ACTED = personal(Category.ACTIVITY, USER)
NOTES = personal(Category.FREE_TEXT, NAMED)
