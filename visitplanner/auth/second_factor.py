"""A second factor for staff: a TOTP app (RFC 6238) and ten recovery codes.

Which roles must have one is `SECOND_FACTOR_ROLES` (default: administrator, human-rights advisor, approver: the
roles that see real names of civil-society participants, special-category data under GDPR Art. 9). Whoever has
enrolled is asked for a code at every sign-in. A code is accepted once: its time step must be later than the last
one used. Recovery codes are random (80 bits) and stored only as SHA-256 hashes; each opens once. "Once" holds when
a code is sent twice at the same moment: using one is a compare-and-set in the database.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import ForeignKey, String, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..facts import facts
from ..personal_data import KEY
from ..timeutil import UTCDateTime, clock, now_utc
from .models import ACCOUNT, Role, User

RECOVERY_CODES = 10
ISSUER = "visitplanner"
#: Codes from this many 30-second steps before and after now are accepted (clocks drift).
DRIFT = 1


def _unseen(privacy) -> dict:
    return facts(ignored="second-factor secrets and bookkeeping: never shown of a mission", fingerprint=False,
                 privacy=privacy, audit=False)


class RecoveryCode(db.Model):
    """A one-time code that opens an account when its authenticator app is lost. Only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True, info=_unseen(KEY))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                         info=_unseen(ACCOUNT))
    code_hash: Mapped[str] = mapped_column(String(64), info=_unseen(ACCOUNT))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_unseen(ACCOUNT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=_unseen(ACCOUNT))


def required_for(user: User) -> bool:
    """Whether ``user`` must have a second factor: a role in SECOND_FACTOR_ROLES."""
    roles = {Role(r) for r in current_app.config.get("SECOND_FACTOR_ROLES", ())}
    return bool(user.role_names & roles)


def asked_of(user: User) -> bool:
    """Whether signing in as ``user`` asks for a code (or first sets one up)."""
    return user.totp_secret is not None or required_for(user)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config.get(
        "ORGANISATION_NAME", ISSUER))


def qr_code(uri: str) -> Markup:
    """The enrolment QR code as inline SVG: no JavaScript, no request to anyone else."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff",
                                                 title="QR code", svgclass="vp-qr")
    return Markup(svg)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose TOTP equals ``code`` (within the drift allowed), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now if now is not None else clock.timestamp())
    for candidate in range(step - DRIFT, step + DRIFT + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 characters (80 bits), in groups of four."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def store_recovery_codes(user: User, codes: list[str]) -> None:
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)


def use_step(user: User, step: int) -> bool:
    """Whether the app code of time ``step`` is still unused for ``user``; if so it is used up now.

    One compare-and-set UPDATE: of two transactions that both read the step as unused, the database lets one
    write it and finds no row left for the other (PostgreSQL re-reads the row once the first commits; SQLite lets
    one writer at a time). A plain UPDATE on the connection: the column is bookkeeping that raises nothing
    (``revisions.py``), and it leaves the account's optimistic version as it is.
    """
    users = User.__table__
    taken = db.session.connection().execute(
        update(users).where(users.c.id == user.id,
                            or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step))
        .values(totp_last_step=step))
    if taken.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def use_recovery_code(user: User, code: str) -> bool:
    """Whether ``code`` is one of the user's unused recovery codes; if so it is used up now (a compare-and-set, as
    ``use_step``: a code sent twice at once opens once)."""
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    codes, now = RecoveryCode.__table__, now_utc()
    taken = db.session.connection().execute(
        update(codes).where(codes.c.id == found.id, codes.c.used_at.is_(None)).values(used_at=now))
    if taken.rowcount != 1:
        return False
    set_committed_value(found, "used_at", now)
    return True


def unused_recovery_codes(user: User) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
