"""Sending e-mail through the SMTP server named by ``CLAIMKB_SMTP_URL`` (the standard library's smtplib).

``smtp://host:port`` speaks plain SMTP and upgrades to TLS with STARTTLS when the server offers it;
``smtp+starttls://…`` insists on STARTTLS; ``smtps://…`` speaks TLS from the start (port 465 by
default). A user and password in the URL (``smtps://user:pass@host``, percent-encoded) log in.
No URL: no mail is sent, and the site says so.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from kb.errors import KBError

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 30.0  # seconds for each step of talking to the server


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """The server ``url`` names; a URL that is not one raises ``KBError`` naming the setting."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise KBError(
                "CLAIMKB_SMTP_URL must look like smtp://host:port, smtp+starttls://user:password@host:587 "
                "or smtps://user:password@host (not shown here: it may hold a password)."
            )
        try:
            port = parts.port or SCHEMES[parts.scheme]
        except ValueError:
            raise KBError("CLAIMKB_SMTP_URL has a port that is not a number.") from None
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def __str__(self) -> str:
        """The server without its password, for logs and pages."""
        who = f"{self.user}:***@" if self.user else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}"


class Mailer:
    """Sends messages through one SMTP server, opening a connection for each batch."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self.server = server
        self.sender = sender

    @classmethod
    def from_settings(cls, url: str | None, sender: str) -> Mailer | None:
        """The mailer ``CLAIMKB_SMTP_URL`` names, or ``None`` when it is empty (no mail)."""
        return cls(SmtpServer.from_url(url), sender) if url else None

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1].strip("> ") or None)
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a reminder
        message.set_content(body)
        return message

    def send(self, messages: list[EmailMessage]) -> None:
        """Send ``messages`` over one connection; raises ``smtplib.SMTPException`` or ``OSError``."""
        if not messages:
            return
        server = self.server
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if server.scheme == "smtps":
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if server.scheme == "smtp+starttls" or (server.scheme == "smtp" and client.has_extn("starttls")):
                client.starttls(context=context)
                client.ehlo()
            if server.user:
                client.login(server.user, server.password or "")
            for message in messages:
                client.send_message(message)
