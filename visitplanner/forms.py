"""Form pieces shared by several areas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import date, datetime

from flask import current_app, flash, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import ValidationError

from .errors import RuleViolation, attach, stale_errors
from .extensions import db
from .formatting import shown_moment
from .timeutil import zone_choices

#: The largest id a URL or a form may name: the databases count ids in signed 32-bit integers.
MAX_ID = 2**31 - 1
#: Dates outside these years are typing errors (and near the ends of the calendar, times cannot be converted).
YEARS = range(1900, 2201)
#: Line breaks and tabs are text in a text area; every other control character (NUL above all, which
#: PostgreSQL refuses in text) is refused in every field.
TEXT_AREA_CONTROLS = frozenset("\n\r\t")


def parse_id(value: object) -> int | None:
    """An id from a form or a query string: a positive whole number the database can hold, else None."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _control_characters(text: str, allowed: frozenset[str]) -> bool:
    return any((ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in text)


class BaseForm(FlaskForm):
    """Every form: refuses control characters in any field, with a message at the field, before anything else.

    Text areas keep line breaks and tabs. The check reads what was sent (``raw_data``), so a hidden field, a
    select or a checkbox cannot carry a NUL to the database either. Dates must fall in a plausible range.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            allowed = TEXT_AREA_CONTROLS if isinstance(field, TextAreaField) else frozenset()
            if any(isinstance(v, str) and _control_characters(v, allowed) for v in field.raw_data or ()):
                field.errors = [*field.errors, _l("Remove the control characters (invisible codes such as NUL) "
                                                  "from this field.")]
                valid = False
            elif isinstance(field, (DateField, DateTimeLocalField)) and field.data and field.data.year not in YEARS:
                field.errors = [*field.errors, _l("Enter a date between %(first)d and %(last)d.", first=YEARS[0],
                                                  last=YEARS[-1])]
                valid = False
        return valid


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes: usable without JavaScript, unlike a multiple select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ZoneField(SelectField):
    """A time zone chosen from the list (the common ones first): no typing, so no "Amsterdam" refused for not
    being "Europe/Amsterdam"; an empty choice where the field offers one (a default that follows something)."""

    def __init__(self, label=None, validators=None, *, blank: str | None = None, **kwargs):
        self.blank = blank
        choices = (lambda: [("", str(blank))] + zone_choices()) if blank is not None else zone_choices
        super().__init__(label, validators, choices=choices, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data == "" and self.blank is not None:
            return
        choices = self.choices() if callable(self.choices) else self.choices
        if self.data not in {value for value, _label in choices}:
            raise ValidationError(_l("Choose a time zone from the list."))


class VersionedForm(BaseForm):
    """A form that edits a record carries the version it was based on, and what it showed then (``base``, signed),
    so that a save based on an older version is merged field by field instead of erasing what others saved
    meanwhile (:func:`save_edit`)."""

    version = HiddenField()
    base = HiddenField()

    #: The fields we both changed, shown side by side until the person chooses (set by :func:`save_edit`).
    conflicts: tuple[Conflict, ...] = ()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def merged_fields(self) -> list:
        """The fields a stale save is merged by: every field of the record, not the form's own bookkeeping."""
        return [f for f in self if f.name not in ("version", "base", "csrf_token") and f.type != "SubmitField"]

    def remember(self, conflicts: tuple[Conflict, ...] = (), *, seen: dict | None = None) -> None:
        """Keep what the form shows now as the base of the next save (and the fields still to choose between);
        ``seen``: what else of the record the page showed, for a form that is not merged field by field but must tell
        what changed meanwhile (:meth:`seen_then`)."""
        values = {f.name: plain(f.data) for f in self.merged_fields()}
        self.base.data = _signer().dumps({"values": values, "conflicts": [list(astuple(c)) for c in conflicts],
                                          "seen": {k: plain(v) for k, v in (seen or {}).items()}})

    def seen_then(self) -> dict | None:
        """What the page showed of the record when it was loaded (``remember(seen=...)``); None when not known."""
        try:
            seen = _signer().loads(self.base.data or "").get("seen")
        except (BadData, AttributeError):
            return None
        return seen if isinstance(seen, dict) else None

    def remembered(self) -> tuple[dict | None, tuple[Conflict, ...]]:
        """What the form showed when it was loaded, and the conflicts whose choice is still open; (None, ()) when the
        form carries no readable base."""
        try:
            payload = _signer().loads(self.base.data or "")
        except BadData:
            return None, ()
        try:
            return payload.get("values"), tuple(Conflict(*c) for c in payload.get("conflicts") or ())
        except (TypeError, AttributeError):
            return None, ()


@dataclass(frozen=True)
class Conflict:
    """A field both the person and someone else changed since the form was loaded: the three values as read."""

    name: str
    label: str
    before: str
    theirs: str
    mine: str


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="visitplanner.form-base")


