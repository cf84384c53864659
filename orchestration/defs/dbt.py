"""The dbt project as Dagster assets; dbt sources map to the raw assets, so lineage is continuous."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.resources import DUCKDB_WRITER_POOL, dbt_project


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=DUCKDB_WRITER_POOL)
def tailor_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: models and their tests (tests become asset checks)."""
    yield from dbt.cli(["build"], context=context).stream()
