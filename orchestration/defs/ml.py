"""Python steps between the dbt layers (the libraries in ml/ and orchestration/steps do the work)."""

import dagster as dg

from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.steps.crm_matching import run_crm_matching


@dg.asset(
    key=["ml", "crm_contact_matches"],
    deps=[dg.AssetKey(["staging", "stg_crm__contacts"])],
    group_name="identity",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITER_POOL,
)
def crm_contact_matches(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Pairs of CRM contacts that Splink (Fellegi-Sunter, trained by EM) finds to be one person."""
    run = run_crm_matching(warehouse.duckdb_path)
    return dg.MaterializeResult(
        metadata={
            "contacts": run.contacts,
            "pairs": run.pairs,
            "match_threshold": run.match_threshold,
            "seconds": run.seconds,
            "run_id": run.run_id,
        }
    )


defs = dg.Definitions(assets=[crm_contact_matches])
