"""tailor render on the demo world: every planned send becomes exactly one complete payload."""

from __future__ import annotations

import json
import re

import pyarrow.parquet as pq

from tests.conftest import fetch
from tests.renderers.tailor_cli import tailor


def test_tailor_render_publishes_one_payload_per_planned_send(demo_world, tmp_path):
    home, _ = demo_world
    warehouse = home / "warehouse.duckdb"
    output = tmp_path / "outputs"  # the demo home is shared by the session: write elsewhere
    planned = fetch(
        warehouse, "select person_id, campaign, variant, unsubscribe_token from campaigns.payload_inputs"
    )
    (run_id,) = {r[0] for r in fetch(warehouse, "select distinct run_id from campaigns.payload_inputs")}
    assert planned, "the demo world plans no sends"

    first = tailor(home, "render", "--shard-size", "100", TAILOR_OUTPUT_DIR=str(output))
    assert first.returncode == 0, first.stderr
    batch = output / "payloads" / run_id
    assert f"published: {len(planned):,} payloads" in first.stdout

    payloads = [json.loads(line) for shard in sorted(batch.glob("payloads-*.jsonl")) for line in shard.open()]
    manifest = pq.read_table(batch / "manifest.parquet").to_pylist()
    assert len(payloads) == len(manifest) == len(planned)
    assert sorted((p["person_id"], p["campaign"], p["variant"]) for p in payloads) == sorted(
        r[:3] for r in planned
    )

    token_of = {person: token for person, _, _, token in planned}
    for payload in payloads:
        url = f"https://example.com/unsubscribe?token={token_of[payload['person_id']]}"
        assert payload["unsubscribe_url"] == url
        assert f'href="{url}"' in payload["html"] and url in payload["text"]
        assert payload["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for part in (payload["html"], payload["text"], payload["subject"], payload["preheader"]):
            assert not re.search(r"\b(Hello|Hi|Dear) *,", part), part[:200]
            assert "None" not in part and "{{" not in part and "{%" not in part
        assert payload["subject"] and payload["preheader"] and payload["to"]

    again = tailor(home, "render", TAILOR_OUTPUT_DIR=str(output))  # other shard size, same content
    assert again.returncode == 0, again.stderr
    assert f"unchanged: {len(planned):,} payloads" in again.stdout
    assert sorted(p.name for p in (output / "payloads").iterdir()) == [run_id]

    check = tailor(home, "templates", "check")
    assert check.returncode == 0, check.stderr
