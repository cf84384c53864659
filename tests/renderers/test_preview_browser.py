"""Previews of the demo world's real profiles, looked at in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from renderers.campaign_meta import read_campaigns
from tests.renderers.tailor_cli import tailor

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIRST_NAME_FALLBACK = "Hi there,"  # blocks/greeting: `first_name | fallback("there")`


def payload_rows(home: Path, where: str = "true", params=()) -> list[dict]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(
            f"select * from campaigns.payload_inputs where {where} order by person_id", params
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.close()


def product_names(row: dict) -> list[str]:
    return [row[f"product_{slot}_name"] for slot in (1, 2, 3) if row[f"product_{slot}_name"] is not None]


def greeting(row: dict) -> str:
    return f"Hi {row['first_name']}," if row["first_name"] else FIRST_NAME_FALLBACK


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make browser` (or `apt-get install -y chromium`) installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # Product images live on an example CDN: answer nothing rather than wait on DNS.
    page.route("http*://**", lambda route: route.abort())
    yield page
    context.close()


def test_the_gallery_shows_each_campaign_variant_and_segment_from_a_real_profile(demo_world, tmp_path, page):
    home, _ = demo_world
    completed = tailor(home, "preview", "--gallery", TAILOR_OUTPUT_DIR=str(tmp_path / "outputs"))
    assert completed.returncode == 0, completed.stderr
    index = tmp_path / "outputs" / "previews" / "index.html"  # the default place
    assert str(index) in completed.stdout

    rows = payload_rows(home)
    campaigns = read_campaigns(DBT_PROJECT_DIR / "target" / "manifest.json").values()
    subjects = {
        (campaign.name, variant.name): variant.subject
        for campaign in campaigns
        for variant in campaign.variants
    }
    expected = {
        (campaign.name, variant.name, segment)
        for campaign in campaigns
        for variant in campaign.variants
        for segment in {r["segment_name"] for r in rows if r["campaign"] == campaign.name}
    }
    page.goto(index.as_uri())
    cards = page.locator("article.card")
    shown = {
        (c.get_attribute("data-campaign"), c.get_attribute("data-variant"), c.get_attribute("data-segment"))
        for c in cards.all()
    }
    assert shown == expected and len(expected) >= 9  # 4 campaigns, 9 variants, one segment each here
    page.screenshot(path=tmp_path / "gallery.png", full_page=True)

    for card in cards.all():
        campaign, variant = card.get_attribute("data-campaign"), card.get_attribute("data-variant")
        segment = card.get_attribute("data-segment")
        person_id = card.locator("dd.person").inner_text()
        [row] = [r for r in rows if r["person_id"] == person_id]
        in_group = [r for r in rows if (r["campaign"], r["segment_name"]) == (campaign, segment)]
        exact = [r for r in in_group if r["variant"] == variant]
        # The lowest person id planned for this combination (or, for a variant nobody got, for its segment).
        assert person_id == (exact or in_group)[0]["person_id"]
        email_text = card.frame_locator("iframe").locator("body").inner_text()
        assert greeting(row) in email_text
        for name in product_names(row):
            assert name in email_text
        assert card.locator("dd.subject").inner_text() == subjects[campaign, variant]
        assert card.locator("dd.preheader").inner_text().strip()
        card.locator("details summary").click()
        text_part = card.locator("details pre").inner_text()
        assert greeting(row) in text_part and all(name in text_part for name in product_names(row))


@pytest.mark.parametrize("who", ["non_ascii_first_name", "no_first_name"])
def test_a_persons_preview_shows_their_name_and_products(who, demo_world, tmp_path, page):
    home, _ = demo_world
    condition = {
        "non_ascii_first_name": "regexp_matches(first_name, '[^\\x00-\\x7f]')",
        "no_first_name": "first_name is null",
    }[who]
    row = payload_rows(home, condition)[0]
    completed = tailor(home, "preview", "--person", row["person_id"], "--out", str(tmp_path / "preview"))
    assert completed.returncode == 0, completed.stderr
    html_path, text_path, summary_path = (
        Path(line.split()[-1]) for line in completed.stdout.splitlines() if line.startswith("  ")
    )
    assert (html_path.suffix, text_path.suffix, summary_path.suffix) == (".html", ".txt", ".json")

    page.goto(html_path.as_uri())
    visible = page.locator("body").inner_text()
    page.screenshot(path=tmp_path / f"{who}.png", full_page=True)
    assert greeting(row) in visible
    assert product_names(row) and all(name in visible for name in product_names(row))
    assert "None" not in visible

    text = text_path.read_text(encoding="utf-8")
    assert greeting(row) in text and all(name in text for name in product_names(row))
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert (summary["campaign"], summary["variant"], summary["subject"]) == (
        row["campaign"],
        row["variant"],
        row["subject_line"],
    )
    assert summary["is_planned"] is True
    assert (
        summary["headers"]["List-Unsubscribe"].startswith("<")
        and row["unsubscribe_token"] in summary["headers"]["List-Unsubscribe"]
    )
    assert row["email"] not in summary_path.read_text(encoding="utf-8")  # previews carry no address
