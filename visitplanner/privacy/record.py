"""The record of processing activities (GDPR Art. 30) for the privacy officer, built from the code and the settings.

``build_record`` derives the record: the categories of personal data and of the people concerned from the
classification of every column (``classification.py``), what is encrypted at rest from the columns' types, the
retention period from the setting, the recipients from the audiences of ``disclosure.py`` and from the feed fetches,
the measures from the configuration. ``layout`` turns it into sections of headings, paragraphs and tables, which the
page (``templates/admin/processing.html``) and the Markdown file (``markdown.py``) both render: they cannot differ.
Only the purposes and the meaning of each audience are written here by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..auth.models import Role, User
from ..calendar.models import CalendarFeed, FeedFetch
from ..calendar.operations import FETCHES_KEPT, MISSION_FEED_GRACE
from ..disclosure import FEED_AUDIENCES, NAME_ROLES, NAMING_SCOPE, Audience
from ..extensions import db
from ..formatting import format_datetime
from ..participants import retention
from ..participants.models import ParticipantKind
from ..timeutil import now_utc
from .classification import (
    Category,
    NotPersonal,
    Personal,
    Subject,
    classification,
    columns,
    is_encrypted,
    name_of,
)
from .providers import ProviderReach, reach

TITLE = _l("Record of processing activities (GDPR Art. 30)")

#: The sections, in order; the page and the Markdown file both take their headings from here.
SECTIONS = {
    "controller": _l("Controller and this record"),
    "purposes": _l("Purposes of the processing"),
    "categories": _l("Categories of personal data"),
    "subjects": _l("Categories of people concerned"),
    "retention": _l("Retention periods"),
    "recipients": _l("Recipients: the audiences of exports and feeds"),
    "providers": _l("Calendar providers that feeds reach"),
    "measures": _l("Technical and organisational measures"),
    "not_personal": _l("Columns without personal data"),
}


@dataclass(frozen=True)
class Purpose:
    title: str
    text: str


#: Why the application processes personal data: the one part of the record written by hand.
PURPOSES = (
    (_l("Planning visits"),
     _l("Planning and carrying out delegation visits with the partner region: missions, their programme, the "
        "delegation and the companies taking part.")),
    (_l("Consent and safety of civil society"),
     _l("Making sure that civil-society participants want to take part and are safe: consent, safety assessments "
        "and consultations of the embassy or another trusted channel (source text B.c: “dat zij betrokken willen "
        "worden”, “dat hun veiligheid is verzekerd”).")),
    (_l("Calendars for the delegation"),
     _l("Giving the delegation and the office their programme as calendar files and feeds, each made for one "
        "audience.")),
    (_l("Human rights in the partnership"),
     _l("The partnership's research dossier, action plan and focal themes, and following up what was raised "
        "(source text B.b and B.c).")),
    (_l("Accountability"),
     _l("The checklist, the four-eyes sign-off and the audit log of every change, with who made it.")),
    (_l("Security of the application"),
     _l("Accounts, signing in with a second factor, and the records of feed fetches by which a leaked link is "
        "judged.")),
)

#: What each audience receives, and where it goes.
AUDIENCE_MEANING = {
    Audience.INTERNAL: _l("The office: everything a user's role may see; real names only for the roles that may see "
                          "them."),
    Audience.DELEGATION: _l("The delegation: the programme; civil-society participants by alias; confidential items "
                            "as “private appointment” without details."),
    Audience.TRAVEL: _l("Devices taken into China: aliases only, neutral titles for civil-society items, no places, "
                        "descriptions or talking points for them, nothing of the action plan."),
    Audience.PARTNER: _l("The partner authorities in China, outside the EU: only items shared with the partner, never "
                         "talking points."),
    Audience.PUBLIC: _l("Anyone: only public items, and no civil-society participant."),
}


@dataclass(frozen=True)
class CategoryEntry:
    """One category of personal data: about whom, in which columns, and which of them are encrypted at rest."""

    category: Category
    subjects: tuple[Subject, ...]
    columns: tuple[str, ...]
    encrypted: tuple[str, ...]


@dataclass(frozen=True)
class SubjectEntry:
    subject: Subject
    description: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class RetentionEntry:
    what: str
    period: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    meaning: str
    real_names: str
    feeds_allowed: bool
    live_feeds: int


@dataclass(frozen=True)
class Measure:
    title: str
    text: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcessingRecord:
    """The record as it stands now, in the current language."""

    controller: str
    generated_at: datetime
    timezone: str
    retention_days: int
    purposes: tuple[Purpose, ...]
    categories: tuple[CategoryEntry, ...]
    subjects: tuple[SubjectEntry, ...]
    #: Columns nobody has classified yet: listed as personal data until someone decides.
    unclassified: tuple[str, ...]
    retention: tuple[RetentionEntry, ...]
    recipients: tuple[Recipient, ...]
    providers: tuple[ProviderReach, ...]
    second_factor_roles: tuple[Role, ...]
    measures: tuple[Measure, ...]
    #: Reason → the columns that hold no personal data for it.
    not_personal: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def encrypted_columns(self) -> tuple[str, ...]:
        return _encrypted(self.categories)


def _encrypted(categories: tuple[CategoryEntry, ...]) -> tuple[str, ...]:
    """Every column stored encrypted at rest, by name."""
    return tuple(sorted({name for entry in categories for name in entry.encrypted}))


# ---- building the record ----------------------------------------------------------------------------------------


def _categories() -> tuple[tuple[CategoryEntry, ...], tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    found: dict[Category, list] = {}
    unclassified, not_personal = [], {}
    for column in columns():
        kind = classification(column)
        if isinstance(kind, NotPersonal):
            not_personal.setdefault(str(kind.reason), []).append(name_of(column))
            continue
        if kind is None:
            unclassified.append(name_of(column))
            continue
        found.setdefault(kind.category, []).append((column, kind))
    entries = []
    for category in Category:
        if category not in found:
            continue
        placed = found[category]
        subjects = {subject for _column, kind in placed for subject in kind.subjects}
        entries.append(CategoryEntry(
            category, tuple(s for s in Subject if s in subjects), tuple(name_of(c) for c, _kind in placed),
            tuple(name_of(c) for c, _kind in placed if is_encrypted(c))))
    return tuple(entries), tuple(unclassified), tuple((reason, tuple(names)) for reason, names in not_personal.items())


def _subject_description(subject: Subject) -> str:
    if subject == Subject.CIVIL_SOCIETY:
        return _("%(kinds)s; named by alias wherever their real name may not go.",
                 kinds=", ".join(kind.label for kind in ParticipantKind))
    if subject == Subject.USER:
        return _("People with an account, in the roles: %(roles)s.", roles=", ".join(role.label for role in Role))
    return str(SUBJECT_DESCRIPTIONS[subject])


SUBJECT_DESCRIPTIONS = {
    Subject.DELEGATION: _l("The members of a mission's delegation: users with an account, and external people by "
                           "name and function."),
    Subject.COMPANY_CONTACT: _l("The contact person of a company in a delegation or hosting a visit."),
    Subject.NAMED_IN_TEXT: _l("Officials of the partner authorities, embassy staff and people whose cases are raised, "
                              "as far as notes, titles and other free text name them."),
}


def _subjects(categories: tuple[CategoryEntry, ...]) -> tuple[SubjectEntry, ...]:
    return tuple(
        SubjectEntry(subject, _subject_description(subject),
                     tuple(entry.category for entry in categories if subject in entry.subjects))
        for subject in Subject)


def _retention(days: int) -> tuple[RetentionEntry, ...]:
    removed = tuple(f"participants.{name}" for name in retention.PERSONAL) + tuple(
        f"{model.__tablename__}.{name}" for model, names in retention.NOTES.items() for name in names)
    return (
        RetentionEntry(
            _("The real name, contact details and notes of civil-society participants"),
            _("%(days)d days after the end of the last mission they took part in (or after they were recorded); then "
              "they are pseudonymised: the alias and the facts of consent and safety stay. An advisor may keep them "
              "longer, until a date, with a reason; at the person's request they are erased at once.", days=days),
            removed),
        RetentionEntry(_("Records of feed fetches (time, address, user agent)"),
                       _("%(days)d days.", days=FETCHES_KEPT.days),
                       tuple(name_of(c) for c in FeedFetch.__table__.columns if isinstance(classification(c), Personal))),
        RetentionEntry(_("Calendar feeds of a mission"),
                       _("They end %(days)d days after the mission's last day.", days=MISSION_FEED_GRACE.days)),
        RetentionEntry(_("All other data: accounts, missions and their programme, partnerships, the audit log"),
                       _("No period is set in the application.")),
    )


def _live_feeds() -> dict[str, int]:
    """Per audience, the feeds that answer now (not revoked, not expired, their owner active)."""
    now = now_utc()
    stmt = (select(CalendarFeed.audience, func.count()).join(User, User.id == CalendarFeed.owner_id)
            .where(CalendarFeed.revoked_at.is_(None), or_(CalendarFeed.expires_at.is_(None),
                                                          CalendarFeed.expires_at > now), User.active)
            .group_by(CalendarFeed.audience))
    return dict(db.session.execute(stmt).all())


def _recipients() -> tuple[Recipient, ...]:
    live = _live_feeds()
    recipients = []
    for audience in Audience:
        scope = NAMING_SCOPE.get(audience)
        names = (_("Only where the person's consent covers “%(scope)s”.", scope=scope.label) if scope is not None
                 else _("Never."))
        recipients.append(Recipient(audience, str(AUDIENCE_MEANING[audience]), names, audience in FEED_AUDIENCES,
                                    live.get(audience.value, 0)))
    return tuple(recipients)


def _labels(roles) -> str:
    return ", ".join(role.label for role in Role if role in roles)


def _second_factor_roles() -> tuple[Role, ...]:
    configured = {str(r) for r in current_app.config.get("SECOND_FACTOR_ROLES", ())}
    return tuple(role for role in Role if role.value in configured)


def _key_source() -> str:
    ring = current_app.extensions.get("data_keys")
    if ring is None:
        return _("no key (nothing can be encrypted)")
    return _("the environment (DATA_KEY)") if ring.source == "DATA_KEY" else _("the key file in the instance folder")


def _measures(encrypted: tuple[str, ...], second_factor: tuple[Role, ...]) -> tuple[Measure, ...]:
    config = current_app.config
    return (
        Measure(_("Encryption at rest"),
                _("%(count)d columns are stored encrypted: AES-256-GCM, a fresh nonce per value, the table and column "
                  "as associated data; the keys come from %(source)s. A real name is looked up by a keyed hash, "
                  "never by its clear text.", count=len(encrypted), source=_key_source()),
                encrypted),
        Measure(_("Aliases"),
                _("Civil-society participants are named by alias everywhere, except to the roles %(roles)s, and to "
                  "them only where the person's consent allows naming to the audience.", roles=_labels(NAME_ROLES))),
        Measure(_("Audiences"),
                _("Every export and feed is made for one audience (%(audiences)s); the least privileged one the user "
                  "may have is the default for anything that leaves the office.",
                  audiences=", ".join(audience.label for audience in Audience))),
        Measure(_("Second factor"),
                _("Signing in needs a code from an authenticator app (TOTP) for the roles: %(roles)s.",
                  roles=_labels(second_factor)) if second_factor else
                _("No role is required to sign in with a second factor.")),
        Measure(_("High-risk mode"),
                _("No feed carries an item with a participant assessed at critical risk in the mission, nor, once the "
                  "advisor sets high-risk mode on a mission, any item with civil-society participants.")),
        Measure(_("Hashed secrets"),
                _("Passwords are hashed with argon2; feed tokens (256 bits) and recovery codes are stored only as "
                  "SHA-256 hashes.")),
        Measure(_("Sessions"),
                _("A session ends after %(idle)d minutes without a request and %(lifetime)d minutes after signing in; "
                  "an administrator can end every session of an account at once.",
                  idle=config["SESSION_IDLE_MINUTES"], lifetime=config["SESSION_LIFETIME_MINUTES"])),
        Measure(_("Access by role"),
                _("Every page is refused unless the access table allows the user's role; failed sign-ins are "
                  "rate-limited per address and account.")),
        Measure(_("Audit log"),
                _("Every change is recorded with who made it and when; the application refuses to change or delete "
                  "an entry.")),
    )


def build_record() -> ProcessingRecord:
    """The record as the code, the settings and the configuration make it now."""
    categories, unclassified, not_personal = _categories()
    days = retention.retention_days()
    second_factor = _second_factor_roles()
    return ProcessingRecord(
        controller=current_app.config.get("ORGANISATION_NAME", ""),
        generated_at=now_utc(),
        timezone=current_app.config.get("HOME_TIMEZONE", "Europe/Amsterdam"),
        retention_days=days,
        purposes=tuple(Purpose(str(title), str(text)) for title, text in PURPOSES),
        categories=categories,
        subjects=_subjects(categories),
        unclassified=unclassified,
        retention=_retention(days),
        recipients=_recipients(),
        providers=tuple(reach()),
        second_factor_roles=second_factor,
        measures=_measures(_encrypted(categories), second_factor),
        not_personal=not_personal,
    )


# ---- laying it out: what the page and the Markdown file both show ----------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell: text, then column names (shown as code, one per line)."""

    text: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    #: The first cell of each row heads it.
    rows: tuple[tuple[Cell, ...], ...] = field(default_factory=tuple)


