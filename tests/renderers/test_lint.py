"""tailor templates check: the lint against the payload_inputs contract in the dbt manifest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from renderers.lint import contract_fields, lint_templates

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "dbt_project" / "target" / "manifest.json"
TEMPLATES = REPO / "renderers" / "templates"
TAILOR = str(Path(sys.executable).parent / "tailor")

pytestmark = pytest.mark.skipif(not MANIFEST.is_file(), reason="needs the dbt manifest (make parse)")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    return copy


def messages(report) -> list[str]:
    return [str(finding) for finding in report.findings]


def test_the_contract_comes_from_the_manifest():
    fields = contract_fields(MANIFEST)
    assert not fields["email"].nullable and not fields["unsubscribe_token"].nullable
    assert fields["first_name"].nullable and fields["product_2_price"].nullable
    assert fields["products"].attributes["image_url"] is True  # derived by the renderer


def test_shipped_templates_pass_against_the_real_manifest():
    report = lint_templates(MANIFEST)
    assert report.ok, messages(report)
    assert set(report.variables) == {
        f"campaigns/{n}" for n in ("abandoned_cart", "product_nudge", "win_back", "vip_newsletter")
    }
    assert report.variables["campaigns/abandoned_cart"]["first_name"] is True


def test_unknown_token_is_reported_with_file_and_line(library):
    (library / "blocks" / "greeting.txt").write_text(
        "Hi {{ first_name | fallback('there') }},\n\nYour {{ frist_name }}\n"
    )
    found = messages(lint_templates(MANIFEST, library))
    assert any(
        m.endswith(
            "blocks/greeting.txt:3: unknown field 'frist_name': not in payload_inputs nor derived by the renderer (did you mean 'first_name'?)"
        )
        for m in found
    ), found


def test_nullable_token_without_fallback_is_reported_and_guards_are_understood(library):
    (library / "blocks" / "greeting.html").write_text(
        "<tr><td>Hi {{ first_name }},</td></tr>\n"
        "{% if last_name %}<tr><td>{{ last_name }}</td></tr>{% endif %}\n"
        "{% if country_code is not none %}<tr><td>{{ country_code }}</td></tr>{% endif %}\n"
        "<tr><td>{{ segment_name if segment_name else 'you' }} {{ top_category | fallback('things') }}</td></tr>\n"
        "{% for p in products %}<tr><td>{{ p.image_url }}</td></tr>{% endfor %}\n"
    )
    found = [m.split("templates/", 1)[1] for m in messages(lint_templates(MANIFEST, library))]
    assert found == [
        "blocks/greeting.html:1: 'first_name' is nullable: use `first_name | fallback(...)` or put it inside `{% if first_name %}`",
        "blocks/greeting.html:5: 'p.image_url' is nullable: use a fallback or an {% if p.image_url %}",
    ]


def test_missing_block_and_unsafe_attribute_are_reported(library):
    campaign = library / "campaigns" / "win_back.jinja"
    campaign.write_text(
        campaign.read_text().replace('{% include "blocks/legal" %}', '{% include "blocks/legal_v2" %}')
    )
    (library / "blocks" / "header.txt").write_text("{{ company_name.__class__ }}\n")
    found = messages(lint_templates(MANIFEST, library))
    line = next(n for n, text in enumerate(campaign.read_text().splitlines(), 1) if "legal_v2" in text)
    assert any(
        f"campaigns/win_back.jinja:{line}: template 'blocks/legal_v2' not found" in m for m in found
    ), found
    assert any("blocks/header.txt:1: attribute '__class__'" in m for m in found), found


def test_cli_exit_status_and_list(library, tmp_path):
    ok = subprocess.run([TAILOR, "templates", "check", "--list"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "campaigns/product_nudge:\n" in ok.stdout and "  product_1_name  (nullable)" in ok.stdout
    (library / "blocks" / "offer.html").write_text("<tr><td>{{ offer_title }} {{ voucher }}</td></tr>\n")
    bad = subprocess.run(
        [TAILOR, "templates", "check", "--templates-dir", str(library)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "blocks/offer.html:1: unknown field 'voucher'" in bad.stderr


def test_rebinding_a_field_name_is_reported(library):
    (library / "blocks" / "legal.txt").write_text(
        '{% with company_name="Other Ltd" %}{{ company_name }}{% endwith %}\n'
    )
    found = messages(lint_templates(MANIFEST, library))
    assert any(
        "blocks/legal.txt:1: 'company_name' is a payload field: bind another name" in m for m in found
    ), found
