"""Messages kept for later reading, shown in the reader's language: why a sign-off was voided, why a mission needs
attention, and what changed (in the audit log too).

A message is stored as a code with parameters, never as text translated when it was written: the code is the
message's source text (its id in the catalogues), and each parameter is plain text (a title, an alias, a date),
another message, a reference to a label (a field's name, an enum value's label), or a list of these. ``shown``
translates it when a page, an export or the command line shows it, a date kept as ``2026-12-07`` in the one style of
the reader's language ("7 Dec 2026"). Text a person typed (a reason given) is kept
as it is and shown as written, as is a reason stored before messages were kept this way.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Union

from flask_babel import gettext, ngettext
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

#: What a stored message column holds: a message, or text as a person typed it.
Message = Union[dict[str, Any], str]

#: The keys of a stored message.
MSG, PARAMS = "msg", "params"
#: A plural message: its plural form and the number that chooses between them (``%(num)d`` in both).
PLURAL, NUM = "plural", "num"
#: Parts shown one after another, with a separator between them.
JOIN, SEPARATOR = "join", "sep"
#: A label, by the field it belongs to (``{"field": "start_date"}``) or by a field's value (``{"value": ["kind",
#: "ngo_visit"]}``); ``lower`` asks for it in lower case, as it reads within a sentence.
FIELD, VALUE, CHECK, LOWER = "field", "value", "check", "lower"

#: How each kind of reference is looked up when shown: a field's label, a field's value as a person reads it (an enum's
#: label, yes or no), a readiness check's title (``use_labels``); until the application gives them, the code itself.
_lookups: dict[str, Callable[..., str]] = {FIELD: str, VALUE: lambda field, value: str(value), CHECK: str}
#: How a parameter kept as text is shown: a date kept as ISO text in the reader's style (``use_labels``).
MOMENT = "moment"
_lookups[MOMENT] = str


def stored(msgid: str, **params: Any) -> dict[str, Any]:
    """A message to store: translated when shown (``babel.cfg`` extracts ``stored`` as a translation keyword)."""
    return {MSG: msgid, PARAMS: params} if params else {MSG: msgid}


def stored_n(singular: str, plural: str, num: int, **params: Any) -> dict[str, Any]:
    """A plural message to store (``stored_n`` is extracted as a plural keyword, like ``ngettext``)."""
    return {MSG: singular, PLURAL: plural, NUM: num, PARAMS: params}


def joined(parts: list[Any], separator: str = "; ") -> dict[str, Any]:
    """Parts (messages or text) shown one after another, e.g. the problems a check found."""
    return {JOIN: list(parts), SEPARATOR: separator}


def field_ref(name: str, *, lower: bool = False) -> dict[str, Any]:
    """A field's label (``audit/labels.py``), looked up when shown."""
    return {FIELD: name, LOWER: lower} if lower else {FIELD: name}


def value_ref(field: str, value: Any) -> dict[str, Any]:
    """A field's value as a person reads it (an enum's label, yes or no), looked up when shown."""
    return {VALUE: [field, value]}


def check_ref(name: str) -> dict[str, Any]:
    """A readiness check's title, looked up when shown."""
    return {CHECK: name}


def shown(value: Any, separator: str = "; ") -> str:
    """A stored message (or a list of them, or plain text) in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, list):
        return separator.join(shown(v, ", ") for v in value)
    if not isinstance(value, dict):
        return str(value)
    if MSG in value:
        params = {name: v if isinstance(v, int | float) and not isinstance(v, bool) else _as_text(v)
                  for name, v in value.get(PARAMS, {}).items()}
        try:
            if PLURAL in value:
                return ngettext(value[MSG], value[PLURAL], value[NUM], **params)
            return gettext(value[MSG], **params)
        except (KeyError, TypeError, ValueError):  # a message stored with other parameters than it now takes
            return str(value[MSG])
    if JOIN in value:
        return value[SEPARATOR].join(shown(v, ", ") for v in value[JOIN])
    text = _label(value)
    return text.lower() if value.get(LOWER) else text


def _as_text(value: Any) -> str:
    """A parameter as text: a reference by its label, a date kept as ISO text in the reader's style."""
    return _lookups[MOMENT](shown(value, ", "))


def use_labels(*, field: Callable[[str], str], value: Callable[[str, Any], str], check: Callable[[str], str],
               moment: Callable[[str], str] = str) -> None:
    """How references (and dates kept as text) are shown, given by ``create_app``: this module is in the foundation
    and imports no area that knows (``docs/engineers.md``, "Layers")."""
    _lookups.update({FIELD: field, VALUE: value, CHECK: check, MOMENT: moment})


def _label(ref: dict[str, Any]) -> str:
    if FIELD in ref:
        return _lookups[FIELD](ref[FIELD])
    if VALUE in ref:
        field, value = ref[VALUE]
        return _lookups[VALUE](field, value)
    if CHECK in ref:
        return _lookups[CHECK](ref[CHECK])
    return str(ref)


def is_stored(value: Any) -> bool:
    """Whether ``value`` is a stored message (or a list holding one), not plain text."""
    if isinstance(value, list):
        return any(is_stored(v) for v in value)
    return isinstance(value, dict) and (MSG in value or JOIN in value)


class StoredMessage(TypeDecorator):
    """A column holding a message or typed text, as JSON in a text column (the same on every database)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)
