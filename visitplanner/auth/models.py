"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..enums import LabelledEnum
from ..extensions import db
from ..facts import created, facts, revision_counter, row_id, version_counter
from ..personal_data import USER, Category, personal
from ..timeutil import UTCDateTime, now_utc


@cache
def _hasher_with(parameters: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(parameters))


def _hasher() -> PasswordHasher:
    """argon2id with the library's default profile (RFC 9106, low memory); ``ARGON2_PARAMETERS`` may set another
    (the tests use a cheap one: checking a password costs no time there, except in the one test of the real one)."""
    parameters = current_app.config.get("ARGON2_PARAMETERS") if has_app_context() else None
    return _hasher_with(tuple(sorted((parameters or {}).items())))


class Role(LabelledEnum):
    __fields__ = ("role_names",)

    ADMIN = "administrator"
    PROTOCOL = "protocol_officer"
    ADVISOR = "hr_advisor"
    APPROVER = "approver"
    DELEGATE = "delegate"

    __labels__ = {
        ADMIN: _l("Administrator"),
        PROTOCOL: _l("Protocol officer"),
        ADVISOR: _l("Human-rights advisor"),
        APPROVER: _l("Approver"),
        DELEGATE: _l("Delegation member"),
    }

#: What an account holds of its person: sign-in, roles, second factor.
ACCOUNT = personal(Category.ACCOUNT, USER)

class HoldsRoles:
    """What roles say of whoever holds them (``role_names``): an account, or the owner of a feed as a revalidation
    reads it (``calendar/queries.py``)."""

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_names.intersection(roles))


class User(HoldsRoles, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: Stored lower-case; unique.
    email: Mapped[str] = mapped_column(String(254), unique=True, info=facts(
        ignored="the sign-in name: shown on the accounts page only, never of a mission", fingerprint=False,
        privacy=ACCOUNT, audit=_l("E-mail address")))
    #: Named in the programme where the person attends, on the pages of the missions they sign or own.
    name: Mapped[str] = mapped_column(String(200), info=facts(
        raises=True, fingerprint=False, privacy=personal(Category.IDENTITY, USER), audit=_l("Name")))
    password_hash: Mapped[str] = mapped_column(String(255), info=facts(
        ignored="a secret: never shown", fingerprint=False, privacy=ACCOUNT, audit=False))
    active: Mapped[bool] = mapped_column(default=True, info=facts(
        raises=True, fingerprint=False, privacy=ACCOUNT, audit=_l("Account active"), events=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(ACCOUNT))
    #: The language the person's e-mail notices are written in (``nl`` or ``en``), set on their account page.
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl", info=facts(
        ignored="the language of the person's own notices: in no page, feed or sign-off of a mission",
        fingerprint=False, privacy=ACCOUNT, audit=_l("Language of notices")))
    version: Mapped[int] = mapped_column(default=1, info=version_counter())
    #: The TOTP secret (base32) of the person's authenticator app; None until they enrol (auth/second_factor.py).
    #: The second factor's shared secret, encrypted at rest (``crypto``): a copy of the database cannot make codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("users.totp_secret"), info=facts(
        ignored="a secret of the second factor: never shown", fingerprint=False, privacy=ACCOUNT, audit=False))
    #: The last time step a code was accepted for: a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, info=facts(
        ignored="second-factor bookkeeping: never shown of a mission", fingerprint=False, privacy=ACCOUNT,
        audit=False))
    #: Sessions carry the generation they began in; raising it ends them all (sign-out, password, roles, disabling).
    session_generation: Mapped[int] = mapped_column(default=0, info=facts(
        ignored="ends the person's sessions: never shown of a mission", fingerprint=False, privacy=ACCOUNT,
        audit=False))
    #: Raised when what the person's own feeds may cover changes: roles, active, delegations (revisions.py).
    revision: Mapped[int] = mapped_column(default=0, info=revision_counter())
    #: Milliseconds since 1970 (UTC) of the latest revision, strictly rising: what Last-Modified derives from.
    revised_ms: Mapped[int] = mapped_column(BigInteger, default=0, info=revision_counter())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_names(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.roles = [r for r in self.roles if Role(r.role) in wanted] + [
            UserRole(role=r.value) for r in sorted(wanted - self.role_names)
        ]


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN ({})".format(", ".join(f"'{r.value}'" for r in Role)), name="known_role"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, info=facts(
        raises=True, fingerprint=False, privacy=ACCOUNT, audit=False))
    #: Audited with the account, as its ``role_names``.
    role: Mapped[str] = mapped_column(String(32), primary_key=True, info=facts(
        raises=True, fingerprint=False, privacy=ACCOUNT, audit=False))

    user: Mapped[User] = relationship(back_populates="roles")


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("visitplanner-timing-equaliser")


def check_dummy_password() -> None:
    """Spend the time of a real check, so that unknown e-mail addresses are not revealed by timing."""
    hasher = _hasher()
    try:
        hasher.verify(_dummy_hash(hasher), "not the password")
    except VerificationError:
        pass
