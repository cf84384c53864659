"""Why the base layout is hand-made tables and not MJML: the same email both ways, measured.

    python -m renderers.layout_comparison

The abandoned-cart email (header, greeting, hero, three products, sportswear offer, footer) is rendered
from the shipped templates and from an MJML translation of them (compiled once with mjml-python, then the
same Jinja sandbox). For each: HTML bytes per email, time to render and JSON-encode the HTML part, and the layout Chromium
gives at a desktop (600 px) and a phone (360 px) width, with the ``<head>`` styles kept and with them
stripped, as Gmail does for non-Google accounts and some webmail does always. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import mjml

from renderers.benchmark import synthetic_rows
from renderers.environment import TemplateFiles, text_environment
from renderers.model import encode_json
from renderers.render import Renderer

MJML_ABANDONED_CART = """<mjml>
<mj-head><mj-title>{{ subject }}</mj-title><mj-preview>{{ preheader }}</mj-preview>
<mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" />
<mj-text font-size="16px" line-height="24px" color="#1f2a30" /></mj-attributes></mj-head>
<mj-body background-color="#f3f1ee" width="600px">
<mj-section background-color="#1f2a30"><mj-column><mj-text font-family="Georgia, serif" font-size="22px"
 color="#ffffff">{{ company_name }}</mj-text></mj-column></mj-section>
<mj-section background-color="#ffffff"><mj-column>
<mj-text>Hi {{ first_name | fallback("there") }},</mj-text>
<mj-text font-family="Georgia, serif" font-size="28px" line-height="34px">You left something behind</mj-text>
<mj-text>We saved your cart, so you can pick up right where you left off.</mj-text>
<mj-button background-color="#c0502e" href="{{ products[0].url if products else shop_url }}" align="left">
Back to my cart</mj-button>
<mj-text font-size="18px" font-weight="bold">Still in your cart</mj-text></mj-column></mj-section>
<mj-raw>{% if products %}</mj-raw><mj-section background-color="#ffffff">
<mj-raw>{% for product in products %}</mj-raw>
<mj-column width="33%"><mj-image css-class="product-image" src="{{ product.image_url }}" href="{{ product.url }}"
 alt="{{ product.name }}" width="172px" />
<mj-text font-size="14px" line-height="20px"><a href="{{ product.url }}" style="color:#1f2a30;font-weight:bold">
{{ product.name }}</a><br><span style="color:#c0502e">{{ product.price | money }}</span></mj-text></mj-column>
<mj-raw>{% endfor %}</mj-raw></mj-section><mj-raw>{% endif %}</mj-raw>
<mj-raw>{% if top_category == "sportswear" %}</mj-raw>
<mj-section background-color="#e9f2ec"><mj-column><mj-text><strong>15% off sportswear this week</strong><br>
Use this code at checkout.<br><span style="font-family:monospace;font-size:20px">MOVE15</span></mj-text>
</mj-column></mj-section><mj-raw>{% endif %}</mj-raw>
<mj-section background-color="#ffffff"><mj-column><mj-text font-size="12px" color="#5c6770">You receive this
 email because you subscribed to news from {{ company_name }}. <a href="{{ unsubscribe_url }}">Unsubscribe</a>
 &middot; <a href="{{ preferences_url }}">Email preferences</a></mj-text>
<mj-text font-size="12px" color="#5c6770">{{ company_name }}, {{ company_address }}</mj-text>
</mj-column></mj-section></mj-body></mjml>"""

_HEAD_STYLES = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


def _compiled_mjml():  # noqa: ANN202
    environment = text_environment(TemplateFiles())
    environment.autoescape = True  # an HTML part: the same escaping as the shipped layout
    return environment.from_string(mjml.mjml2html(MJML_ABANDONED_CART))


def per_email_microseconds(render_html: Callable[[dict], str], context: dict, repeat: int = 3000) -> float:
    """Time to render the HTML part for one recipient and JSON-encode it (what grows with its size)."""
    started = time.perf_counter()
    for _ in range(repeat):
        encode_json({"html": render_html(context)})
    return (time.perf_counter() - started) / repeat * 1e6


def product_rows(html: str, width: int, strip_head_styles: bool) -> int:
    """How many rows the three product images take in Chromium at this viewport width (1 = side by side)."""
    from playwright.sync_api import sync_playwright

    if strip_head_styles:
        html = _HEAD_STYLES.sub("", html)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route(
                "**/*",
                lambda route: (
                    route.fulfill(status=200, body=b"")
                    if route.request.url.startswith("http")
                    else route.continue_()
                ),
            )
            page.set_content(html, wait_until="load")
            tops = page.evaluate(
                "() => [...document.querySelectorAll('img')].filter(i => i.alt && i.alt !== '')"
                ".map(i => Math.round(i.getBoundingClientRect().top))"
            )
        finally:
            browser.close()
    return len(set(tops))


def sample_row() -> dict:
    """A synthetic planned send with three products and sportswear as top category (the offer shows)."""
    rows = synthetic_rows(200)
    for index in range(len(rows)):
        row = rows.row(index)
        if (
            row["template"] == "abandoned_cart"
            and row["top_category"] == "sportswear"
            and row["product_3_id"]
        ):
            return row
    raise LookupError("no suitable synthetic row")


def main() -> int:
    from orchestration.settings import load_settings

    renderer = Renderer(load_settings().email)
    row = sample_row() | {"variant": "control", "first_name": "Lena"}
    email = renderer.render(row)
    context = renderer.context(row) | {"subject": email.subject, "preheader": email.preheader}
    shipped = renderer.campaigns["abandoned_cart"].html
    candidates = {"hand-made tables": shipped.render, "MJML": _compiled_mjml().render}
    print(
        f"{'layout':18s} {'HTML bytes':>10s} {'µs/email':>9s}   rows the 3 products take (1 = side by side)"
    )
    for name, render_html in candidates.items():
        html = render_html(context)
        micro = per_email_microseconds(render_html, context)
        layouts = [
            f"{width}px{' without <style>' if strip else ''}: {product_rows(html, width, strip)}"
            for strip in (False, True)
            for width in (600, 360)
        ]
        print(f"{name:18s} {len(html.encode()):>10,} {micro:>9.0f}   " + ", ".join(layouts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
