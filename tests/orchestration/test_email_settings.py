import pytest

from orchestration.settings import load_settings


def test_email_settings_come_from_the_environment():
    settings = load_settings(
        {"TAILOR_SMTP_HOST": "smtp.internal", "TAILOR_SMTP_SECURITY": "SSL", "TAILOR_SMTP_PASSWORD": "s3cret"}
    )
    assert settings.email.smtp_host == "smtp.internal"
    assert settings.email.smtp_security == "ssl"
    assert settings.email.smtp_port == 465  # the SSL port unless TAILOR_SMTP_PORT says otherwise
    assert "s3cret" not in repr(settings)  # secrets never show up in logs


def test_unknown_smtp_security_is_a_clear_error():
    with pytest.raises(ValueError, match="none, starttls or ssl"):
        load_settings({"TAILOR_SMTP_SECURITY": "tls1.3"})
