"""Changes to accounts. Each takes the acting user (None for the command line), flushes and audits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from ..audit.operations import changed, record, snapshot
from ..errors import RuleViolation, StaleEdit
from ..extensions import db
from ..messages import stored
from . import second_factor
from .models import Role, User, check_dummy_password

AUDITED = ("email", "name", "active", "role_names")
MIN_PASSWORD_LENGTH = 12


#: What an audit entry records of the sessions an account had, once they are ended: shown in the reader's language.
ENDED = stored("(ended)")

def _email_taken(email: str, except_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def _check_password(password: str) -> None:
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH), "password"
        )


def create_user(actor: User | None, *, email: str, name: str, password: str, roles) -> User:
    """Create an account with the given roles."""
    from flask_babel import gettext as _

    email = email.strip().lower()
    if _email_taken(email):
        raise RuleViolation(_("An account with this e-mail address already exists."), "email")
    if not roles:
        raise RuleViolation(_("Choose at least one role."), "roles")
    _check_password(password)
    user = User(email=email, name=name.strip())
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    record(actor, "user.create", user, label=user.email, changes=changed({}, snapshot(user, AUDITED)))
    return user


def update_user(
    actor: User | None, user: User, *, expected_version: int | None, email: str, name: str, roles,
    active: bool, password: str | None = None,
) -> User:
    """Change an account's details, roles, active flag, and optionally its password."""
    from flask_babel import gettext as _

    if expected_version is not None and expected_version != user.version:
        raise StaleEdit()
    email = email.strip().lower()
    if _email_taken(email, except_id=user.id):
        raise RuleViolation(_("An account with this e-mail address already exists."), "email")
    if not roles:
        raise RuleViolation(_("Choose at least one role."), "roles")
    if actor is not None and actor.id == user.id and (not active or Role.ADMIN not in set(roles)):
        raise RuleViolation(_("You cannot disable your own account or take away your own administrator role."), "roles")
    before = snapshot(user, AUDITED)
    user.email, user.name, user.active = email, name.strip(), active
    user.set_roles(roles)
    changes = changed(before, snapshot(user, AUDITED))
    ends_sessions = bool({"active", "role_names"} & set(changes)) or bool(password)
    if password:
        _check_password(password)
        user.set_password(password)
        changes["password"] = ["", "(changed)"]
    if ends_sessions:  # what the person may do changed: their open sessions end with it
        user.session_generation += 1
        changes["sessions"] = ["", ENDED]
    if changes:
        # Roles live in their own table: touch the row so its version goes up with them.
        flag_modified(user, "email")
        record(actor, "user.update", user, label=user.email, changes=changes)
    return user


def end_sessions(actor: User, user: User) -> None:
    """End every session of ``user``, on every device, copies of the cookie included (sign-out, or an admin's)."""
    user.session_generation += 1
    db.session.flush()
    record(actor, "user.sessions_ended", user, label=user.email, changes={"sessions": ["", ENDED]})


def authenticate(email: str, password: str) -> User | None:
    """The active account these credentials open, or None.

    Unknown addresses, wrong passwords and disabled accounts all take the time of a password check and give None,
    so that nothing tells them apart. Each wrong password for an existing account is audited; the rate limits
    (visitplanner/limits.py), not a lock on the account, slow a guesser down. Flushes; the caller commits.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_dummy_password()
        return None
    if user.check_password(password) and user.active:
        return user
    record(None, "user.sign_in_failed", user, label=user.email)
    return None


def refuse_sign_in(email: str) -> None:
    """Too many failed sign-ins from here: spend the time of a check, and audit the refusal for an account."""
    check_dummy_password()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is not None:
        record(None, "user.sign_in_refused", user, label=user.email)


def enrol_second_factor(user: User, secret: str, code: str) -> list[str]:
    """Set up the authenticator app whose code proves ``secret`` was taken over; returns the ten recovery codes."""
    from flask_babel import gettext as _

    step = second_factor.matching_step(secret, code)
    if step is None:
        raise RuleViolation(_("This code does not match. Enter the six digits your app shows now."), "code")
    user.totp_secret, user.totp_last_step = secret, step
    codes = second_factor.new_recovery_codes()
    second_factor.store_recovery_codes(user, codes)
    db.session.flush()
    record(user, "user.second_factor_enrolled", user, label=user.email)
    return codes


def check_second_factor(user: User, code: str) -> bool:
    """Whether ``code`` (from the app, or a recovery code) opens the account now; each is accepted once. Audited."""
    step = second_factor.matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is not None and second_factor.use_step(user, step):
        return True
    if second_factor.use_recovery_code(user, code):
        record(user, "user.recovery_code_used", user, label=user.email,
               changes={"recovery_codes": ["", str(second_factor.unused_recovery_codes(user))]})
        return True
    record(None, "user.second_factor_failed", user, label=user.email)
    return False


def reset_second_factor(actor: User, user: User) -> None:
    """An administrator removes a person's second factor (a lost phone); they set it up again at their next
    sign-in, and every session of theirs ends now."""
    user.totp_secret = user.totp_last_step = None
    second_factor.store_recovery_codes(user, [])
    user.session_generation += 1
    db.session.flush()
    record(actor, "user.second_factor_reset", user, label=user.email, changes={"sessions": ["", ENDED]})
