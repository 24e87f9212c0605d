"""Form pieces shared by several areas."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
    """A form that edits a record carries the version it was based on."""

    version = HiddenField()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


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
