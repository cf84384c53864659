"""Test sends over real SMTP: an aiosmtpd server on 127.0.0.1 receives what renderers.delivery sends."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import EmailSettings, load_settings
from renderers.delivery import DeliveryError, build_message, send
from renderers.model import RenderedEmail
from tests.renderers.smtp_harness import free_port, smtp_server
from tests.renderers.tailor_cli import tailor

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

CUSTOMER = "jurgen.jaeger@customer.example"
TESTER = "Qualitätsprüfung <qa@tailor.example>"
UNSUBSCRIBE = (
    "<https://example.com/unsubscribe?token=1a56870c36cb34493ae31d84ac08d01bd8a415b1f0d4b766f387fb79b31fc078>"
)


def rendered_email(**overrides) -> RenderedEmail:
    fields = {
        "to": CUSTOMER,
        "subject": "Jürgen, dein Warenkorb wartet – nicht mehr lange",
        "preheader": "Vela Biography Lite und 2 weitere Ideen für dich",
        "html": (
            '<html><body><div style="display:none">Vela Biography Lite und 2 weitere Ideen für dich</div>'
            "<p>Hallo Jürgen Jäger,</p><p>Vela Biography Lite – 23,99 €</p>"
            + "<p>x</p>" * 300
            + "</body></html>"
        ),
        "text": "Hallo Jürgen Jäger,\n\nVela Biography Lite – 23,99 €\n",
        "campaign": "campaign_abandoned_cart",
        "variant": "urgency",
        "template": "abandoned_cart",
        "template_version": "3f2a9c",
        "person_id": "p_7c5a04f4d71f6627",
        "segment_reason": "added Vela Biography Lite to the cart",
        "consent_snapshot_id": "e71ee808875f74dddf08face5e13c964",
        "run_id": "2026-11-30",
        "unsubscribe_url": "https://example.com/unsubscribe?token=1a56",
        "headers": {"List-Unsubscribe": UNSUBSCRIBE, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }
    return RenderedEmail(**(fields | overrides))


def unwrapped(content: str) -> str:
    return content.replace("\r\n", "\n").rstrip("\n")


def server_settings(port: int, **env: str):
    return load_settings({"TAILOR_SMTP_HOST": "127.0.0.1", "TAILOR_SMTP_PORT": str(port), **env}).email


def test_a_test_send_arrives_as_text_and_html_for_the_tester_only():
    email = rendered_email()
    sender = "tailor démo <news@example.com>"
    with smtp_server() as inbox:
        send(build_message(email, sender, TESTER), server_settings(inbox.port))

    [received] = inbox.messages
    assert received.rcpt_tos == ["qa@tailor.example"]  # the envelope: the customer is never a recipient
    assert received.mail_from == "news@example.com"
    message = received.message
    assert CUSTOMER not in message.as_string()
    assert message["To"] == TESTER
    assert message["From"] == sender
    assert message["Subject"] == email.subject
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    # Both parts travel in canonical form (CRLF line ends, a final line end); the rest arrives unchanged:
    # non-ASCII text, the hidden preheader, lines longer than SMTP's 998-character limit.
    assert unwrapped(text.get_content()) == unwrapped(email.text)
    assert unwrapped(html.get_content()) == unwrapped(email.html)
    assert email.preheader in html.get_content()
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    # Verbatim on the wire: clients read the URL from the raw header, they do not decode RFC 2047 words.
    assert f"\r\nList-Unsubscribe: {UNSUBSCRIBE}\r\n".encode() in received.raw
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (message["X-Tailor-Campaign"], message["X-Tailor-Variant"], message["X-Tailor-Person"]) == (
        "campaign_abandoned_cart",
        "urgency",
        "p_7c5a04f4d71f6627",
    )


def test_rendered_headers_cannot_change_the_recipient_or_the_subject():
    email = rendered_email(headers={"To": CUSTOMER, "Bcc": CUSTOMER, "Subject": "other", "X-Extra": "kept"})
    message = build_message(email, "news@example.com", "qa@tailor.example")
    assert message.get_all("To") == ["qa@tailor.example"]
    assert message["Bcc"] is None
    assert message["Subject"] == email.subject
    assert message["X-Extra"] == "kept"


@pytest.mark.parametrize("to", ["", "not an address", "a@example.com, b@example.com"])
def test_the_recipient_must_be_one_address(to):
    with pytest.raises(DeliveryError, match="recipient"):
        build_message(rendered_email(), "news@example.com", to)


def test_login_uses_the_credentials_from_the_environment():
    with smtp_server(credentials=("mailer", "s3cret"), auth_require_tls=False) as inbox:
        settings = server_settings(inbox.port, TAILOR_SMTP_USER="mailer", TAILOR_SMTP_PASSWORD="s3cret")
        send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), settings)
    assert inbox.logins == [("mailer", "s3cret")]
    assert [m.login for m in inbox.messages] == ["mailer"]


def test_a_wrong_password_is_a_clear_error():
    with smtp_server(credentials=("mailer", "right"), auth_require_tls=False) as inbox:
        settings = server_settings(inbox.port, TAILOR_SMTP_USER="mailer", TAILOR_SMTP_PASSWORD="wrong")
        with pytest.raises(DeliveryError, match=r"rejected the login of user 'mailer': 535"):
            send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), settings)
    assert inbox.messages == []


def test_login_without_tls_where_the_server_allows_auth_only_after_starttls():
    with smtp_server(credentials=("mailer", "pw")) as inbox:
        settings = server_settings(inbox.port, TAILOR_SMTP_USER="mailer", TAILOR_SMTP_PASSWORD="pw")
        with pytest.raises(DeliveryError, match="does not support .*AUTH.* after STARTTLS"):
            send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), settings)
    assert inbox.messages == []


def test_connection_refused_is_a_clear_error():
    port = free_port()  # nothing listens there
    with pytest.raises(
        DeliveryError, match=f"cannot connect to the SMTP server 127.0.0.1:{port}: connection refused"
    ):
        send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), server_settings(port))


@pytest.fixture(scope="module")
def self_signed_certificate(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate for the TLS tests")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_then_login(security, self_signed_certificate, monkeypatch):
    cert, key = self_signed_certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client verifies against the system store: ours
    implicit_tls = security == "ssl"
    # aiosmtpd 1.4 counts only STARTTLS as TLS for AUTH, so over implicit TLS it must allow AUTH "without" it.
    with smtp_server(
        credentials=("mailer", "pw"),
        tls_context=server_tls,
        implicit_tls=implicit_tls,
        auth_require_tls=not implicit_tls,
    ) as inbox:
        settings = server_settings(
            inbox.port, TAILOR_SMTP_SECURITY=security, TAILOR_SMTP_USER="mailer", TAILOR_SMTP_PASSWORD="pw"
        )
        send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), settings)
    assert [m.login for m in inbox.messages] == ["mailer"]


def test_an_untrusted_certificate_is_a_clear_error(self_signed_certificate):
    cert, key = self_signed_certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    with smtp_server(tls_context=server_tls) as inbox:
        settings = server_settings(inbox.port, TAILOR_SMTP_SECURITY="starttls")
        with pytest.raises(
            DeliveryError, match="TLS with the SMTP server .* failed: CERTIFICATE_VERIFY_FAILED"
        ):
            send(build_message(rendered_email(), "news@example.com", "qa@tailor.example"), settings)
    assert inbox.messages == []


# --- end to end: `tailor send-test` on the demo world's warehouse ---------------------------------------


def planned_row_with_non_ascii_name(home: Path) -> dict:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(
            "select * from campaigns.payload_inputs where regexp_matches(first_name || last_name, '[^\\x00-\\x7f]') "
            "order by person_id limit 1"
        )
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    finally:
        con.close()


def test_tailor_send_test_delivers_the_persons_preview_to_the_test_address(demo_world, tmp_path):
    home, _ = demo_world
    row = planned_row_with_non_ascii_name(home)
    preview = tailor(home, "preview", "--person", row["person_id"], "--out", str(tmp_path))
    assert preview.returncode == 0, preview.stderr
    summary = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))

    with smtp_server(credentials=("tailor-mailer", "from-the-env"), auth_require_tls=False) as inbox:
        completed = tailor(
            home,
            "send-test",
            "--person",
            row["person_id"],
            "--to",
            "qa@tailor.example",
            TAILOR_SMTP_HOST="127.0.0.1",
            TAILOR_SMTP_PORT=str(inbox.port),
            TAILOR_SMTP_USER="tailor-mailer",
            TAILOR_SMTP_PASSWORD="from-the-env",
            TAILOR_MAIL_FROM="Rücksendung Team <news@shop.example>",
        )
    assert completed.returncode == 0, completed.stderr
    assert "qa@tailor.example" in completed.stdout and row["email"] not in completed.stdout
    assert inbox.logins == [("tailor-mailer", "from-the-env")]
    [received] = inbox.messages
    assert received.rcpt_tos == ["qa@tailor.example"]
    assert received.login == "tailor-mailer"
    message = received.message
    assert row["email"] not in message.as_string()
    assert message["From"] == "Rücksendung Team <news@shop.example>"
    assert message["Subject"] == summary["subject"] == row["subject_line"]
    # The customer's real unsubscribe token never leaves in a test send: a tester's click must not
    # unsubscribe her. The link is there, and inert.
    real_unsubscribe = f"<{EmailSettings().unsubscribe_base_url}?token={row['unsubscribe_token']}>"
    assert summary["headers"]["List-Unsubscribe"] == real_unsubscribe
    assert row["unsubscribe_token"] not in received.raw.decode("utf-8", "replace")
    inert_unsubscribe = f"<{EmailSettings().unsubscribe_base_url}?token=test-send>"
    assert message["List-Unsubscribe"] == inert_unsubscribe
    assert f"\r\nList-Unsubscribe: {inert_unsubscribe}\r\n".encode() in received.raw
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Tailor-Person"] == row["person_id"]
    assert (message["X-Tailor-Campaign"], message["X-Tailor-Variant"]) == (row["campaign"], row["variant"])
    text, html = message.iter_parts()
    name = f"Hi {row['first_name']},"
    assert name in text.get_content() and name in html.get_content()
    assert row["product_1_name"] in text.get_content()
    preview = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")  # the same email, apart from the link
    assert unwrapped(html.get_content()) == unwrapped(preview).replace(row["unsubscribe_token"], "test-send")
    assert summary["preheader"] in html.get_content()


def test_tailor_send_test_fails_clearly_when_no_server_listens(demo_world):
    home, _ = demo_world
    row = planned_row_with_non_ascii_name(home)
    port = free_port()
    completed = tailor(
        home, "send-test", "--person", row["person_id"], "--to", "qa@tailor.example",
        TAILOR_SMTP_HOST="127.0.0.1", TAILOR_SMTP_PORT=str(port),
    )  # fmt: skip
    assert completed.returncode == 1
    assert (
        f"error: cannot connect to the SMTP server 127.0.0.1:{port}: connection refused" in completed.stderr
    )
