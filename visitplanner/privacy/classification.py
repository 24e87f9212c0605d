"""What personal data every column holds, and of whom: read from the column itself, checked against the models.

**Adding a column or a table?** The column says what personal data it holds and whose (``Personal``), or why it holds
none (``NotPersonal``), on itself: ``info=facts(..., privacy=...)`` (``visitplanner/facts.py``, in the words of
``visitplanner/personal_data.py``). ``tests/app/test_facts.py`` and ``tests/privacy/test_processing_record.py`` fail on a column
that does not. Whether a column is encrypted at rest is not written here either: the record reads it from the
column's type (``crypto.EncryptedText``). What else a new column declares, and where, is in ``docs/engineers.md``,
"The commit pipeline and where a new column declares its facts".
"""

from __future__ import annotations

from sqlalchemy import Column, Table

from ..extensions import db
from ..facts import facts_of, has_facts
from ..personal_data import Category, Classification, NotPersonal, Personal, Subject  # noqa: F401  (the record's)


def tables() -> list[Table]:
    """Every table of the schema: those of every mapped model, and the association tables beside them."""
    found = {mapper.local_table for mapper in db.Model.registry.mappers} | set(db.metadata.tables.values())
    return sorted(found, key=lambda table: table.name)


def columns() -> list[Column]:
    return [column for table in tables() for column in table.columns]


def name_of(column: Column) -> str:
    return f"{column.table.name}.{column.name}"


def classification(column: Column) -> Classification | None:
    """What the column holds, as it says (``facts.py``); None when it says nothing yet."""
    return facts_of(column).privacy if has_facts(column) else None


def is_encrypted(column: Column) -> bool:
    """Whether the column is stored encrypted: read from its type (``crypto.EncryptedText``), never listed."""
    return bool(getattr(column.type, "encrypted", False))


def unclassified() -> list[str]:
    """The columns nobody has classified: the record lists them as personal data until someone decides."""
    return [name_of(column) for column in columns() if classification(column) is None]
