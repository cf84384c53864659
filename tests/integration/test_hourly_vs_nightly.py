"""The correctness rule of incremental runs: after a nightly build of day 1 and the 24 hourly runs of day 2,
the warehouse equals one nightly full build over the same files: the same staging rows, events, sessions,
identity, profiles, metrics, interest scores and hourly segments. A late event planted in a day-2 file for
day 1 (after day 1 was built) is counted in day 1 by both.

Left out of the comparison, on purpose: what records runs rather than data (the send log, campaign plans,
segment membership history, snapshots, the person-id change history, load batch ids and timestamps) and the
nightly-cadence segments, which hourly runs do not refresh (docs/orchestration.md). Doubles are compared
to 9 decimals: sums of the same numbers in another order differ in the last bits.
"""

import dataclasses
import json
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest

from orchestration.dagster_runs import DayRange, run_job
from orchestration.defs.partitions import day_of
from orchestration.extract.partitions import hours_with_files
from orchestration.settings import load_settings
from orchestration.simulator import SimulationConfig, simulate
from tests.conftest import comparable_select, fetch

DAY1, DAY2 = "2026-11-01", "2026-11-02"
LATE_EVENT_ID = "6c1f3c1e-0000-4000-8000-000000000001"
LATE_OCCURRED_AT = "2026-11-01T23:40:00.000Z"  # lands in the file of 2026-11-02T03
COMPARED_SCHEMAS = ("staging", "intermediate", "marts", "segments")
RUN_RECORDS = {"segments.segment_membership_history", "marts.person_id_history"}
VOLATILE_COLUMNS = {"_built_at", "_loaded_at", "loaded_at", "batch_id"}


def plant_late_event(landing) -> dict:
    """A product view of a known customer on day 1 that arrives 4 hours late, in a day-2 file."""
    for path in sorted((landing / "web/tracker").glob(f"{DAY1}/*.ndjson")):
        for line in path.read_text().splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # planted faults
            if isinstance(event, dict) and event.get("event_type") == "product_view" and event.get("user_id"):
                late = event | {"event_id": LATE_EVENT_ID, "occurred_at": LATE_OCCURRED_AT}
                late_file = landing / f"web/tracker/{DAY2}/tracker_{DAY2}T03.ndjson"
                with late_file.open("a") as out:
                    out.write(json.dumps(late) + "\n")
                return late
    raise AssertionError("no product view of a known customer on day 1")


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("hourly_vs_nightly")
    landing = root / "landing"
    simulate(SimulationConfig(out_dir=landing, truth_dir=root / "truth", scale=0.002, seed=5, days=2))
    late = plant_late_event(landing)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TAILOR_HOME", str(root / "nightly"))
        for name in ("TAILOR_DUCKDB_PATH", "TAILOR_LANDING_DIR", "TAILOR_OUTPUT_DIR", "DAGSTER_HOME"):
            env.delenv(name, raising=False)
        base = load_settings()

        def home(name):
            (root / name).mkdir()
            return dataclasses.replace(
                base,
                home=root / name,
                duckdb_path=root / name / "warehouse.duckdb",
                landing_dir=landing,
                output_dir=root / name / "outputs",
            )

        nightly, hourly = home("nightly"), home("hourly")
        instance = dg.DagsterInstance.ephemeral()
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        full_build = run_job(nightly, instance, "nightly", days=DayRange(DAY1, DAY2), run_config=quiet)
        assert full_build.success
        assert run_job(hourly, instance, "nightly", days=DayRange(DAY1, DAY1), run_config=quiet).success
        hours = sorted(hour for hour in hours_with_files(landing) if day_of(hour) == DAY2)
        assert len(hours) == 24
        hourly_runs = []
        for hour in hours:
            env.setenv("TAILOR_HOME", str(hourly.home))  # the email assets' output folder
            result = run_job(hourly, instance, "hourly", hour=hour, run_config=quiet)
            assert result.success, hour
            hourly_runs.append(result)
    return Worlds(nightly, hourly, late, full_build, hourly_runs)


@dataclasses.dataclass
class Worlds:
    nightly: object  # Settings of the home built by one nightly run over both days
    hourly: object  # Settings of the home built by a nightly run of day 1 and 24 hourly runs of day 2
    late: dict  # the planted late event
    full_build: dg.ExecuteInProcessResult
    hourly_runs: list[dg.ExecuteInProcessResult]


def compared_tables(con) -> list[tuple[str, str]]:
    schemas = ", ".join(f"'{s}'" for s in COMPARED_SCHEMAS)
    tables = con.execute(
        f"select schema_name, table_name from duckdb_tables() where database_name = 'nightly' "
        f"and schema_name in ({schemas}) order by all"
    ).fetchall()
    nightly_segments = {
        name
        for (name,) in con.execute(
            "select distinct segment_name from nightly.segments.segment_memberships where refresh = 'nightly'"
        ).fetchall()
    }
    assert nightly_segments and "vip_customers" in nightly_segments
    return [
        (schema, table)
        for schema, table in tables
        if f"{schema}.{table}" not in RUN_RECORDS and not (schema == "segments" and table in nightly_segments)
    ]


