"""Exceptions that operations raise when a change is refused."""

from __future__ import annotations


class RuleViolation(Exception):
    """A change breaks a domain rule; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        #: Every problem found in one pass (this one alone, unless raised with :meth:`of`).
        self.problems: tuple[RuleViolation, ...] = (self,)

    @classmethod
    def of(cls, problems: list[RuleViolation]) -> RuleViolation:
        """Several problems found at once, so that a form reports them all in one round; the first speaks for them
        where only one message fits."""
        first = problems[0]
        violation = cls(first.message, first.field)
        violation.problems = tuple(problems)
        return violation


class StaleEdit(Exception):
    """The record changed since the form was opened; saving would overwrite someone's work."""


def attach(form, violation: RuleViolation) -> None:
    """Show each problem of a rule violation at its field (or at the top of the form)."""
    for problem in violation.problems:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is not None:
            field.errors = list(field.errors) + [problem.message]
        else:
            form.form_errors.append(problem.message)


def stale_errors() -> tuple[type[Exception], ...]:
    """Our own stale-version check, and SQLAlchemy's when two saves race past it."""
    from sqlalchemy.orm.exc import StaleDataError

    return (StaleEdit, StaleDataError)
