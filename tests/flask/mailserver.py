"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd's Controller), optionally offering STARTTLS."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every received mail (parsed) and whether it came over TLS."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Store the mail."""
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.tls.append(session.ssl is not None)
        return "250 OK"


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with Debian's openssl."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class MailServer:
    """Start and stop an SMTP server on one fixed port (so a stopped server can come back on the same URL)."""

    def __init__(self, port: int | None = None, tls: tuple[Path, Path] | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.tls = tls
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        """The POKJA_SMTP_URL of this server."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen on 127.0.0.1."""
        kwargs: dict[str, Any] = {}
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            kwargs = {"tls_context": context, "require_starttls": True}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
