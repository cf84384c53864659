"""Which row a preview renders, and how the gallery is written (real Renderer, rows made here)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import EmailSettings
from renderers.campaign_meta import Campaign, Variant, read_campaigns
from renderers.preview import (
    PreviewError,
    gallery_selection,
    select_preview_row,
    write_gallery,
    write_preview,
)
from renderers.render import Renderer
from tests.renderers.tailor_cli import tailor

CAMPAIGNS = {
    "campaign_abandoned_cart": Campaign(
        "campaign_abandoned_cart",
        "abandoned_cart",
        True,
        (Variant("control", 0.5, "You left something"), Variant("urgency", 0.5, "Hurry")),
    ),
    "campaign_win_back": Campaign(
        "campaign_win_back",
        "win_back",
        True,
        (Variant("we_miss_you", 0.5, "We miss you"), Variant("whats_new", 0.5, "New since your last visit")),
    ),
}


def payload_row(person_id: str = "p_1", **overrides) -> dict:
    row = {
        "run_id": "2026-11-30",
        "run_date": "2026-11-30",
        "person_id": person_id,
        "campaign": "campaign_abandoned_cart",
        "template": "abandoned_cart",
        "variant": "control",
        "subject_line": "You left something",
        "is_marketing": True,
        "email": f"{person_id}@customer.example",
        "first_name": "Zoë",
        "last_name": "Ørsted",
        "country_code": "DK",
        "segment_name": "cart_abandoners",
        "segment_reason": "added Lumen Lamp to the cart",
        "top_category": "home",
        "unsubscribe_token": "t0ken",
        "consent_snapshot_id": "c0nsent",
    }
    for slot, name in ((1, "Lumen Lamp"), (2, "Vela Vase"), (3, None)):
        row |= {
            f"product_{slot}_id": f"P{slot}" if name else None,
            f"product_{slot}_name": name,
            f"product_{slot}_price": Decimal("19.90") if name else None,
            f"product_{slot}_url": f"https://shop.example/p/P{slot}" if name else None,
            f"product_{slot}_image_url": None,
        }
    return row | overrides


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(EmailSettings())


def test_the_persons_planned_send_is_previewed_as_it_is():
    planned = payload_row()
    preview = select_preview_row([planned], CAMPAIGNS)
    assert preview.is_planned and preview.row == planned and preview.note == ""
    assert select_preview_row([planned], CAMPAIGNS, campaign="abandoned_cart").row == planned  # short name
    assert select_preview_row([planned], {}).row == planned  # without meta too (a campaign not parsed yet)


def test_another_variant_of_the_planned_campaign_keeps_the_segment():
    preview = select_preview_row([payload_row()], CAMPAIGNS, variant="urgency")
    assert not preview.is_planned
    assert (preview.row["variant"], preview.row["subject_line"]) == ("urgency", "Hurry")
    assert preview.row["segment_reason"] == "added Lumen Lamp to the cart"
    assert "not planned as campaign_abandoned_cart / urgency" in preview.note


def test_another_campaign_takes_template_and_subject_from_its_meta_and_drops_the_segment():
    preview = select_preview_row([payload_row()], CAMPAIGNS, campaign="campaign_win_back")
    row = preview.row
    assert (row["campaign"], row["template"], row["variant"], row["subject_line"]) == (
        "campaign_win_back",
        "win_back",
        "we_miss_you",  # the campaign's first variant
        "We miss you",
    )
    assert row["segment_name"] is None and row["segment_reason"] is None  # they explained the cart campaign
    assert row["first_name"] == "Zoë" and row["product_1_name"] == "Lumen Lamp"  # still the real profile


def test_the_latest_run_is_the_default():
    rows = [payload_row(run_id="2026-11-29", variant="urgency"), payload_row(run_id="2026-11-30")]
    assert select_preview_row(rows, CAMPAIGNS).row["run_id"] == "2026-11-30"


@pytest.mark.parametrize(
    ("campaign", "variant", "message"),
    [
        ("nope", None, "no campaign 'nope' in the dbt manifest .*campaign_win_back"),
        (None, "nope", "no variant 'nope' .*control, urgency"),
    ],
)
def test_unknown_campaigns_and_variants_are_clear_errors(campaign, variant, message):
    with pytest.raises(PreviewError, match=message):
        select_preview_row([payload_row()], CAMPAIGNS, campaign=campaign, variant=variant)


def test_gallery_picks_the_lowest_person_per_variant_and_segment_and_fills_gaps():
    rows = [
        payload_row("p_9"),
        payload_row("p_3"),
        payload_row("p_5", variant="urgency", subject_line="Hurry"),
        payload_row("p_4", segment_name="other_segment"),
    ]
    picked = {
        (p.row["campaign"], p.row["variant"], segment): (p.row["person_id"], p.is_planned)
        for segment, p in gallery_selection(rows, CAMPAIGNS)
    }
    assert picked == {
        ("campaign_abandoned_cart", "control", "cart_abandoners"): ("p_3", True),
        ("campaign_abandoned_cart", "urgency", "cart_abandoners"): ("p_5", True),
        ("campaign_abandoned_cart", "control", "other_segment"): ("p_4", True),
        ("campaign_abandoned_cart", "urgency", "other_segment"): ("p_4", False),  # nobody got it: borrowed
        ("campaign_win_back", "we_miss_you", None): ("p_3", False),  # no planned send of the campaign at all
        ("campaign_win_back", "whats_new", None): ("p_3", False),
    }


def test_a_preview_writes_html_text_and_a_summary_without_the_address(tmp_path, renderer):
    preview = select_preview_row([payload_row()], CAMPAIGNS)
    email = renderer.render(preview.row)
    files = write_preview(email, tmp_path, preview)
    assert files.html.read_text(encoding="utf-8") == email.html
    assert files.text.read_text(encoding="utf-8") == email.text
    summary = json.loads(files.summary.read_text(encoding="utf-8"))
    assert (summary["subject"], summary["preheader"], summary["headers"]) == (
        email.subject,
        email.preheader,
        email.headers,
    )
    assert "p_1@customer.example" not in files.summary.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "campaign_abandoned_cart__control.html",
        "campaign_abandoned_cart__control.json",
        "campaign_abandoned_cart__control.txt",
    ]


def test_the_gallery_replaces_the_old_one_whole(tmp_path, renderer):
    gallery = tmp_path / "previews"
    gallery.mkdir()
    (gallery / "stale.html").write_text("from an earlier gallery")
    cards = write_gallery([payload_row()], CAMPAIGNS, renderer, gallery)
    files = {p.name for p in gallery.iterdir()}
    assert "stale.html" not in files and "index.html" in files
    assert {card.html_file for card in cards} <= files and {card.text_file for card in cards} <= files
    assert [p.name for p in tmp_path.iterdir()] == ["previews"]  # no temporary folders left behind
    index = (gallery / "index.html").read_text(encoding="utf-8")
    assert index.count("<article class='card'") == len(cards) == 4
    assert "p_1@customer.example" not in index  # the page never shows an address


def test_a_gallery_that_fails_midway_leaves_the_old_one(tmp_path, renderer):
    gallery = tmp_path / "previews"
    write_gallery([payload_row()], CAMPAIGNS, renderer, gallery)
    before = {p.name: p.read_bytes() for p in gallery.iterdir()}

    class Interrupted(Exception):
        pass

    class InterruptedRenderer:
        def render(self, row):
            raise Interrupted  # not a RenderError: a bug or Ctrl-C, the gallery must not be half replaced

    with pytest.raises(Interrupted):
        write_gallery([payload_row("p_2")], CAMPAIGNS, InterruptedRenderer(), gallery)
    assert {p.name: p.read_bytes() for p in gallery.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["previews"]


def test_a_card_that_cannot_render_says_why_and_the_others_still_show(tmp_path, renderer):
    campaigns = CAMPAIGNS | {
        "campaign_broken": Campaign("campaign_broken", "no_such_template", True, (Variant("a", 1.0, "x"),))
    }
    cards = write_gallery([payload_row()], campaigns, renderer, tmp_path / "previews")
    [broken] = [card for card in cards if card.error]
    assert broken.campaign == "campaign_broken" and "no_such_template" in broken.error
    assert len([card for card in cards if card.error is None]) == 4
    index = (tmp_path / "previews" / "index.html").read_text(encoding="utf-8")
    assert "1 failed to render" in index and "no_such_template" in index


def test_campaign_meta_comes_from_the_dbt_manifest(tmp_path):
    campaigns = read_campaigns(
        Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"
    )
    assert campaigns["campaign_abandoned_cart"].template == "abandoned_cart"
    assert [v.name for v in campaigns["campaign_win_back"].variants] == [
        "we_miss_you",
        "whats_new",
        "picked_for_you",
    ]
    with pytest.raises(ValueError, match="tailor parse"):
        read_campaigns(tmp_path / "manifest.json")


def test_tailor_preview_names_unknown_and_unplanned_persons(demo_world, tmp_path):
    home, _ = demo_world
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        [(unplanned, reason)] = con.execute(
            "select person_id, exclusion_reason from campaigns.campaign_decisions where outcome = 'excluded' "
            "and person_id not in (select person_id from campaigns.payload_inputs) order by person_id limit 1"
        ).fetchall()
    finally:
        con.close()

    unknown = tailor(home, "preview", "--person", "p_nobody", "--out", str(tmp_path))
    assert unknown.returncode == 1
    assert "person 'p_nobody' is not in the warehouse" in unknown.stderr
    not_planned = tailor(home, "preview", "--person", unplanned, "--out", str(tmp_path))
    assert not_planned.returncode == 1
    assert f"person '{unplanned}' has no planned send" in not_planned.stderr and reason in not_planned.stderr
    assert list(tmp_path.iterdir()) == []
