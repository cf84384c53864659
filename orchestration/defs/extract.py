"""Landing files -> DuckDB raw tables (the loader in orchestration.extract does the work).

Partitioned by landing day (defs/partitions.py): a run loads the new files of its window (an hourly run:
the files of its day up to its hour; a nightly run or a backfill: its days), so an hourly run reads only
what just landed. Every line is loaded or quarantined and reconciled per file, as
with ``tailor load``.
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.partitions import LANDING_DAYS, landing_window
from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.extract.load import load_landing
from orchestration.extract.partitions import files_in_hours
from orchestration.extract.sources import SOURCES

BOOKKEEPING_TABLES = {
    "load_manifest": "One row per landing file loaded, with its reconciliation.",
    "quarantine": "Lines that could not be parsed, with reason and original text.",
    "load_issues": "Changed, drifting, unreadable or unrecognized landing files.",
}


LOAD_SUMMARY = "load_summary"


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
    partitions_def=LANDING_DAYS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def raw_tables(context: dg.AssetExecutionContext, config: LoadConfig, warehouse: WarehouseResource):
    """Load the new landing files of the run's window; each row keeps its file and line, bad lines go to
    quarantine. The first partition also loads files that landed before it."""
    window = landing_window(context)
    report = load_landing(
        warehouse.duckdb_path,
        Path(warehouse.landing_dir),
        only=files_in_hours(window.load_from, window.end, include_earlier=window.owns_earlier_files),
        replace_changed=config.replace_changed,
        verify_checksums=config.verify_checksums,
        report_unrecognized=True,
    )
    context.log.info(
        f"landing hours {window.describe()}: {len(report.loaded)} new files in {report.seconds:.1f} s"
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
                "lines_in": t.get("lines_in", 0),
                "rows_loaded": t.get("loaded", 0),
                "rows_quarantined": t.get("quarantined", 0),
                "batch_id": report.batch_id,
            },
        )
    for table in BOOKKEEPING_TABLES:
        metadata = {"batch_id": report.batch_id, "unrecognized_files": len(report.unrecognized)}
        if table == "load_manifest":  # what `tailor demo` prints after the run (reporting.print_load_summary)
            metadata[LOAD_SUMMARY] = dg.MetadataValue.json(report.summary() | {"window": window.describe()})
        yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata)


defs = dg.Definitions(assets=[raw_tables])
