"""The email assets through Dagster on the demo world: one payload batch per campaign, reconciled with the
plan by a blocking check, the outbox listing them, and the preview gallery."""

import json
import shutil

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.defs import email
from orchestration.defs.resources import WarehouseResource
from orchestration.settings import load_settings


@pytest.fixture
def home(demo_world, tmp_path, monkeypatch):
    """A copy of the demo warehouse in a home of this test's own (the demo world is shared, read-only)."""
    demo_home, _ = demo_world
    monkeypatch.setenv("TAILOR_HOME", str(tmp_path / "home"))
    for name in ("TAILOR_DUCKDB_PATH", "TAILOR_OUTPUT_DIR"):  # importing the code location exports them
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    settings.duckdb_path.parent.mkdir(parents=True)
    shutil.copy(demo_home / "warehouse.duckdb", settings.duckdb_path)
    return settings


def materialize(settings, selection=None):
    resources = {"warehouse": WarehouseResource(duckdb_path=str(settings.duckdb_path), landing_dir="")}
    checks = [email.payloads_reconcile(campaign) for campaign in email.CAMPAIGNS.values()]
    return dg.materialize(
        [*email.PAYLOAD_ASSETS, email.outbox, email.previews, *checks],
        resources=resources,
        selection=selection,
        raise_on_error=False,
    )


def planned_by_campaign(settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        return dict(
            con.execute("select campaign, count(*) from campaigns.payload_inputs group by 1").fetchall()
        )
    finally:
        con.close()


def test_every_planned_send_is_published_once_and_the_outbox_lists_each_batch(home):
    result = materialize(home)
    assert result.success
    planned = planned_by_campaign(home)
    assert len(planned) >= 3 and set(planned) <= set(email.CAMPAIGNS)
    checks = {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}
    assert set(checks) == set(email.CAMPAIGNS) and all(check.passed for check in checks.values())
    [outbox_file] = (home.output_dir / "outbox").glob("*.json")
    outbox = json.loads(outbox_file.read_text())
    assert {entry["campaign"]: entry["payloads"] for entry in outbox["batches"]} == planned
    for entry in outbox["batches"]:
        manifest = pq.read_table(f"{entry['batch']}/manifest.parquet").to_pandas()
        assert len(manifest) == manifest.person_id.nunique() == planned[entry["campaign"]]
    gallery = (home.output_dir / "previews" / "index.html").read_text()
    assert all(campaign in gallery for campaign in planned)
    materialized = {e.asset_key.to_user_string(): e for e in result.get_asset_materialization_events()}
    assert "email/outbox" in materialized and "email/previews" in materialized


def test_a_batch_that_does_not_reconcile_blocks_the_outbox(home, monkeypatch):
    """Fault injection: the real publisher runs, then one manifest row goes missing (a truncated write).
    The blocking check fails and the outbox is not written in that run."""
    real_publish = email.publish_batch

    def publish_then_lose_a_row(*args, **kwargs):
        batch = real_publish(*args, **kwargs)
        manifest = pq.read_table(batch.path / "manifest.parquet")
        pq.write_table(manifest.slice(0, manifest.num_rows - 1), batch.path / "manifest.parquet")
        return batch

    monkeypatch.setattr(email, "publish_batch", publish_then_lose_a_row)
    result = materialize(home)
    assert not result.success
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and not any(check.passed for check in evaluations)
    assert all(check.metadata["missing"].value == 1 for check in evaluations)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "email/outbox" not in materialized
    assert not (home.output_dir / "outbox").exists()
