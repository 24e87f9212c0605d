"""Sending notices over SMTP (``MAIL_URL``), with the standard library: ``flask notify`` calls :func:`send_due`.

Each notice is claimed before the mail server hears of it: an UPDATE that takes it only when no other run holds it,
committed before the SMTP conversation, so that two runs at once never both send it. Once the server accepted it,
it is marked sent (a notice whose person's roles no longer admit them to its page is deleted instead). When the
server refuses, or cannot be reached, the notice is let go with its next attempt later
(doubling from a minute, at most six hours) and the server's answer code kept (never an address or content). A run
that dies after the server accepted but before marking it leaves its claim; once the claim is old
(``queries.CLAIM_EXPIRES``) another run sends it again, with the same Message-ID (``<notice-<id>@<host>>``), so that
the receiving side can drop the copy.

The password in ``MAIL_URL`` is never written anywhere: not in the notice, the output or a log.
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import delete, update

from ..commit import commit
from ..extensions import db
from ..timeutil import now_utc
from .models import Notice
from .queries import due_ids, is_free
from .rendering import base_url, render

#: The first retry waits this long; each further one twice as long as the one before, at most ``LONGEST_WAIT``.
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
#: How long a conversation with the mail server may stall before the run gives up on it.
TIMEOUT = 30

SCHEMES = {"smtp": 587, "smtps": 465, "smtp+plain": 25}


class MailSettingError(ValueError):
    """MAIL_URL cannot be used; the message never repeats the URL (it may hold a password)."""


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> MailServer:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise MailSettingError("MAIL_URL is not a URL of the form smtp://host:587") from None
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise MailSettingError("MAIL_URL must start with smtp://, smtps:// or smtp+plain:// and name a host")
        return cls(parts.scheme, parts.hostname, port or SCHEMES[parts.scheme],
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)

    def connect(self) -> smtplib.SMTP:
        """A signed-in connection: TLS from the start (smtps), STARTTLS required (smtp), or none (smtp+plain)."""
        if self.scheme == "smtps":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
            if self.scheme == "smtp":
                connection.starttls(context=ssl.create_default_context())
        if self.user:
            connection.login(self.user, self.password or "")
        return connection


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    #: The kinds of failure met (answer codes, exception names): nothing of an address or a message.
    problems: tuple[str, ...] = ()


def wait_after(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed: 1, 2, 4 … minutes, at most six hours."""
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def message_id(notice_id: int) -> str:
    """The same for every attempt at one notice: a copy sent twice can be recognised by the receiving side."""
    return f"<notice-{notice_id}@{urlsplit(base_url()).hostname or 'localhost'}>"


def message_of(notice: Notice, now: datetime) -> EmailMessage:
    """The e-mail of ``notice``: fixed wording, its dates and link, in its person's language (plain text)."""
    rendered = render(notice)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = notice.user.email
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(notice.id)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.body)
    message["Content-Language"] = notice.user.language  # after the content, which sets the Content-* headers anew
    return message


def claim(notice_id: int, now: datetime) -> str | None:
    """Take the notice for this run (committed): its token, or None when it is sent, not due, or another run has
    it."""
    token = secrets.token_hex(16)
    table = Notice.__table__
    taken = db.session.execute(
        update(table).where(table.c.id == notice_id, table.c.sent_at.is_(None), table.c.next_attempt_at <= now,
                            is_free(now))
        .values(claimed_at=now, claim_token=token, attempts=table.c.attempts + 1)).rowcount
    commit()
    return token if taken == 1 else None


def _settle(notice_id: int, token: str, **values) -> None:
    table = Notice.__table__
    db.session.execute(update(table).where(table.c.id == notice_id, table.c.claim_token == token).values(**values))
    commit()


def _problem(error: Exception) -> str:
    """What went wrong, as the server's answer code or the kind of failure: never the server's text, which may
    repeat an address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return "SMTP " + ",".join(map(str, codes)) + " (recipient refused)"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}"
    return type(error).__name__


def send_due(server: MailServer, limit: int = 500) -> Outcome:
    """Send every notice that is due, each claimed first; a failure schedules its next attempt. When the server
    cannot be reached (or refuses the sign-in), the run stops there: the rest wait for the next run, untouched."""
    outcome = Outcome()
    problems: list[str] = []
    connection: smtplib.SMTP | None = None
    ids = due_ids(now_utc(), limit)
    db.session.rollback()  # nothing was written: end the reading transaction before the claims
    try:
        for notice_id in ids:
            now = now_utc()
            token = claim(notice_id, now)
            if token is None:
                continue
            notice = db.session.get(Notice, notice_id)
            if not notice.notice_kind.for_user(notice.user):  # their roles changed since: it is no longer theirs
                db.session.execute(delete(Notice).where(Notice.id == notice_id, Notice.claim_token == token))
                commit()
                continue
            message, attempts = message_of(notice, now), notice.attempts
            try:
                if connection is None:
                    connection = server.connect()
            except (smtplib.SMTPException, OSError) as error:
                problems.append(_let_go(notice_id, token, attempts, error))
                outcome.failed += 1
                break
            try:
                connection.send_message(message)
            except (smtplib.SMTPException, OSError) as error:
                _close(connection)
                connection = None
                problems.append(_let_go(notice_id, token, attempts, error))
                outcome.failed += 1
                continue
            _settle(notice_id, token, sent_at=now_utc(), last_error="")
            outcome.sent += 1
    finally:
        if connection is not None:
            _close(connection)
    outcome.problems = tuple(sorted(set(problems)))
    return outcome


def _let_go(notice_id: int, token: str, attempts: int, error: Exception) -> str:
    """Release a notice that was not sent, with its next attempt later and what went wrong; returns that."""
    problem = _problem(error)
    _settle(notice_id, token, claimed_at=None, claim_token=None, last_error=problem,
            next_attempt_at=now_utc() + wait_after(attempts))
    return problem


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
