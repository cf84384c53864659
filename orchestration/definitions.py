"""The Dagster code location: it only merges the definitions of orchestration/defs/."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt import tailor_dbt_models
from orchestration.defs.extract import raw_tables
from orchestration.defs.resources import build_resources
from orchestration.settings import load_settings

settings = load_settings()
settings.export_for_subprocesses()  # dbt subprocesses read TAILOR_DUCKDB_PATH

defs = dg.Definitions(
    assets=[raw_tables, tailor_dbt_models],
    resources=build_resources(settings),
)
