"""Feed tokens never appear in logs: every /feeds/<token> is written as /feeds/***."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"/feeds/[^/\s?\"']+")


def mask(text: str) -> str:
    return _TOKEN.sub("/feeds/***", text)


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
