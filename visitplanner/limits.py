"""Rate limits shared by every worker and every instance: the counts live in RATELIMIT_STORAGE_URI (Redis in
production; memory for a single `make run` process).

Sign-in counts failures only (a wrong password, a wrong second-factor code), per client address and per address
and account together, over growing windows: after five failures in a minute that address waits for the minute to
pass, after ten in an hour for the hour, after twenty in a day for the day. Wrong second-factor codes (at sign-in
and at the re-check before a high-risk download) are also counted per account, from every address together: after
ten in an hour the account's second step waits for the hour, after twenty in a day for the day, the right code
refused too. Only someone who gave the right password reaches that step, so a wrong password never counts there:
nobody without the password can make an account wait, and the first step is never locked. Feeds count every fetch
per token.

When the shared storage cannot be reached (Redis down), counting goes on in this process's memory, and is logged:
losing Redis must not stop signing in or fetching a feed. Flask-Limiter's own in-memory fallback would never engage
here, since these limits call the storage directly rather than through its decorators.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter

if TYPE_CHECKING:
    from .auth.models import User

#: Failed sign-ins from one address, whatever the account.
SIGN_IN_BY_ADDRESS = parse_many("20 per minute; 100 per hour; 300 per day")
#: Failed sign-ins from one address for one account: the growing delays a guesser meets.
SIGN_IN_BY_ACCOUNT = parse_many("5 per minute; 10 per hour; 20 per day")
#: Wrong second-factor codes for one account, from every address together: someone who has the password cannot
#: spread their guesses over many addresses.
SECOND_FACTOR_BY_ACCOUNT = parse_many("10 per hour; 20 per day")
#: Fetches of one feed: calendar services poll every few minutes at most.
FEED_BY_TOKEN = parse_many("30 per minute; 300 per hour")

EXTENSION = "visitplanner.limiter"
#: This process's own counts, used while the shared storage cannot be reached.
FALLBACK = "visitplanner.limiter-fallback"

log = logging.getLogger(__name__)
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """One limiter per application (Flask-Limiter keeps its storage on the instance)."""
    app.extensions[EXTENSION] = Limiter(key_func=get_remote_address, app=app,
                                        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                                        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "visitplanner"))


def _strategy() -> RateLimiter:
    return current_app.extensions[EXTENSION].limiter


def _fallback(shared: RateLimiter) -> RateLimiter:
    """The same strategy on this process's memory, made once per application."""
    fallback = current_app.extensions.get(FALLBACK)
    if fallback is None:
        fallback = current_app.extensions[FALLBACK] = type(shared)(MemoryStorage())
    return fallback


def _counted(call: Callable[[RateLimiter], T]) -> T:
    """``call`` on the shared counts; when their storage cannot be reached, on this process's own."""
    shared = _strategy()
    try:
        return call(shared)
    except shared.storage.base_exceptions as error:
        log.warning("the rate-limit storage (RATELIMIT_STORAGE_URI) could not be reached (%s): counting in this "
                    "process's memory", type(error).__name__)
        return call(_fallback(shared))


def _key(*parts: str) -> tuple[str, ...]:
    """Keys hold no address or e-mail in clear: the store may be shared or dumped."""
    return tuple(hashlib.sha256(p.strip().lower().encode()).hexdigest()[:32] for p in parts)


def _within(limits: list[RateLimitItem], *parts: str) -> bool:
    key = _key(*parts)
    return _counted(lambda strategy: all(strategy.test(limit, *key) for limit in limits))


def _hit(limits: list[RateLimitItem], *parts: str) -> None:
    key = _key(*parts)
    _counted(lambda strategy: [strategy.hit(limit, *key) for limit in limits])


def sign_in_allowed(address: str, email: str) -> bool:
    """Whether another sign-in may be tried from ``address`` for ``email`` now."""
    return _within(SIGN_IN_BY_ADDRESS, "sign-in", address) and _within(SIGN_IN_BY_ACCOUNT, "sign-in", address, email)


def count_failed_sign_in(address: str, email: str) -> None:
    """A wrong password or second-factor code: it counts for the address, and for the address and account."""
    _hit(SIGN_IN_BY_ADDRESS, "sign-in", address)
    _hit(SIGN_IN_BY_ACCOUNT, "sign-in", address, email)


def second_factor_allowed(address: str, user: User) -> bool:
    """Whether another second-factor code may be tried from ``address`` for ``user`` now."""
    return sign_in_allowed(address, user.email) and _within(SECOND_FACTOR_BY_ACCOUNT, "second-factor", str(user.id))


def count_failed_second_factor(address: str, user: User) -> None:
    """A wrong second-factor code: it counts as a failed sign-in, and for the account from every address."""
    count_failed_sign_in(address, user.email)
    _hit(SECOND_FACTOR_BY_ACCOUNT, "second-factor", str(user.id))


def feed_fetch_allowed(token: str) -> bool:
    """Count a fetch of the feed with this token; False once it fetched too often."""
    key = _key("feed", token)
    return _counted(lambda strategy: all([strategy.hit(limit, *key) for limit in FEED_BY_TOKEN]))


def reset() -> None:
    """Forget every count (tests, between scenarios)."""
    current_app.extensions[EXTENSION].reset()
    current_app.extensions.pop(FALLBACK, None)