def plain(value):
    """A field's value as it is compared and kept in a form's base: text, a number, a flag, a sorted list."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted((plain(v) for v in value), key=str)
    return value


def shown_value(field, value) -> str:
    """A field's value as a person reads it beside the others: a choice by its label, a flag as yes or no, a date or
    moment in the one style ("7 Dec 2026, 10:50")."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    choices = getattr(field, "choices", None)
    if callable(choices):  # WTForms calls them without arguments too (the roles, a zone list)
        choices = choices()
    if choices:
        labels = {str(v): str(label) for v, label in choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return shown_moment(value) if isinstance(value, str) else str(value)


def merge(form: VersionedForm, latest: VersionedForm) -> tuple[Conflict, ...]:
    """Merge a save based on an older version into the record as it is now (``latest``, filled from it):

    - a field only the person changed keeps their value; a field only the others changed takes theirs;
    - a list field (attendees, participants, themes) keeps what each side added and drops what each side removed;
    - a field both changed to different values is a conflict: the form keeps the person's value, and nothing is
      saved until they choose.
    """
    base, _open = form.remembered()
    conflicts = []
    for field in form.merged_fields():
        theirs_field = latest[field.name]
        mine, theirs = plain(field.data), plain(theirs_field.data)
        if base is None or field.name not in base:
            # What the form was based on is not known (a form from before this was kept): every field that differs
            # is shown side by side, so that nothing is lost either way.
            if mine != theirs:
                conflicts.append(Conflict(field.name, str(field.label.text), gettext("(not known)"),
                                          shown_value(field, theirs), shown_value(field, mine)))
            continue
        before = base[field.name]
        if isinstance(theirs, list):
            was, now = set(map(str, before or [])), set(map(str, mine or []))
            keep = (set(map(str, theirs)) | (now - was)) - (was - now)
            field.data = [v for v in _typed(theirs_field.data, field.data) if str(v) in keep]
        elif mine == before or mine == theirs:
            field.data = theirs_field.data
        elif theirs != before:
            conflicts.append(Conflict(field.name, str(field.label.text), shown_value(field, before),
                                      shown_value(field, theirs), shown_value(field, mine)))
    return tuple(conflicts)


def _typed(theirs: list | None, mine: list | None) -> list:
    """The union of both lists' values, as the field holds them."""
    found = {}
    for value in [*(theirs or []), *(mine or [])]:
        found.setdefault(str(value), value)
    return list(found.values())


def email_address(form, field) -> None:
    """Something, an @, a dotted domain after it, no spaces: enough for a sign-in name.

    Not WTForms' ``Email()``: that needs the ``email_validator`` package, which is not a dependency
    (without it every submitted form raised an exception), and nothing here sends mail to the address.
    """
    value = field.data or ""
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in value):
        raise ValidationError(_l("Enter an e-mail address, e.g. name@example.org."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token of a confirmed destructive action."""


def save_form(form: FlaskForm | None, change: Callable[[], object], *, stale_message: str | None = None,
              current_version: Callable[[], int] | None = None) -> bool:
    """Run ``change`` and flush it; True when it holds (the request shell commits it once the view answered,
    ``shell.py``).

    When an operation refuses the change (a rule, or a version someone else has since changed), the
    transaction is rolled back, nothing is saved, the form keeps the user's input and says why: at the
    field a rule names, or at the top. A stale form takes the current version, so a second save goes through.
    When the database refuses it (a unique index: the same thing saved twice at the same moment), likewise.
    Without a form (a button), the reason is flashed.
    """
    try:
        change()
        db.session.flush()
    except RuleViolation as violation:
        db.session.rollback()
        if form is None:
            flash(violation.message, "error")
        else:
            attach(form, violation)
        return False
    except stale_errors():
        db.session.rollback()
        flash(stale_message or gettext("Someone else changed this while you were editing. Your input is kept "
                                       "below; check it and save again."), "error")
        if current_version is not None:
            form.version.data = current_version()
        return False
    except IntegrityError:
        db.session.rollback()
        message = gettext("This was not saved: it would clash with something already there, perhaps saved by "
                          "someone else at the same moment. Check the page and try again.")
        if form is None:
            flash(message, "error")
        else:
            form.form_errors.append(message)
        return False
    return True


def save_edit(form: VersionedForm, change: Callable[[], object], *, latest: Callable[[], VersionedForm],
              noun: str) -> bool:
    """Save an edit of a record without losing anyone's work; True when saved.

    ``latest`` fills a form from the record as it is now. A form based on an older version is merged into it field
    by field (:func:`merge`): without a conflict the merge is saved and the person told that both changes were kept;
    with one, nothing is saved, the form shows the fields both changed side by side (before, theirs, mine) and asks
    which to keep. ``noun`` names the record in messages ("this item", "this mission").
    """
    now = latest()
    base, still_open = form.remembered()
    chosen = {c.name: request.form.get(f"keep-{c.name}") for c in still_open}
    merged = False
    if form.version_value() != now.version_value():
        # Saved again meanwhile: a field the person chose the others' value for is theirs now too; one still open
        # stays open, whatever the merge says.
        for name, choice in chosen.items():
            if choice == "theirs":
                form[name].data = now[name].data
        conflicts = merge(form, now)
        conflicts += tuple(c for c in still_open if chosen[c.name] not in ("theirs", "mine")
                           and c.name not in {k.name for k in conflicts})
        form.version.data = now.version.data
        now.remember(conflicts)
        form.base.data = now.base.data
        if conflicts:
            form.conflicts = conflicts
            form.form_errors.append(gettext(
                "Someone else changed %(noun)s while you were editing, in fields you changed too. Nothing is "
                "saved yet: choose below which value to keep for each.", noun=noun))
            return False
        # Told only when others changed something the form shows, not when the record's version moved by itself
        # (an account's sign-in, an item's field this form does not edit).
        merged = base is None or any(plain(f.data) != base.get(f.name) for f in now.merged_fields())
    elif still_open:
        if any(choice not in ("theirs", "mine") for choice in chosen.values()):
            form.conflicts = still_open
            form.form_errors.append(gettext("Choose which value to keep for each field that was changed twice."))
            return False
        for name, choice in chosen.items():
            if choice == "theirs":
                form[name].data = now[name].data
    saved = save_form(form, change, stale_message=gettext(
        "Someone else saved %(noun)s at the same moment. Your input is kept below; save again to merge it.",
        noun=noun), current_version=lambda: now.version.data)
    if saved and merged:
        flash(gettext("Someone else changed %(noun)s while you were editing: their changes and yours are both "
                      "kept.", noun=noun), "info")
    return saved
