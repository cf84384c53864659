"""Landing files -> DuckDB raw tables (the loader in orchestration.extract does the work)."""

from pathlib import Path

import dagster as dg

from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.extract.load import load_landing
from orchestration.extract.sources import SOURCES

BOOKKEEPING_TABLES = {
    "load_manifest": "One row per landing file loaded, with its reconciliation.",
    "quarantine": "Lines that could not be parsed, with reason and original text.",
    "load_issues": "Changed, drifting, unreadable or unrecognized landing files.",
}


class LoadConfig(dg.Config):
    replace_changed: bool = False
    """Replace the rows of landing files whose content changed after they were loaded."""
    verify_checksums: bool = False
    """Re-hash files whose size and modification time did not change."""


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", table], group_name="raw", description=spec.description, kinds={"duckdb"})
        for table, spec in SOURCES.items()
    ]
    + [
        dg.AssetSpec(["raw", table], group_name="raw", description=description, kinds={"duckdb"})
        for table, description in BOOKKEEPING_TABLES.items()
    ],
    pool=DUCKDB_WRITER_POOL,
)
def raw_tables(context: dg.AssetExecutionContext, config: LoadConfig, warehouse: WarehouseResource):
    """Load every new landing file; each row keeps its file and line, bad lines go to quarantine."""
    report = load_landing(
        warehouse.duckdb_path,
        Path(warehouse.landing_dir),
        replace_changed=config.replace_changed,
        verify_checksums=config.verify_checksums,
    )
    totals = report.totals_by_source()
    for problem in report.problems:
        context.log.warning(f"{problem.relative_path}: {problem.status}; {problem.note}")
    for table in SOURCES:
        t = totals.get(table, {})
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "new_files": t.get("files_new", 0),
                "skipped_files": t.get("files_skipped", 0),
                "problem_files": t.get("files_problem", 0),
                "rows_loaded": t.get("loaded", 0),
                "rows_quarantined": t.get("quarantined", 0),
                "batch_id": report.batch_id,
            },
        )
    for table in BOOKKEEPING_TABLES:
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={"batch_id": report.batch_id, "unrecognized_files": len(report.unrecognized)},
        )


defs = dg.Definitions(assets=[raw_tables])
