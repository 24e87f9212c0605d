"""A real mail server for the tests: what aiosmtpd accepted (``Inbox``, its handler), and a free port to run it on."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage


class Inbox:
    """What the mail server accepted, and the answers it gives to the next messages before it accepts again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.envelopes = []
        #: Answers to give to the next DATA commands instead of accepting (e.g. "451 4.3.0 Try again later").
        self.refusals: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            self.envelopes.append(envelope)
        return "250 2.0.0 Accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]

    @property
    def raw(self) -> list[bytes]:
        with self.lock:
            return [e.content for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
