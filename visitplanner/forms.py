"""Form pieces shared by several areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, widgets
from wtforms.validators import InputRequired, ValidationError

from .timeutil import is_known_timezone


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes: usable without JavaScript, unlike a multiple select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class VersionedForm(FlaskForm):
    """A form that edits a record carries the version it was based on."""

    version = HiddenField()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def known_timezone(form, field) -> None:
    if not is_known_timezone((field.data or "").strip()):
        raise ValidationError(_l("Unknown time zone. Use an IANA name such as Europe/Amsterdam or Asia/Shanghai."))


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


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token of a confirmed destructive action."""


required = InputRequired
