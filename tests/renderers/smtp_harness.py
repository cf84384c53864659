"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it accepts."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes  # as it came over the wire
    login: str | None  # the user the client logged in as, if it did


@dataclass
class Inbox:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[ReceivedMessage] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (user, password) of every attempt

    async def handle_DATA(self, server, session, envelope) -> str:
        # Runs before the server answers 250, so a test can assert right after the client returns.
        login = session.login_data.decode() if session.authenticated else None
        parsed = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(
            ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), parsed, envelope.content, login)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd's Controller cannot bind port 0 (it connects to the port it was given to check readiness).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def password_checker(inbox: Inbox, user: str, password: str):
    """An aiosmtpd authenticator that accepts exactly (user, password) and records every attempt."""

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        attempt = (auth_data.login.decode(), auth_data.password.decode())
        inbox.logins.append(attempt)
        if attempt != (user, password):
            return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd answers 535 itself
        return AuthResult(success=True, auth_data=auth_data)

    return authenticate


@contextmanager
def smtp_server(
    *,
    credentials: tuple[str, str] | None = None,
    tls_context: ssl.SSLContext | None = None,
    implicit_tls: bool = False,
    auth_require_tls: bool = True,
) -> Iterator[Inbox]:
    """Run a server for the ``with`` block. With ``credentials`` it requires AUTH; with ``tls_context`` it
    offers STARTTLS (and, by aiosmtpd's default, allows AUTH only after it), or with ``implicit_tls`` speaks
    TLS from the first byte (SMTPS)."""
    inbox = Inbox(port=free_port())
    options: dict = {"auth_require_tls": auth_require_tls}
    options |= {"ssl_context": tls_context} if implicit_tls else {"tls_context": tls_context}
    if credentials:
        options |= {"auth_required": True, "authenticator": password_checker(inbox, *credentials)}
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
