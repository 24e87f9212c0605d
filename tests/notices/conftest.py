"""A real mail server for the notices' tests: aiosmtpd on a free port, collecting what it accepts."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from support.smtp import Inbox, free_port


@pytest.fixture
def inbox(app, monkeypatch):
    """A mail server on a free port of this machine; MAIL_URL points at it (no TLS: a relay on this machine)."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp+plain://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "BASE_URL", "https://planner.example.nl")
    monkeypatch.setitem(app.config, "MAIL_FROM", "visitplanner@planner.example.nl")
    yield handler
    controller.stop()
