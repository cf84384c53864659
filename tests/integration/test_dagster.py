"""The Dagster code location on a real instance: load + dbt build as assets, lineage from raw to staging."""

import dagster as dg

from orchestration.dagster_runs import days_with_files, run_job
from orchestration.extract.sources import SOURCES
from orchestration.simulator import SimulationConfig, simulate
from tests.conftest import fetch


def test_code_location_loads_and_links_raw_to_staging():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {f"raw/{table}" for table in SOURCES} <= keys
    assert "staging/stg_web__tracker_events" in keys
    # dbt sources are mapped onto the loader's assets: lineage is continuous.
    base = graph.get(dg.AssetKey(["staging", "base_web__tracker_events"]))
    assert dg.AssetKey(["raw", "web_tracker_events"]) in base.parent_keys
    observations = graph.get(dg.AssetKey(["intermediate", "int_identity__observations"]))
    assert dg.AssetKey(["ml", "crm_contact_matches"]) in observations.parent_keys
    # Grouped by layer, the groups the UI lays out left to right.
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["raw/web_tracker_events"] == "raw"
    assert groups["staging/stg_web__tracker_events"] == "staging"
    assert groups["intermediate/int_events__unioned"] == "intermediate"
    assert groups["marts/dim_customers"] == "marts"
    assert groups["segments/cart_abandoners"] == "segments"
    assert groups["campaigns/payload_inputs"] == "campaigns"
    assert groups["email/outbox"] == "email"


def test_materializing_everything_loads_and_builds(tailor_home, tmp_path):
    simulate(
        SimulationConfig(
            out_dir=tailor_home.landing_dir,
            truth_dir=tailor_home.truth_dir,
            scale=0.002,
            seed=11,
            days=2,
            progress=False,
        )
    )
    instance = dg.DagsterInstance.ephemeral()
    result = run_job(tailor_home, instance, "nightly", days=days_with_files(tailor_home))
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {f"raw/{t}" for t in SOURCES} | {
        "staging/stg_crm__contacts",
        "staging/stg_web__access_logs",
    } <= materialized
    loaded = result.asset_materializations_for_node("raw_tables")
    tracker = next(m for m in loaded if m.asset_key == dg.AssetKey(["raw", "web_tracker_events"]))
    assert tracker.metadata["rows_loaded"].value > 0
    # Every dbt model reports its row count (counted after dbt exits); segments their size in persons.
    built = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    for table in ("marts.dim_customers", "staging.stg_web__tracker_events", "segments.segment_memberships"):
        (rows,) = fetch(tailor_home.duckdb_path, f"select count(*) from {table}")[0]
        assert built[table.replace(".", "/")]["dagster/row_count"].value == rows, table
    (persons,) = fetch(
        tailor_home.duckdb_path, "select count(distinct person_id) from segments.vip_customers"
    )[0]
    assert built["segments/vip_customers"]["segment_size"].value == persons
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks if c.severity == dg.AssetCheckSeverity.ERROR)
    assert fetch(tailor_home.duckdb_path, "select count(*) from staging.stg_web__tracker_events")[0][0] > 0


def test_code_location_loads_as_under_dagster_dev_without_venv_on_path(tmp_path):
    """`make ui`: dagster dev re-parses the dbt project on load; that must work with nothing but TAILOR_HOME set."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")}
    env |= {"TAILOR_HOME": str(tmp_path), "DAGSTER_IS_DEV_CLI": "1", "PATH": "/usr/bin:/bin"}
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from orchestration.definitions import defs; print(len(defs.resolve_asset_graph().get_all_asset_keys()))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert int(completed.stdout.strip().splitlines()[-1]) > 30
