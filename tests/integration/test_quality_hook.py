"""The hook for data-quality suites: a suite in data_quality.SUITES becomes a blocking asset check, so a
failing suite stops what is downstream of the asset it checks (the way payloads are kept from a bad
warehouse). Real assets writing a real DuckDB file; the suites are small real ones."""

from dataclasses import dataclass

import dagster as dg
import duckdb

from data_quality import SuiteResult
from orchestration.defs.quality import quality_check
from orchestration.defs.resources import WarehouseResource


@dataclass(frozen=True)
class AtLeastRows:
    """Passes when the relation has at least ``minimum`` rows."""

    minimum: int
    asset: tuple[str, ...] = ("marts", "customers_for_test")
    name: str = "has_customers"
    description: str = "the table is not empty"

    def run(self, duckdb_path: str) -> SuiteResult:
        con = duckdb.connect(duckdb_path, read_only=True)
        try:
            (rows,) = con.execute("select count(*) from customers_for_test").fetchone()
        finally:
            con.close()
        return SuiteResult(passed=rows >= self.minimum, metadata={"rows": rows})


@dg.asset(key=["marts", "customers_for_test"])
def customers(warehouse: WarehouseResource) -> None:
    con = duckdb.connect(warehouse.duckdb_path)
    try:
        con.execute("create or replace table customers_for_test as select range as id from range(3)")
    finally:
        con.close()


@dg.asset(key=["email", "payloads_for_test"], deps=[customers])
def payloads() -> None:
    """Stands for everything downstream: it must not run after a failed suite."""


def run_with(suite, tmp_path):
    warehouse = WarehouseResource(duckdb_path=str(tmp_path / "w.duckdb"), landing_dir=str(tmp_path))
    return dg.materialize(
        [customers, payloads, quality_check(suite)],
        resources={"warehouse": warehouse},
        raise_on_error=False,
    )


def test_a_passing_suite_lets_downstream_run(tmp_path):
    result = run_with(AtLeastRows(minimum=3), tmp_path)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed and evaluation.metadata["rows"].value == 3
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"marts/customers_for_test", "email/payloads_for_test"}


def test_a_failing_suite_blocks_everything_downstream(tmp_path):
    result = run_with(AtLeastRows(minimum=4), tmp_path)
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.blocking
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"marts/customers_for_test"}  # the payloads never ran
    assert not result.success
