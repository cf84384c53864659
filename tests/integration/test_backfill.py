"""Backfills: a range of landing days is one run (single-run backfill policy), and backfilling a day that was
already built changes nothing, inside the range or outside it (docs/orchestration.md)."""

from datetime import date

import dagster as dg
import pytest

from orchestration.dagster_runs import DayRange, days_with_files, load_summary, run_job
from orchestration.defs.partitions import LANDING_DAYS
from orchestration.simulator import SimulationConfig, simulate
from tests.conftest import comparable_select, fetch

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]
BACKFILLED = "2026-11-02"

# Tables compared before and after a backfill: the loader's, staging (incremental by landing hour), the
# event models (incremental by event day) and what the marts build from them.
TABLES = [
    "raw.load_manifest",
    "raw.quarantine",
    "raw.web_tracker_events",
    "raw.app_events",
    "raw.esp_events",
    "raw.crm_contacts",
    "raw.crm_orders",
    "staging.stg_web__tracker_events",
    "staging.stg_web__tracker_events_quarantine",
    "staging.stg_web__access_logs",
    "staging.stg_app__events",
    "staging.stg_esp__events",
    "staging.stg_crm__contacts",
    "staging.stg_crm__orders",
    "intermediate.int_events__unioned",
    "intermediate.int_web_sessions",
    "marts.fct_customer_events",
    "marts.dim_customers",
    "marts.customer_metrics",
    "marts.customer_interest_products",
    "segments.segment_memberships",
]
BUILD_TIME = "_built_at"  # when a row was (re)built: the one column a rebuild may change


def partitioned_keys(job_name: str) -> dict[dg.AssetKey, dg.AssetsDefinition]:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def(job_name)
    nodes = {key: graph.get(key) for key in job.asset_layer.executable_asset_keys}
    return {key: node for key, node in nodes.items() if node.partitions_def is not None}


@pytest.mark.parametrize("job_name", ["nightly", "hourly"])
def test_every_partitioned_asset_backfills_a_range_of_days_in_one_run(job_name, tailor_home):
    partitioned = partitioned_keys(job_name)
    names = {key.to_user_string() for key in partitioned}
    assert {"raw/web_tracker_events", "raw/load_manifest", "staging/stg_web__tracker_events"} <= names
    assert "intermediate/int_events__unioned" in names
    for key, node in partitioned.items():
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), key
        # One partitions definition for all: a backfill of several would be split into several runs.
        assert node.partitions_def == LANDING_DAYS, key


def per_day_counts(db) -> dict[str, dict]:
    """Rows per landing day (staging) and per event day (event models): what a wrong reset would change."""
    queries = {
        "stg_web__tracker_events": "select left(_landed_hour, 10), count(*) from staging.stg_web__tracker_events",
        "stg_app__events": "select left(_landed_hour, 10), count(*) from staging.stg_app__events",
        "int_events__unioned": "select event_date::varchar, count(*) from intermediate.int_events__unioned",
        "fct_customer_events": "select event_date::varchar, count(*) from marts.fct_customer_events",
    }
    return {name: dict(fetch(db, f"{sql} group by 1 order by 1")) for name, sql in queries.items()}


def contents(db) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of its rows (without the build time; doubles to 9 places, so that
    the order of a float sum cannot make a difference)."""
    digests = {}
    for table in TABLES:
        schema, name = table.split(".")
        columns = fetch(
            db,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        )
        assert columns, f"{table} does not exist"
        select = comparable_select(columns, {BUILD_TIME})
        digests[table] = fetch(
            db,
            f"select count(*), coalesce(md5(string_agg(r::varchar, chr(10) order by r::varchar)), '') "
            f"from (select {select} from {table}) as r",
        )[0]
    return digests


def build_times(db, table: str) -> dict[str, tuple[date, object]]:
    return {
        event_id: (event_date, built)
        for event_id, event_date, built in fetch(db, f"select event_id, event_date, _built_at from {table}")
    }


def partitions_materialized(result: dg.ExecuteInProcessResult) -> dict[dg.AssetKey, set[str | None]]:
    found: dict[dg.AssetKey, set[str | None]] = {}
    for event in result.get_asset_materialization_events():
        found.setdefault(event.asset_key, set()).add(event.partition)
    return found


def test_backfilling_a_day_is_one_run_and_changes_nothing(tailor_home):
    simulate(
        SimulationConfig(
            out_dir=tailor_home.landing_dir,
            truth_dir=tailor_home.truth_dir,
            scale=0.002,
            seed=11,
            days=3,
            progress=False,
        )
    )
    db = tailor_home.duckdb_path
    instance = dg.DagsterInstance.ephemeral()
    partitioned = set(partitioned_keys("nightly"))
    assert days_with_files(tailor_home) == DayRange(DAYS[0], DAYS[-1])

    nightly = run_job(tailor_home, instance, "nightly", days=DayRange(DAYS[0], DAYS[-1]))
    assert nightly.success
    # The range in one run: every partitioned asset materialized for each of the three days.
    built = partitions_materialized(nightly)
    assert {key: built.get(key) for key in partitioned} == {key: set(DAYS) for key in partitioned}
    counts, before = per_day_counts(db), contents(db)
    assert set(DAYS) <= set(counts["stg_web__tracker_events"])  # data on every day: the test means something
    assert all(counts["int_events__unioned"].get(day, 0) > 0 for day in DAYS)
    built_before = {
        t: build_times(db, t) for t in ("intermediate.int_events__unioned", "marts.fct_customer_events")
    }

    backfill = run_job(tailor_home, instance, "nightly", days=DayRange(BACKFILLED, BACKFILLED))
    assert backfill.success
    assert instance.get_runs_count() == 2  # the backfill was one run
    assert backfill.dagster_run.tags["dagster/asset_partition_range_start"] == BACKFILLED
    assert backfill.dagster_run.tags["dagster/asset_partition_range_end"] == BACKFILLED
    materialized = partitions_materialized(backfill)
    # Exactly day 2 of every day-partitioned asset (raw, staging, event models); the rest unpartitioned.
    assert {key for key, parts in materialized.items() if parts != {None}} == partitioned
    assert {key: materialized[key] for key in partitioned} == {key: {BACKFILLED} for key in partitioned}
    assert instance.get_materialized_partitions(dg.AssetKey(["raw", "web_tracker_events"])) == set(DAYS)
    # Its files were loaded already: the loader skips them (nothing loaded twice).
    totals = load_summary(backfill)["totals"]
    assert sum(t["files_new"] for t in totals.values()) == 0
    assert sum(t["files_skipped"] for t in totals.values()) > 0

    # Idempotent: the same rows everywhere, in the range and outside it.
    assert per_day_counts(db) == counts
    assert contents(db) == before
    # Rebuilt: the rows of day 2 (and of the late-event lookback day before it); no other row was touched.
    for table, rows in built_before.items():
        after = build_times(db, table)
        assert after.keys() == rows.keys(), table
        rebuilt_days = {rows[e][0].isoformat() for e in rows if after[e][1] != rows[e][1]}
        assert BACKFILLED in rebuilt_days, table
        assert rebuilt_days <= {DAYS[0], BACKFILLED}, table  # tailor__late_event_lookback_days: 1

    again = run_job(tailor_home, instance, "nightly", days=DayRange(BACKFILLED, BACKFILLED))
    assert again.success
    assert instance.get_runs_count() == 3
    assert per_day_counts(db) == counts
    assert contents(db) == before
