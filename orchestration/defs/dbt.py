"""The dbt project as Dagster assets; dbt sources map to the raw and ml assets, so lineage is continuous.

Two asset definitions, because a Python step (probabilistic matching) sits between staging and the
models after it, and one op cannot run on both sides of another asset.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.resources import DUCKDB_WRITER_POOL, dbt_project

STAGING = "path:models/staging"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=STAGING,
    name="dbt_staging",
    pool=DUCKDB_WRITER_POOL,
)
def dbt_staging_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` of the staging models and their tests (tests become asset checks)."""
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=STAGING,
    name="dbt_warehouse",
    pool=DUCKDB_WRITER_POOL,
)
def dbt_warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` of everything after staging: identity, customers, snapshots."""
    yield from dbt.cli(["build"], context=context).stream()


defs = dg.Definitions(assets=[dbt_staging_models, dbt_warehouse_models])
