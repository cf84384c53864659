"""Python steps between the dbt layers (the libraries in ml/ and orchestration/steps do the work)."""

import dagster as dg

from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.steps.crm_matching import run_crm_matching_if_changed


@dg.asset(
    key=["ml", "crm_contact_matches"],
    deps=[dg.AssetKey(["staging", "stg_crm__contacts"])],
    group_name="identity",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITER_POOL,
)
def crm_contact_matches(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Pairs of CRM contacts that Splink (Fellegi-Sunter, trained by EM) finds to be one person.

    Skipped when the contacts are those the last run matched (hourly runs between daily CRM exports).
    """
    run, fingerprint = run_crm_matching_if_changed(warehouse.duckdb_path)
    if run is None:
        context.log.info("contacts unchanged since the last matching run: matches kept")
        return dg.MaterializeResult(metadata={"skipped": True, "contacts_fingerprint": fingerprint})
    return dg.MaterializeResult(
        metadata={
            "contacts": run.contacts,
            "pairs": run.pairs,
            "match_threshold": run.match_threshold,
            "seconds": run.seconds,
            "run_id": run.run_id,
            "skipped": False,
            "contacts_fingerprint": fingerprint,
        }
    )


defs = dg.Definitions(assets=[crm_contact_matches])
