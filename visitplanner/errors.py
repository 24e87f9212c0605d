"""Exceptions that operations raise when a change is refused."""

from __future__ import annotations


class RuleViolation(Exception):
    """A change breaks a domain rule; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(Exception):
    """The record changed since the form was opened; saving would overwrite someone's work."""


def attach(form, violation: RuleViolation) -> None:
    """Show a rule violation at its field (or at the top of the form)."""
    field = getattr(form, violation.field, None) if violation.field else None
    if field is not None:
        field.errors = list(field.errors) + [violation.message]
    else:
        form.form_errors.append(violation.message)


def stale_errors() -> tuple[type[Exception], ...]:
    """Our own stale-version check, and SQLAlchemy's when two saves race past it."""
    from sqlalchemy.orm.exc import StaleDataError

    return (StaleEdit, StaleDataError)
