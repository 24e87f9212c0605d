"""A second-factor code opens once, even when it is sent twice at the same moment (issue 21).

Two transactions try the same code for one account. The first uses it and keeps its transaction open until the
second has read the code as unused and sent its own write; only then does the first commit. Whatever the
database lets through after that, exactly one of them opens the account, and the other is told the code is
wrong (no error). Each attempt runs in a thread of its own, with its own app context, session and connection;
events, not waiting times, put them in that order.
"""

from __future__ import annotations

import threading
import time
import traceback

import pyotp
import pytest
from sqlalchemy import event, func, select

from visitplanner.audit.models import AuditEntry
from visitplanner.auth import second_factor
from visitplanner.auth.models import Role, User
from visitplanner.auth.operations import check_second_factor
from visitplanner.auth.second_factor import RecoveryCode
from visitplanner.commit import commit
from visitplanner.extensions import db

#: Only a guard against a hang: nothing in the test waits for a time to pass.
TIMEOUT = 30


def account_with_codes(app, make_user) -> tuple[int, str, list[str]]:
    """An approver with an authenticator app and ten recovery codes, none used yet."""
    with app.app_context():
        user = make_user(Role.APPROVER)
        secret = pyotp.random_base32()
        user.totp_secret = secret
        codes = second_factor.new_recovery_codes()
        second_factor.store_recovery_codes(user, codes)
        commit()
        return user.id, secret, codes


def still_unused(user: User, code: str, kind: str) -> bool:
    """Whether ``code`` reads as unused to this transaction."""
    if kind == "recovery":
        return db.session.scalar(select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == second_factor._hash(code),
            RecoveryCode.used_at.is_(None))) is not None
    step = second_factor.matching_step(user.totp_secret, code)
    return user.totp_last_step is None or step > user.totp_last_step


def both_at_once(app, user_id: int, code: str, kind: str) -> dict[str, bool]:
    """Try ``code`` in two transactions in the order above; whether each opened the account."""
    first_used, second_writing = threading.Event(), threading.Event()
    opened: dict[str, bool] = {}
    errors: list[str] = []

    def first() -> None:
        try:
            with app.app_context():
                opened["first"] = check_second_factor(db.session.get(User, user_id), code)
                db.session.flush()
                first_used.set()
                assert second_writing.wait(TIMEOUT), "the second attempt never wrote"
                commit()
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            first_used.set()

    def second() -> None:
        me = threading.get_ident()

        def writing(conn, cursor, statement, parameters, context, executemany):
            if threading.get_ident() == me and statement.lstrip().upper().startswith("UPDATE"):
                second_writing.set()

        try:
            assert first_used.wait(TIMEOUT), "the first attempt never used the code"
            with app.app_context():
                user = db.session.get(User, user_id)
                assert still_unused(user, code, kind), "the second transaction saw the code unused"
                event.listen(db.engine, "before_cursor_execute", writing)
                try:
                    opened["second"] = check_second_factor(user, code)
                    commit()
                finally:
                    event.remove(db.engine, "before_cursor_execute", writing)
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            second_writing.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, "\n".join(errors)
    return opened


def test_a_recovery_code_sent_twice_at_once_opens_once(app, make_user):
    user_id, _, codes = account_with_codes(app, make_user)

    opened = both_at_once(app, user_id, codes[0], "recovery")

    assert opened == {"first": True, "second": False}
    with app.app_context():
        assert db.session.scalar(select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_not(None))) == 1
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == user_id,
                                                                     AuditEntry.action.like("user.%"))).all()
        assert sorted(actions) == ["user.recovery_code_used", "user.second_factor_failed"]


def test_an_app_code_sent_twice_at_once_opens_once(app, make_user):
    user_id, secret, _ = account_with_codes(app, make_user)
    code = pyotp.TOTP(secret).at(time.time())

    opened = both_at_once(app, user_id, code, "app")

    assert opened == {"first": True, "second": False}
    with app.app_context():
        assert db.session.get(User, user_id).totp_last_step == second_factor.matching_step(secret, code)


@pytest.mark.parametrize("kind", ["recovery", "app"])
def test_one_attempt_alone_still_opens(app, make_user, kind):
    user_id, secret, codes = account_with_codes(app, make_user)
    code = codes[1] if kind == "recovery" else pyotp.TOTP(secret).at(time.time())
    with app.app_context():
        assert check_second_factor(db.session.get(User, user_id), code)
        commit()
        assert not check_second_factor(db.session.get(User, user_id), code), "used up"
        commit()
