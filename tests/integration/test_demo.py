"""`tailor demo` end to end on a tiny simulated world, checked against the simulator's ground truth."""

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

# Where each planted fault must end up: (relation, error/rejection column, expected value).
LOAD_QUARANTINE = {
    "csv_too_few_fields": "csv_missing_columns",
    "csv_too_many_fields": "csv_too_many_columns",
    "csv_bad_value": "csv_cast",
    "invalid_json": "invalid_json",
}
STAGING_QUARANTINE = {
    "truncated_log_line": "truncated_log_line",
    "unknown_event_type": "unknown_event_type",
    "duplicate_event": "duplicate_event_id",
}
STAGING_QUARANTINE_MODELS = [
    "stg_web__access_logs_quarantine",
    "stg_web__tracker_events_quarantine",
    "stg_app__events_quarantine",
    "stg_esp__events_quarantine",
]


@pytest.fixture(scope="module")
def demo(demo_world):
    home, stdout = demo_world
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield home, con, stdout
    con.close()


def faults(home: Path) -> pd.DataFrame:
    with (home / "ground_truth" / "faults.csv").open() as handle:
        return pd.DataFrame(list(csv.DictReader(handle))).astype({"line_number": int})


def test_demo_prints_what_it_produced_and_where(demo):
    home, _, stdout = demo
    assert str(home / "warehouse.duckdb") in stdout
    for section in (
        "landing files loaded",
        "staging models",
        "marts",
        "persons:",
        "segments",
        "campaigns this run",
        "emails (Dagster assets email/*)",
    ):
        assert section in stdout, section
    outbox = next(line for line in stdout.splitlines() if "outbox (what the CRM team picks up)" in line)
    assert any(Path(outbox.split(": ", 1)[1]).glob("*.json"))
    gallery = next(line for line in stdout.splitlines() if "preview gallery:" in line)
    assert (
        gallery.split(": ", 1)[1].startswith("file://") and (home / "outputs/previews/index.html").is_file()
    )


def test_demo_ran_through_dagster_one_run_over_every_landing_day(demo):
    """`make demo` is a run of the nightly job on the home's Dagster instance (what `make ui` shows)."""
    home, _, stdout = demo
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_run_records(dg.RunsFilter(job_name="nightly"))
        assert [r.dagster_run.status for r in runs] == [dg.DagsterRunStatus.SUCCESS]
        run_id = runs[0].dagster_run.run_id
        assert f"Dagster run {run_id} succeeded" in stdout
        days = {
            p.relative_to(home / "landing").parts[-2]
            for p in (home / "landing/web/tracker").rglob("*.ndjson")
        }
        for key in (["raw", "web_tracker_events"], ["staging", "stg_web__tracker_events"]):
            assert instance.get_materialized_partitions(dg.AssetKey(key)) == days, key
        for key in (
            ["marts", "dim_customers"],
            ["marts", "customer_metrics"],
            ["campaigns", "payload_inputs"],
        ):
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            assert event is not None and event.run_id == run_id, key


def test_every_staging_model_has_rows_and_every_file_reconciles(demo):
    home, con, _ = demo
    staging = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'staging' "
            "and table_name like 'stg%' and table_name not like '%quarantine'"
        ).fetchall()
    ]
    assert len(staging) >= 10
    for name in staging:
        assert con.execute(f"select count(*) from staging.{name}").fetchone()[0] > 0, name
    unreconciled = con.execute("select file_path from raw.load_manifest where not is_reconciled").fetchall()
    assert unreconciled == []
    landing_files = {
        p.relative_to(home / "landing").as_posix() for p in (home / "landing").rglob("*") if p.is_file()
    }
    assert {p for (p,) in con.execute("select file_path from raw.load_manifest").fetchall()} == landing_files


def test_each_planted_fault_is_quarantined_where_expected_and_nothing_else(demo):
    home, con, _ = demo
    planted = faults(home)
    quarantined_at_load = set(
        con.execute("select source_file, line_number, error_type from raw.quarantine").fetchall()
    )
    expected_at_load = {
        (row.file, row.line_number, LOAD_QUARANTINE[row.fault_type])
        for row in planted.itertuples()
        if row.fault_type in LOAD_QUARANTINE
    }
    assert expected_at_load, "the simulator planted no load-level faults"
    assert quarantined_at_load == expected_at_load

    quarantined_in_staging = set()
    for model in STAGING_QUARANTINE_MODELS:
        quarantined_in_staging |= set(
            con.execute(
                f"select _source_file, _line_number, rejection_reason from staging.{model}"
            ).fetchall()
        )
    expected_in_staging = {
        (row.file, row.line_number, STAGING_QUARANTINE[row.fault_type])
        for row in planted.itertuples()
        if row.fault_type in STAGING_QUARANTINE
    }
    assert {reason for *_, reason in expected_in_staging} == set(STAGING_QUARANTINE.values())
    assert quarantined_in_staging == expected_in_staging


def test_schema_drift_is_reported_and_its_rows_loaded(demo):
    home, con, _ = demo
    drifted = faults(home).query("fault_type == 'schema_drift'").file.tolist()
    assert len(drifted) == 1
    issues = con.execute("select file_path from raw.load_issues where issue_type = 'schema_drift'").fetchall()
    assert issues == [(drifted[0],)]
    extra = con.execute(
        "select count(*) from raw.crm_contacts where _source_file = ? and _extra_columns is not null", drifted
    ).fetchone()[0]
    assert extra > 0


def test_late_and_offset_events_keep_their_true_time(demo):
    """Timestamps staged in UTC equal the true instants, whatever offset or file they arrived with."""
    home, con, _ = demo
    truth = pd.read_parquet(home / "ground_truth" / "events.parquet")
    truth = truth[truth.source.isin(["web_tracker_events", "app_events"])][["event_id", "occurred_at"]]
    staged = con.execute(
        "select event_id, occurred_at, _source_file from staging.stg_web__tracker_events "
        "union all select event_id, occurred_at, _source_file from staging.stg_app__events"
    ).df()
    joined = staged.merge(truth, on="event_id", suffixes=("_staged", "_true"))
    assert len(joined) == len(staged)
    true_utc = pd.to_datetime(joined.occurred_at_true, utc=True).dt.tz_localize(None)
    assert (pd.to_datetime(joined.occurred_at_staged) - true_utc).abs().max() < pd.Timedelta(seconds=1)
    planted = faults(home)
    late_files = set(planted.query("fault_type == 'late_event'").file)
    assert late_files & set(joined._source_file), "no late event reached staging"
