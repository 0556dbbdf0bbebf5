"""A real SMTP server on loopback for the reminder tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import email
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from tests.oxigraph_server import free_port


@dataclass
class Mailbox:
    """What the server received: each message with its envelope."""

    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for _sender, rcpts, m in self.messages if address in rcpts]


@contextmanager
def smtp_server() -> Iterator[tuple[str, Mailbox]]:
    """An SMTP server on a free loopback port: yields its ``smtp://`` URL and its mailbox."""
    mailbox = Mailbox()
    for attempt in range(5):
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        try:
            controller.start()  # returns once the server answers
            break
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
    try:
        yield f"smtp://127.0.0.1:{controller.port}", mailbox
    finally:
        controller.stop()
