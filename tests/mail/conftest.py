"""A real SMTP server (aiosmtpd) on a free loopback port, and a sender pointed at it."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from tests.ci import require_module


class Inbox:
    """What the SMTP server received; ``refuse`` makes it answer with a code instead."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: list[str] = []  # replies for the next DATA commands, e.g. "451 busy"
        self.refuse_rcpt: list[str] = []  # replies for the next RCPT commands, e.g. "450 …"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            if self.refuse_rcpt:
                return self.refuse_rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(msg, EmailMessage)
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope went to ``address``."""
        return [m for m, (_, rcpt) in zip(self.messages, self.envelopes, strict=True)
                if address in rcpt]


def start_controller(handler: Any, **options: Any) -> tuple[Any, int]:
    """Start an aiosmtpd server for ``handler`` on a free loopback port; return it and the port.

    aiosmtpd needs a port number before it binds; a port another test worker takes in between
    makes start() fail, and then the next free one is tried.
    """
    controller_mod = require_module("aiosmtpd.controller")
    for attempt in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = controller_mod.Controller(handler, hostname="127.0.0.1", port=port,
                                               **options)
        try:
            controller.start()
            return controller, port
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """Yield ``(smtp_url, inbox)`` of a real SMTP server on 127.0.0.1."""
    inbox = Inbox()
    controller, port = start_controller(inbox)
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def text_of(msg: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(msg: EmailMessage) -> str:
    """The HTML part of a message."""
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