def difference(con, schema: str, table: str) -> tuple[int, int, int]:
    """(rows, rows only in the nightly build, rows only after the hourly runs)."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = 'nightly' and schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    select = comparable_select(columns, VOLATILE_COLUMNS)
    where = "where refresh = 'hourly'" if (schema, table) == ("segments", "segment_memberships") else ""

    def rows(db):
        return f"select {select} from {db}.{schema}.{table} {where}"

    (count,) = con.execute(f"select count(*) from ({rows('nightly')})").fetchone()
    (only_nightly,) = con.execute(
        f"select count(*) from ({rows('nightly')} except all {rows('hourly')})"
    ).fetchone()
    (only_hourly,) = con.execute(
        f"select count(*) from ({rows('hourly')} except all {rows('nightly')})"
    ).fetchone()
    return count, only_nightly, only_hourly


def test_the_nightly_run_materializes_the_whole_graph_with_counts_and_checks(warehouses):
    result, db = warehouses.full_build, warehouses.nightly.duckdb_path
    built = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    from orchestration.definitions import defs

    everything = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert set(built) == everything  # the whole graph, raw files to the outbox, in one run
    assert built["raw/web_tracker_events"]["rows_loaded"].value > 0
    # Every dbt model reports its row count (counted after dbt exits); segments their size in persons.
    for table in ("marts.dim_customers", "staging.stg_web__tracker_events", "segments.segment_memberships"):
        [(rows,)] = fetch(db, f"select count(*) from {table}")
        assert built[table.replace(".", "/")]["dagster/row_count"].value == rows, table
    [(persons,)] = fetch(db, "select count(distinct person_id) from segments.vip_customers")
    assert built["segments/vip_customers"]["segment_size"].value == persons
    checks = result.get_asset_check_evaluations()
    assert len(checks) > 100 and all(c.passed for c in checks if c.severity == dg.AssetCheckSeverity.ERROR)


def test_an_hourly_run_loads_its_hour_and_leaves_nightly_assets_alone(warehouses):
    files_by_hour = hours_with_files(warehouses.nightly.landing_dir)
    nightly_only = {"segments/vip_customers", "segments/lapsed_buyers", "campaigns/campaign_vip_newsletter"}
    for result in warehouses.hourly_runs:
        hour = result.dagster_run.tags["tailor/landing_hour"]
        built = {
            e.asset_key.to_user_string(): e.materialization.metadata
            for e in result.get_asset_materialization_events()
        }
        assert not nightly_only & set(built), hour
        assert {"marts/dim_customers", "segments/cart_abandoners", "email/outbox"} <= set(built), hour
        summary = built["raw/load_manifest"]["load_summary"].value
        assert summary["window"] == hour
        # It loaded exactly the files of its hour (the daily exports belong to hour 00).
        landed = files_by_hour[datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=UTC)]
        assert sum(t.get("files_new", 0) for t in summary["totals"].values()) == len(landed), hour


def test_24_hourly_runs_build_the_warehouse_one_nightly_build_does(warehouses):
    nightly, hourly = warehouses.nightly, warehouses.hourly
    con = duckdb.connect()
    con.execute(f"attach '{nightly.duckdb_path}' as nightly (read_only)")
    con.execute(f"attach '{hourly.duckdb_path}' as hourly (read_only)")
    tables = compared_tables(con)
    for must in (
        "marts.dim_customers",
        "marts.customer_metrics",
        "segments.cart_abandoners",
        "segments.segment_memberships",
        "intermediate.int_web_sessions",
    ):
        assert tuple(must.split(".")) in tables
    differences = {}
    for schema, table in tables:
        count, only_nightly, only_hourly = difference(con, schema, table)
        if only_nightly or only_hourly:
            differences[f"{schema}.{table}"] = (count, only_nightly, only_hourly)
    assert differences == {}, "rows, only in the nightly build, only after hourly runs: " + repr(differences)
    (customers,) = con.execute("select count(*) from hourly.marts.dim_customers").fetchone()
    (in_segments,) = con.execute(
        "select count(*) from hourly.segments.segment_memberships where refresh = 'hourly'"
    ).fetchone()
    assert customers > 100 and in_segments > 10


def test_a_late_event_is_counted_in_the_day_it_happened(warehouses):
    nightly, hourly, late = warehouses.nightly, warehouses.hourly, warehouses.late
    for settings in (nightly, hourly):
        con = duckdb.connect(str(settings.duckdb_path), read_only=True)
        try:
            staged = con.execute(
                "select _landed_hour from staging.stg_web__tracker_events where event_id = ?", [LATE_EVENT_ID]
            ).fetchall()
            assert staged == [(f"{DAY2}T03",)]
            facts = con.execute(
                "select cast(event_date as date), occurred_at, person_id from marts.fct_customer_events "
                "where source = 'tracker' and source_event_id = ?",
                [LATE_EVENT_ID],
            ).fetchall()
            assert len(facts) == 1, settings.home.name
            event_date, occurred_at, person_id = facts[0]
            assert event_date.isoformat() == DAY1
            assert occurred_at.replace(tzinfo=UTC) == datetime(2026, 11, 1, 23, 40, tzinfo=UTC)
            # The person's day-1 view is in their interest in that product.
            (views,) = con.execute(
                "select product_views from marts.customer_interest_products where person_id = ? "
                "and product_id = ?",
                [person_id, late["properties"].get("product_id")],
            ).fetchone()
            assert views >= 1
        finally:
            con.close()
