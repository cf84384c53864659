"""The Dagster code location: it only merges the definitions of orchestration/defs/."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt import dbt_staging_models, dbt_warehouse_models
from orchestration.defs.extract import raw_tables
from orchestration.defs.ml import crm_contact_matches
from orchestration.defs.resources import build_resources
from orchestration.settings import load_settings

settings = load_settings()
settings.export_for_subprocesses()  # dbt subprocesses read TAILOR_DUCKDB_PATH

defs = dg.Definitions(
    assets=[raw_tables, dbt_staging_models, crm_contact_matches, dbt_warehouse_models],
    resources=build_resources(settings),
)
