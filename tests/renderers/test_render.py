"""Renderer: hostile data stays data, fallbacks, conditional blocks, subjects, unsubscribe headers."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from renderers.model import RenderedEmail
from renderers.payload_inputs import PayloadRows
from renderers.render import Renderer, RenderError
from tests.renderers.sample_rows import EMAIL_SETTINGS, make_row, product_columns

TEMPLATES = Path(__file__).resolve().parents[2] / "renderers" / "templates"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(EMAIL_SETTINGS)


HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    "{{ ''.__class__.__mro__ }}",
    "Robert'); DROP TABLE--",
    'Ann "&amp;" <b>',
    "x" * 10_000,
    "مريم",  # RTL
    "Zoë 👩‍🚀🎉",
    "\u202eevil\u202c",  # right-to-left override
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_first_name_is_escaped_in_html_and_verbatim_in_text(renderer, name):
    email = renderer.render(make_row(first_name=name))
    assert f"Hi {escape(name)}," in email.html
    assert f"Hi {name},\n" in email.text
    if name != str(escape(name)):  # it has markup characters: the raw form must appear nowhere in the HTML
        assert name not in email.html
    assert "49" not in email.html.replace("92.99", "").replace("68.99", "")  # {{ 7*7 }} was not evaluated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_any_first_name_is_escaped_exactly_once_and_never_evaluated(renderer, name):
    email = renderer.render(make_row(first_name=name))
    # The greeting holds the escaped name: escaping it twice would show "&amp;lt;", not escaping it would
    # let "<" through. The text part holds it byte for byte.
    greeting = re.search(r"Hi (.*?),</td>", email.html, re.DOTALL).group(1)
    assert greeting == str(escape(name))
    assert f"Hi {name},\n" in email.text
    json.loads(email.to_json_line())  # whatever the name, the payload line is valid JSON


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_null_empty_and_blank_first_names_fall_back(renderer, blank):
    email = renderer.render(make_row(first_name=blank))
    assert "Hi there," in email.html
    assert "Hi there,\n" in email.text
    assert "Hi ," not in email.html + email.text
    assert "None" not in email.html + email.text


def test_sportswear_offer_only_for_top_category_sportswear(renderer):
    with_offer = renderer.render(make_row(top_category="sportswear"))
    without = renderer.render(make_row(top_category="outdoor"))
    unknown = renderer.render(make_row(top_category=None))
    assert "MOVE15" in with_offer.html and "MOVE15" in with_offer.text
    assert "MOVE15" not in without.html + without.text
    assert "MOVE15" not in unknown.html + unknown.text


def test_products_block_shows_only_complete_slots_and_disappears_without_products(renderer):
    two = renderer.render(make_row(**product_columns(3, None)))
    assert "Trail Tent" in two.html and "Down Vest" in two.html and "Head Lamp" not in two.html
    assert "€92.99" in two.text
    none = renderer.render(
        make_row(**product_columns(1, None), **product_columns(2, None), **product_columns(3, None))
    )
    assert "Still in your cart" not in none.html + none.text
    assert 'href="https://example.com/"' in none.html  # the call to action falls back to the shop


def test_variants_change_copy_and_preheader(renderer):
    control = renderer.render(make_row(variant="control"))
    urgency = renderer.render(
        make_row(variant="urgency", subject_line="Your cart is waiting, but not for long")
    )
    assert "You left something behind" in control.html and "You left something behind" not in urgency.html
    assert "not for long" in urgency.html
    assert control.preheader != urgency.preheader and control.preheader in control.html


def test_subject_tokens_render_without_escaping_and_single_line(renderer):
    email = renderer.render(
        make_row(first_name="Zoë & <Co>", subject_line="{{ first_name | fallback('Hi') }}, look")
    )
    assert email.subject == "Zoë & <Co>, look"
    assert "<title>Zoë &amp; &lt;Co&gt;, look</title>" in email.html
    injected = renderer.render(
        make_row(first_name="Eve\r\nBcc: all@example.org", subject_line="{{ first_name }}!")
    )
    assert "\n" not in injected.subject and "\r" not in injected.subject


def test_unsubscribe_url_and_one_click_headers(renderer):
    email = renderer.render(make_row(unsubscribe_token="f" * 64))
    url = "https://example.com/unsubscribe?token=" + "f" * 64
    assert email.unsubscribe_url == url
    assert email.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f'href="{url}"' in email.html and url in email.text
    assert "https://example.com/preferences" in email.html
    assert "1 Example Street, 10115 Berlin, Germany" in email.html + email.text


def test_payload_carries_its_provenance(renderer):
    email = renderer.render(make_row())
    document = json.loads(email.to_json_line())
    assert document["person_id"] == "p_0000000000000001" and document["consent_snapshot_id"] == "c" * 32
    assert document["segment_reason"] == "added a tent to the cart" and document["run_id"] == "2026-11-30"
    assert re.fullmatch(r"[0-9a-f]{16}", email.template_version)
    assert set(document) == set(RenderedEmail.__dataclass_fields__)


def test_template_version_follows_the_sources(tmp_path):
    copy = tmp_path / "templates"
    import shutil

    shutil.copytree(TEMPLATES, copy)
    before = Renderer(EMAIL_SETTINGS, copy).campaigns
    (copy / "blocks" / "legal.txt").write_text("{{ company_name }} · {{ company_address }}\n")
    after = Renderer(EMAIL_SETTINGS, copy).campaigns
    assert all(
        before[name].version != after[name].version for name in before
    )  # every campaign has the legal block


def test_a_template_printing_a_nullable_field_fails_instead_of_printing_none(tmp_path):
    templates = _library(tmp_path, greeting_html="<tr><td>Hi {{ last_name }},</td></tr>")
    with pytest.raises(RenderError, match="null value"):
        Renderer(EMAIL_SETTINGS, templates).render(make_row(last_name=None))


def test_an_unknown_token_fails_at_render_time(tmp_path):
    templates = _library(tmp_path, greeting_html="<tr><td>Hi {{ nickname }},</td></tr>")
    with pytest.raises(RenderError, match="nickname"):
        Renderer(EMAIL_SETTINGS, templates).render(make_row())


def test_remembered_blocks_render_exactly_like_plain_jinja(renderer):
    """Blocks rendered once per distinct input (and per-recipient values substituted) change nothing."""
    from renderers.environment import html_environment, text_environment

    plain = Renderer(EMAIL_SETTINGS)
    plain._html_env = html_environment(plain.files, native_includes=True)
    plain._text_env = text_environment(plain.files, native_includes=True)
    plain.campaigns = {name: plain._compile(name) for name in plain.files.campaign_names()}
    rows = [
        make_row(
            first_name=name,
            person_id=f"p{i}",
            unsubscribe_token=f"{i:064x}",
            top_category=category,
            variant=v,
        )
        for i, (name, category, v) in enumerate(
            [
                ("Lena", "sportswear", "control"),
                ("Lena", "outdoor", "urgency"),
                (None, "sportswear", "urgency"),
            ]
            * 3
        )
    ]
    for row in rows:
        assert renderer.render(row) == plain.render(row)


def test_every_campaign_and_variant_meets_mail_client_constraints(renderer):
    variants = {
        "abandoned_cart": ["control", "urgency"],
        "product_nudge": ["product_first", "social_proof"],
        "win_back": ["we_miss_you", "whats_new", "picked_for_you"],
        "vip_newsletter": ["control", "personal"],
    }
    for template, names in variants.items():
        for variant in names:
            email = renderer.render(make_row(template=template, variant=variant, top_category="sportswear"))
            problems = mail_client_problems(email.html)
            assert not problems, f"{template}/{variant}: {problems}"
            assert "{{" not in email.html and "{%" not in email.html and "{{" not in email.text


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.styles += 1
            if attributes.get("data-css-inline") != "keep":
                self.problems.append("a <style> that was not inlined")
        if tag == "link":
            self.problems.append("external stylesheet")
        if tag == "img" and not ({"alt", "width", "src"} <= set(attributes)):
            self.problems.append("img without alt/width/src")
        if tag == "table" and attributes.get("role") != "presentation":
            self.problems.append("layout table without role=presentation")
        if attributes.get("class") and tag not in ("html", "head") and not attributes.get("style"):
            self.problems.append(f"<{tag} class={attributes['class']}> has no inline style")


def mail_client_problems(html: str) -> list[str]:
    """What Gmail (strips <head> styles in some clients), Outlook and size limits would break on."""
    audit = _Audit()
    audit.feed(html)
    problems = audit.problems
    if len(html.encode()) > 102 * 1024:
        problems.append("larger than Gmail's 102 KB clipping limit")
    if "<!--[if mso]>" not in html:
        problems.append("no fixed-width table for Outlook")
    if "@media" not in html:
        problems.append("no media query for narrow screens")
    return problems


def test_rows_round_trip_through_payload_rows():
    rows = [make_row(), make_row(person_id="p2")]
    assert [PayloadRows.from_dicts(rows).row(i) for i in range(2)] == rows


def _library(tmp_path: Path, *, greeting_html: str) -> Path:
    import shutil

    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    (copy / "blocks" / "greeting.html").write_text(greeting_html)
    return copy


def test_a_template_rebinding_a_fixed_field_is_refused(tmp_path):
    templates = _library(
        tmp_path, greeting_html='{% set company_name = "Other" %}<tr><td>{{ company_name }}</td></tr>'
    )
    with pytest.raises(RenderError, match="company_name"):
        Renderer(EMAIL_SETTINGS, templates)


def test_remembered_blocks_tell_equal_values_of_different_types_apart(tmp_path):
    from renderers.environment import TemplateFiles, html_environment

    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "b.html").write_text("[{{ x }}]")
    (tmp_path / "page.html").write_text(
        '{% with x="<i>" %}{% include "blocks/b" %}{% endwith %}'
        '{% with x="<i>" | safe %}{% include "blocks/b" %}{% endwith %}'
        '{% with x=1 %}{% include "blocks/b" %}{% endwith %}{% with x=true %}{% include "blocks/b" %}{% endwith %}'
    )
    environment = html_environment(TemplateFiles(tmp_path), inline_css=False)
    assert environment.get_template("page").render() == "[&lt;i&gt;][<i>][1][True]"
