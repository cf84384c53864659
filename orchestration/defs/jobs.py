"""The hourly and the nightly job (docs/orchestration.md, "Hourly and nightly").

nightly: every asset (``AssetSelection.all()``): a new asset joins it by existing. Its runs cover a range
    of landing days in one run: the scheduled run the whole history (or the last TAILOR_NIGHTLY_DAYS
    days), which is the full build `tailor demo` runs too.
hourly: every asset except those tagged ``tailor/cadence: nightly`` (nightly segments and campaigns from
    their dbt meta, their payloads; clustering and predictions must carry the tag too). Its runs are one
    landing hour (partition: its day; run tag ``tailor/landing_hour``): the new files of that hour, the incremental models, identity and customers, the hourly
    segments and the hourly (triggered) campaigns, planned as a run of their own (run id = the hour).

Both are partitioned by landing day, inferred from their assets (dagster 1.13 deprecates passing
``partitions_def`` to ``define_asset_job``). Both run their steps in one process: the steps are sequential anyway (every writer is in the pool
``duckdb_writer`` of size 1), and a process per step would cost seconds each.
"""

import dagster as dg

from orchestration.defs.dbt import CADENCE_TAG, HOURLY, NIGHTLY

NIGHTLY_ONLY = dg.AssetSelection.tag(CADENCE_TAG, NIGHTLY)

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    run_tags={CADENCE_TAG: NIGHTLY},
    description="Everything, over a range of landing hours in one run (nightly full build, backfills).",
)

hourly_job = dg.define_asset_job(
    "hourly",
    selection=dg.AssetSelection.all() - NIGHTLY_ONLY,
    executor_def=dg.in_process_executor,
    run_tags={CADENCE_TAG: HOURLY},
    description="One landing hour: new files, incremental models, customers, hourly segments and campaigns.",
)

defs = dg.Definitions(jobs=[nightly_job, hourly_job])
