"""Test sends: one rendered email as a real MIME message, delivered over SMTP.

``build_message`` turns a :class:`~renderers.model.RenderedEmail` into a multipart/alternative message
(text first, HTML last, so clients that can show HTML prefer it). The recipient is always the address the
caller names, never ``email.to``: a test send must not reach the customer. ``send`` delivers it to the
configured server (plain, STARTTLS or implicit TLS, optional login) and turns the usual ways that fails into
one :class:`DeliveryError` with a message a person can act on.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from html import escape
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from renderers.model import RenderedEmail

# RFC 5322 allows 998 characters per line. At the usual 78, Python turns a header it cannot fold, such as
# List-Unsubscribe's one long URL, into an RFC 2047 encoded word, which mail clients do not decode there.
MESSAGE_POLICY = SMTP_POLICY.clone(max_line_length=998)

# Headers build_message sets itself. A template's extra headers must not replace them: above all, no
# header may put the customer's own address on a test send.
RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "sender", "subject", "date", "message-id", "mime-version", "content-type"}
)


class DeliveryError(Exception):
    """The message could not be delivered; ``str()`` says why in words meant for the person who ran it."""


class SmtpServer(Protocol):
    """The fields of ``orchestration.settings.EmailSettings`` that ``send`` reads."""

    smtp_host: str
    smtp_port: int
    smtp_security: str  # none | starttls | ssl
    smtp_user: str | None
    smtp_password: str | None


TEST_SEND_TOKEN = "test-send"  # never a real token (those are 64 hex digits): clicking it unsubscribes nobody


def without_real_unsubscribe(email: RenderedEmail) -> RenderedEmail:
    """The email with the customer's unsubscribe URL replaced, in every part and header, by one carrying
    TEST_SEND_TOKEN: a tester who clicks (or one-click-posts) a test send must not unsubscribe the customer."""
    real = email.unsubscribe_url
    inert = real.split("?", 1)[0] + "?token=" + TEST_SEND_TOKEN
    return replace(
        email,
        html=email.html.replace(real, inert).replace(escape(real), escape(inert)),
        text=email.text.replace(real, inert),
        unsubscribe_url=inert,
        headers={name: value.replace(real, inert) for name, value in (email.headers or {}).items()},
    )


def build_message(email: RenderedEmail, sender: str, to: str) -> EmailMessage:
    """A multipart/alternative (text + HTML, UTF-8) message of ``email`` from ``sender`` to ``to`` only."""
    recipient = _single_address(to)
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = email.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    for name, value in _extra_headers(email).items():
        message[name] = value
    message.set_content(email.text, subtype="plain", charset="utf-8")
    message.add_alternative(email.html, subtype="html", charset="utf-8")
    return message


def _extra_headers(email: RenderedEmail) -> dict[str, str]:
    headers = {
        "X-Tailor-Campaign": email.campaign,
        "X-Tailor-Variant": email.variant,
        "X-Tailor-Person": email.person_id,
        "X-Tailor-Template-Version": email.template_version,
        "X-Tailor-Run": email.run_id,
    }
    rendered: Mapping[str, str] = email.headers or {}
    headers.update({k: v for k, v in rendered.items() if k.lower() not in RESERVED_HEADERS})
    return headers


def _single_address(to: str) -> str:
    addresses = [addr for _, addr in getaddresses([to]) if addr]
    if len(addresses) != 1 or "@" not in addresses[0]:
        raise DeliveryError(f"the recipient must be exactly one email address, not {to!r}")
    try:
        Address(addr_spec=addresses[0])
    except (ValueError, IndexError) as exc:  # the header parser raises IndexError on some garbage
        raise DeliveryError(f"the recipient {to!r} is not a valid email address") from exc
    return to.strip()


def _domain_of(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None


def envelope_recipients(message: EmailMessage) -> list[str]:
    """The addresses in ``To`` (build_message sets no Cc or Bcc): the only ones the server is given."""
    return [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]


def send(message: EmailMessage, server: SmtpServer, *, timeout: float = 30.0) -> None:
    """Deliver ``message`` to its ``To`` address(es) through ``server``; raise DeliveryError on failure."""
    host, port, security = server.smtp_host, server.smtp_port, server.smtp_security
    where = f"{host}:{port}"
    if security not in ("none", "starttls", "ssl"):
        raise DeliveryError(f"unknown SMTP security {security!r} (none, starttls or ssl)")
    if server.smtp_user and server.smtp_password is None:
        raise DeliveryError(f"an SMTP user ({server.smtp_user!r}) is set but no password")
    sender = parseaddr(message["From"])[1]
    recipients = envelope_recipients(message)
    try:
        with _connect(host, port, security, timeout) as smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if server.smtp_user:
                _login(smtp, server.smtp_user, server.smtp_password or "")
            smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    except ConnectionRefusedError as exc:
        raise DeliveryError(f"cannot connect to the SMTP server {where}: connection refused") from exc
    except socket.gaierror as exc:
        raise DeliveryError(f"cannot resolve the SMTP host {host!r}: {exc.strerror}") from exc
    except TimeoutError as exc:
        raise DeliveryError(f"the SMTP server {where} did not answer within {timeout:g} s") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"the SMTP server {where} rejected the login of user {server.smtp_user!r}: {_reply(exc)}"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        hint = " (many servers offer it only after STARTTLS)" if security == "none" else ""
        raise DeliveryError(f"the SMTP server {where} does not support {exc}{hint}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(f"{addr}: {_reply_parts(*reply)}" for addr, reply in exc.recipients.items())
        raise DeliveryError(f"the SMTP server {where} refused the recipient ({refused})") from exc
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise DeliveryError(f"the SMTP server {where} refused the message: {_reply(exc)}") from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise DeliveryError(f"the SMTP server {where} closed the connection: {exc}") from exc
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS with the SMTP server {where} failed: {exc.reason or exc}") from exc
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP error with {where}: {exc}") from exc
    except OSError as exc:
        raise DeliveryError(f"cannot connect to the SMTP server {where}: {exc.strerror or exc}") from exc


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    try:
        smtp.login(user, password)
    except UnicodeEncodeError as exc:  # smtplib sends credentials as ASCII
        raise DeliveryError("the SMTP user name and password must be ASCII (smtplib sends them so)") from exc


def _connect(host: str, port: int, security: str, timeout: float) -> smtplib.SMTP:
    if security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    return smtplib.SMTP(host, port, timeout=timeout)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _reply_parts(exc.smtp_code, exc.smtp_error)


def _reply_parts(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
