"""Feed tokens never appear in logs: every /feeds/<token> is written as /feeds/***, in every spelling.

A server decodes percent-encoded letters (``/%66eeds/``), an encoded slash (``/feeds%2F``) and merges doubled
slashes, in any case; a log line keeps the spelling that was sent. So the filter masks ``/feeds`` written in any of
those ways, and everything after it up to the end of the path; and the application serves only the literal
spelling ``/feeds/<token>.ics`` (``literal_feed_paths_only``), so that a link in another spelling does not work.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit


def _any_spelling(text: str) -> str:
    """A pattern for ``text`` in any case, each character as it is or percent-encoded, once or more (``%2566`` is
    ``%66`` encoded again; ``%46`` is ``F``); used with IGNORECASE, which covers the case of the hex digits."""
    def one(c: str) -> str:
        codes = "|".join(sorted({f"{ord(c.lower()):02x}", f"{ord(c.upper()):02x}"}))
        return f"(?:{re.escape(c)}|%(?:25)*(?:{codes}))"

    return "".join(one(c) for c in text)


_SLASH, _FEEDS = _any_spelling("/"), _any_spelling("feeds")
#: ``/feeds`` in every spelling, and the rest of the path after it (up to a space, a quote or the query). One slash
#: before it (of any number), so that the search stays linear in the length of the line.
FEED_PATH = re.compile(rf"{_SLASH}{_FEEDS}[^\s?\"']*", re.IGNORECASE)
#: A path that a server may route to a feed: it begins with slashes and ``feeds``, in every spelling.
_TO_A_FEED = re.compile(rf"{_SLASH}+{_FEEDS}", re.IGNORECASE)
#: The one spelling of a feed's address that is served: tokens are URL-safe base64 (``secrets.token_urlsafe``).
LITERAL_FEED_PATH = re.compile(r"/feeds/[A-Za-z0-9_-]+\.ics")
#: A request target in absolute form (``GET http://host/path``), which HTTP/1.1 servers must accept.
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def mask(text: str) -> str:
    return FEED_PATH.sub("/feeds/***", text)


def is_other_spelling_of_a_feed(raw_target: str, script_root: str = "") -> bool:
    """Whether the raw request target (as sent, before any decoding) names a feed, in a spelling other than the
    literal ``/feeds/<token>.ics``."""
    path = urlsplit(raw_target).path if _ABSOLUTE.match(raw_target) else raw_target.partition("?")[0]
    if script_root and path.startswith(script_root + "/"):
        path = path[len(script_root):]
    return _TO_A_FEED.match(path) is not None and LITERAL_FEED_PATH.fullmatch(path) is None


class MaskFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(str(record.msg))
        if isinstance(record.args, dict):
            # In place: gunicorn passes a dict subclass (SafeAtoms) that answers "-" for atoms it lacks.
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = mask(value)
        elif record.args:
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Mask tokens in the request logs of the development server and of gunicorn."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskFeedTokens) for f in logger.filters):
            logger.addFilter(MaskFeedTokens())
