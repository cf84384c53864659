"""Data-quality suites that gate publishing (no Dagster import: orchestration/defs/quality.py wraps them).

A suite checks one warehouse relation after the asset that builds it has materialized. Dagster turns each
suite in ``SUITES`` into a *blocking* asset check on that asset, so a failing suite stops everything
downstream of it (payload batches, the outbox) in that run, exactly like an error-severity dbt test.

The data-quality issue adds Great Expectations suites here; until then the list is empty. A suite is any
object with:

    asset: tuple[str, ...]             # the Dagster asset key it checks, e.g. ("marts", "dim_customers")
    name: str                          # the check's name, unique per asset
    description: str
    def run(self, duckdb_path: str) -> SuiteResult   # opens the warehouse read-only, never writes
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SuiteResult:
    passed: bool
    metadata: dict[str, object] = field(default_factory=dict)  # counts, failing examples, report paths


class Suite(Protocol):
    asset: tuple[str, ...]
    name: str
    description: str

    def run(self, duckdb_path: str) -> SuiteResult: ...


SUITES: list[Suite] = []
