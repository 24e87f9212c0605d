"""Choices that several areas share, the base that gives an enum its labels, and the SQL check that keeps a column to
an enum's values.

In the foundation, the lowest layer (``docs/engineers.md``, "Layers"): it imports nothing of the application, so
that every area may import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

#: The fields whose stored values enums label (an audit entry's ``kind``, a message's value reference), each with the
#: enums that label it in the order they were declared: filled as each enum names its fields (``__fields__``).
FIELD_ENUMS: dict[str, tuple[type[LabelledEnum], ...]] = {}


def sql_in(enum: type[StrEnum]) -> str:
    """The values of ``enum`` as an SQL list, for ``CheckConstraint(f"col IN ({sql_in(E)})")``."""
    return ", ".join(f"'{member.value}'" for member in enum)


class MemberText:
    """A text for each member beside its label (a short label, why an action is refused), declared as labels are."""

    def __init__(self, texts: Mapping[str, LazyString]) -> None:
        self.texts = dict(texts)

    def __get__(self, member: LabelledEnum | None, owner: type | None = None) -> Any:
        return self if member is None else str(self.texts[member.value])


class LabelledEnum(StrEnum):
    """An enum whose members carry labels for people, declared once in its class body: ``RiskLevel`` below shows how."""

    #: Each member, written by its name below the members, with its lazy label (``tests/app/test_enums.py`` checks that
    #: every member has one).
    __labels__: ClassVar[Mapping[str, LazyString]] = {}
    #: The stored fields whose values the enum labels: the audit log and stored messages show them by their labels.
    __fields__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for field in cls.__dict__.get("__fields__", ()):
            FIELD_ENUMS[field] = (*FIELD_ENUMS.get(field, ()), cls)

    @property
    def label(self) -> str:
        """The member's label in the reader's language."""
        return str(self.__labels__[self.value])

    @property
    def lazy_label(self) -> LazyString:
        """The member's label as a lazy string, translated each time it is shown: one object per member."""
        return self.__labels__[self.value]

    @classmethod
    def choices(cls, *, among: Iterable[LabelledEnum] | None = None) -> list[tuple[str, str]]:
        """``(value, label)`` for a form's choices: every member in order, or those ``among`` given."""
        return [(member.value, member.label) for member in (cls if among is None else among)]


class RiskLevel(LabelledEnum):
    """How grave the risk is: of a partnership (to the region's people), or to one participant."""

    __fields__ = ("risk_level",)

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    __labels__ = {LOW: _l("Low"), MEDIUM: _l("Medium"), HIGH: _l("High"), CRITICAL: _l("Critical")}
