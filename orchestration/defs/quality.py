"""Data-quality suites (data_quality.SUITES) as blocking asset checks: the hook for Great Expectations.

Each suite becomes an asset check on the asset it names, blocking like an error-severity dbt test: when it
fails, nothing downstream of that asset runs in that run (docs/orchestration.md, "Checks that block").
"""

import dagster as dg

import data_quality
from orchestration.defs.resources import WarehouseResource


def quality_check(suite: data_quality.Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(list(suite.asset)),
        name=suite.name,
        description=suite.description,
        blocking=True,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        result = suite.run(warehouse.duckdb_path)
        return dg.AssetCheckResult(passed=result.passed, metadata=dict(result.metadata))

    return _check


defs = dg.Definitions(asset_checks=[quality_check(suite) for suite in data_quality.SUITES])