def by_table(names: tuple[str, ...]) -> tuple[str, ...]:
    """Column names ("table.column") grouped per table, for reading: "table: column, column"."""
    grouped: dict[str, list[str]] = {}
    for name in names:
        table, column = name.split(".", 1)
        grouped.setdefault(table, []).append(column)
    return tuple(f"{table}: {', '.join(names)}" for table, names in grouped.items())


def _encryption(entry: CategoryEntry) -> Cell:
    if not entry.encrypted:
        return Cell(_("no"))
    if len(entry.encrypted) == len(entry.columns):
        return Cell(_("yes, all"))
    return Cell(_("partly:"), by_table(entry.encrypted))


def layout(record: ProcessingRecord) -> list[Section]:
    """The record as sections of headings, paragraphs and tables, in the order of ``SECTIONS``."""
    title = {key: str(text) for key, text in SECTIONS.items()}
    moment = format_datetime(record.generated_at, record.timezone, "medium")
    categories_said = [_("What personal data the application holds, about whom, in which columns, and whether it is "
                         "encrypted at rest.")]
    if record.unclassified:
        categories_said.append(_("Not yet classified, to be treated as personal data until someone decides: "
                                 "%(columns)s.", columns=", ".join(record.unclassified)))
    providers_said = [_("A feed is copied to the servers of the program that fetches it. A feed never carries the "
                        "real name of an at-risk participant, nor any item kept out of feeds by high-risk mode, nor "
                        "the free text of follow-ups; the travel-safe audience is never a feed. Counted from the "
                        "fetch records of the last %(days)d days.", days=FETCHES_KEPT.days)]
    if not record.providers:
        providers_said.append(_("No feed was fetched in that time."))
    return [
        Section("controller", title["controller"], (
            _("Controller: %(organisation)s.", organisation=record.controller),
            _("The contact details of the controller and of the data protection officer are not kept in the "
              "application: add them to this record."),
            _("Generated on %(moment)s from the application's models, settings and configuration, not written by "
              "hand: every column of every table is classified, and a test fails on a column nobody classified.",
              moment=moment),
        )),
        Section("purposes", title["purposes"], headers=(_("Processing"), _("Purpose")),
                rows=tuple((Cell(p.title), Cell(p.text)) for p in record.purposes)),
        Section("categories", title["categories"], tuple(categories_said),
                headers=(_("Category"), _("People concerned"), _("Columns"), _("Encrypted at rest")),
                rows=tuple((Cell(e.category.label), Cell(", ".join(s.label for s in e.subjects)),
                            Cell(codes=by_table(e.columns)),
                            _encryption(e)) for e in record.categories)),
        Section("subjects", title["subjects"], headers=(_("People"), _("Who they are"), _("Categories of data")),
                rows=tuple((Cell(s.subject.label), Cell(s.description),
                            Cell("; ".join(c.label for c in s.categories))) for s in record.subjects)),
        Section("retention", title["retention"],
                (_("Retention period set now: %(days)d days.", days=record.retention_days),),
                headers=(_("Data"), _("Kept"), _("Columns")),
                rows=tuple((Cell(r.what), Cell(r.period), Cell(codes=by_table(r.columns))) for r in record.retention)),
        Section("recipients", title["recipients"],
                (_("Every export and feed is made for one audience; real names go only to the roles %(roles)s.",
                   roles=_labels(NAME_ROLES)),),
                headers=(_("Audience"), _("Receives"), _("Real names of civil-society participants"),
                         _("Calendar feeds"), _("Live feeds now")),
                rows=tuple((Cell(r.audience.label), Cell(r.meaning), Cell(r.real_names),
                            Cell(_("yes") if r.feeds_allowed else _("no: files and prints only")),
                            Cell(str(r.live_feeds))) for r in record.recipients)),
        Section("providers", title["providers"], tuple(providers_said),
                headers=(_("Provider"), _("Where the copy is kept"), _("Feeds"), _("Audiences"), _("Fetches"),
                         _("Last fetch")) if record.providers else (),
                rows=tuple((Cell(p.provider.label), Cell(p.provider.where), Cell(str(p.feeds)),
                            Cell(", ".join(a.label for a in p.audiences)), Cell(str(p.fetches)),
                            Cell(format_datetime(p.last_fetch, record.timezone, "short")))
                           for p in record.providers)),
        Section("measures", title["measures"], headers=(_("Measure"), _("In place now")),
                rows=tuple((Cell(m.title), Cell(m.text, m.columns)) for m in record.measures)),
        Section("not_personal", title["not_personal"],
                (_("Every other column was judged to hold no personal data, for the reason given."),),
                headers=(_("Reason"), _("Columns")),
                rows=tuple((Cell(reason), Cell(codes=by_table(names))) for reason, names in record.not_personal)),
    ]
