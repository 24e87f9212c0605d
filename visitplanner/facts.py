"""What a column says of itself, declared once, on the column: ``mapped_column(..., info=facts(...))``.

Every column of every table, association tables included, states four facts; :func:`facts` has no default for any
of them, and ``tests/app/test_facts.py`` fails on a column that states none:

- **raises**: ``raises=True`` when a change to it can change what a page, an export or a feed shows, or what a
  check decides (it raises the revisions of the rows it belongs to, ``revisions.py``); or ``ignored=`` with the
  reason it cannot (the reasons below);
- **fingerprint**: what a submission and its sign-offs vouch for (``readiness/fingerprint.py``): its value, read as
  :class:`Vouched` says (a digest of free text, a local wall-clock time); or a fact computed there from it
  (:class:`Through`: a consent state, a safety decision); or ``False``. The results of the checks are vouched for as
  results: a column a check reads needs nothing here for that;
- **privacy**: the personal data it holds and whose (``Personal``), or why none (``NotPersonal``), in the words of
  ``personal_data.py``: the record of processing is built from it. Whether it is encrypted at rest is its type
  (``crypto.EncryptedText``), which must then hold personal data;
- **audit**: the label the audit log shows it by, or ``False`` when it is not audited under its own name.

A fifth, ``events``, is stated only where it is ``False``: a change to the column alone alters no calendar event,
though other columns of its row do (a mission's title is in no event; its status is). Which items a written row can
alter is said model by model beside its roots (``revisions.py``); calendars then follow only those
(``calendar/following.py``).

From these facts are derived: the revisions map (``revisions.TRACKED``), the classification in the record of
processing (``privacy/classification.py``), the audit log's labels of columns (``audit/labels.py``), what a sign-off
vouches for of plain column values (``readiness/fingerprint.py``) and which changes calendars follow. What a new
column declares, and what then remains (its form and template), is in ``docs/engineers.md``, "The commit pipeline
and where a new column declares its facts".

In the foundation (``docs/engineers.md``, "Layers"): it imports no area, so that every model may import it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from flask_babel.speaklater import LazyString
from sqlalchemy import Column

from .personal_data import BOOKKEEPING, KEY, Classification, NotPersonal, Personal

#: Where the facts are kept in a column's ``info``.
INFO_KEY = "facts"

# ---- why a change cannot change any output (``ignored=``) -----------------------------------------------------

IDENTITY = "identity: a row comes and goes by insert and delete, which always raise its roots"
CREATED = "set once when the row is created; the insert raised its roots"
VERSION = "the optimistic-lock counter: it moves only together with another column of the row"
MIRROR = "mirrors a foreign-key column classified on this model"
CHILDREN = "its rows are tracked themselves, as their own model"
REVISION = "the revision itself, raised here"
RETENTION = ("retention and erasure bookkeeping; what they take away (real name, notes) raises through its own "
             "column")
DERIVED = ("derived from the rest after the flush that raised the mission (calendar/following.py) and written with a "
           "plain UPDATE in that same flush, never through the ORM")
UPDATED = "bookkeeping: moves with every ORM update of the row, which is classified column by column"


# ---- how a vouched value is read ------------------------------------------------------------------------------


def as_is(value: Any) -> Any:
    return value


def stripped(text: str) -> str:
    """Text without the spaces around it: a space typed after a place moves nothing."""
    return (text or "").strip()


def digest(text: str) -> str:
    """Whether there is text, and which: never the text itself (the vouched content is shown in the audit log)."""
    text = (text or "").strip()
    return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""


def wall_clock(moment: datetime) -> str:
    """A local moment as the clock on the wall reads it where it happens (with its zone beside it)."""
    return f"{moment:%Y-%m-%d %H:%M}"


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def flag(value: Any) -> bool:
    return bool(value)


@dataclass(frozen=True)
class Vouched:
    """Signers vouch for the column's value: read from ``read`` (the column's own attribute, or a property that
    derives from it, such as a local time), turned by ``how`` into what is fingerprinted, under ``name`` (the
    attribute's key unless given). On a column of an association table: the link itself, as the sorted ids of the
    linked rows, under the relationship's key."""

    name: str | None = None
    read: str | None = None
    how: Callable[[Any], Any] = as_is

    @property
    def shown_as_changed(self) -> bool:
        """A digest says that text was added, removed or changed, never what it was."""
        return self.how is digest


@dataclass(frozen=True)
class Through:
    """The column enters the fingerprint through ``fact``, computed in ``readiness/fingerprint.py`` (which items are
    live, the delegation, the companies, a participant's consent state, a safety decision)."""

    fact: str


Fingerprint = Vouched | Through | Literal[False]


@dataclass(frozen=True)
class Facts:
    """What one column says of itself (see the module's docstring)."""

    #: A change to it raises revisions; when not, ``ignored`` says why.
    raises: bool
    ignored: str | None
    fingerprint: Vouched | Through | None
    privacy: Classification
    #: The audit log's label; None: not audited under its own name.
    audit: LazyString | str | None
    #: A change to it alone can alter a calendar event of the items its row's model names (``revisions.py``).
    events: bool


def facts(*, raises: bool = False, ignored: str | None = None, fingerprint: Fingerprint, privacy: Classification,
          audit: LazyString | str | Literal[False], events: bool = True) -> dict[str, Facts]:
    """A column's ``info``: ``raises=True`` or ``ignored=<why>``, and every other fact said (see the module)."""
    if raises == (ignored is not None):
        raise TypeError("a column either raises revisions (raises=True) or is ignored with a reason (ignored=...)")
    if fingerprint is not False and not isinstance(fingerprint, (Vouched, Through)):
        raise TypeError("fingerprint: Vouched(...), Through(...) or False")
    if not isinstance(privacy, (Personal, NotPersonal)):
        raise TypeError("privacy: Personal (personal_data.personal(...)) or a NotPersonal reason")
    if audit is not False and not isinstance(audit, (LazyString, str)):
        raise TypeError("audit: the label (lazy_gettext) or False")
    return {INFO_KEY: Facts(raises=raises, ignored=ignored, fingerprint=fingerprint or None, privacy=privacy,
                            audit=audit or None, events=raises and events)}


# ---- the usual ones, named ----------------------------------------------------------------------------------------


def raising(privacy: Classification, audit: LazyString | str | Literal[False] = False, *,
            events: bool = True) -> dict[str, Facts]:
    """A column whose change raises revisions, and whose value no sign-off vouches for (a check's result may)."""
    return facts(raises=True, fingerprint=False, privacy=privacy, audit=audit, events=events)


def row_id(privacy: Classification = KEY) -> dict[str, Facts]:
    """A row's own id."""
    return facts(ignored=IDENTITY, fingerprint=False, privacy=privacy, audit=False)


def version_counter() -> dict[str, Facts]:
    """The optimistic-lock counter."""
    return facts(ignored=VERSION, fingerprint=False, privacy=KEY, audit=False)


def created(privacy: Classification) -> dict[str, Facts]:
    """When the row was made."""
    return facts(ignored=CREATED, fingerprint=False, privacy=privacy, audit=False)


def revision_counter() -> dict[str, Facts]:
    """A root's revision, or the time it was stamped (``revisions.py``)."""
    return facts(ignored=REVISION, fingerprint=False, privacy=BOOKKEEPING, audit=False)


# ---- reading them -------------------------------------------------------------------------------------------------


def facts_of(column: Column) -> Facts:
    """The facts the column states; LookupError when it states none."""
    found = column.info.get(INFO_KEY)
    if not isinstance(found, Facts):
        raise LookupError(f"{column.table.name}.{column.name} states no facts: give it info=facts(...) "
                          "(visitplanner/facts.py)")
    return found


def has_facts(column: Column) -> bool:
    return isinstance(column.info.get(INFO_KEY), Facts)


def audit_labels(columns: Iterable[Column]) -> dict[str, LazyString | str]:
    """The audit log's label of every column audited under its own name, by its name (the first where several
    columns share a name: ``tests/app/test_facts.py`` holds them to one label)."""
    found: dict[str, LazyString | str] = {}
    for column in columns:
        label = facts_of(column).audit
        if label is not None:
            found.setdefault(column.key, label)
    return found
