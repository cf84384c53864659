"""Running tailor's jobs from Python on a persistent Dagster instance: `tailor demo`, tests, benchmarks.

The runs are ordinary Dagster runs (``execute_in_process`` on the instance of DAGSTER_HOME), so they show
in the UI (`make ui`) afterwards with their partitions, materializations and asset checks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from orchestration.dagster_home import prepare_dagster_home
from orchestration.defs.extract import LOAD_SUMMARY
from orchestration.defs.partitions import (
    LANDING_HOUR_TAG,
    day_of,
    first_day_start,
    partition_range_tags,
)
from orchestration.defs.schedules import SIGNATURE_TAG
from orchestration.extract.partitions import hour_key, hour_signature, hours_with_files
from orchestration.settings import Settings


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The instance of the tailor home (DAGSTER_HOME, created with tailor's dagster.yaml if needed)."""
    os.environ["DAGSTER_HOME"] = str(prepare_dagster_home(settings))
    return dg.DagsterInstance.get()


def definitions_for(settings: Settings) -> dg.Definitions:
    """The code location's definitions, with resources pointing at ``settings``' warehouse and landing."""
    from orchestration import definitions
    from orchestration.defs import resources

    others = [d for d in definitions._module_defs() if d is not resources.defs]
    return dg.Definitions.merge(*others, dg.Definitions(resources=resources.build_resources(settings)))


@dataclass(frozen=True)
class DayRange:
    first: str
    last: str

    @property
    def tags(self) -> dict[str, str]:
        return partition_range_tags(self.first, self.last)


def days_with_files(settings: Settings) -> DayRange | None:
    """The landing days that have files (files before the first day belong to it), up to today."""
    hours = hours_with_files(settings.landing_dir)
    if not hours:
        return None
    first = max(min(hours), first_day_start())
    last = min(max(hours), datetime.now(UTC))
    return DayRange(day_of(first), day_of(last))


def run_job(
    settings: Settings,
    instance: dg.DagsterInstance,
    job_name: str,
    *,
    days: DayRange | None = None,
    hour: datetime | None = None,
    run_config: dict | None = None,
    raise_on_error: bool = True,
) -> dg.ExecuteInProcessResult:
    """One run of ``job_name``: over a range of landing days (the nightly job; a single-run backfill), or
    for one landing hour (the hourly job, as its schedule and sensor request it)."""
    if (days is None) == (hour is None):
        raise ValueError("give a range of days or an hour")
    settings.export_for_subprocesses()  # dbt reads the DuckDB path from the environment
    job = definitions_for(settings).resolve_job_def(job_name)
    if hour is not None:
        # Tagged like the schedule's and the sensor's runs, so they do not run the same files again.
        signature = hour_signature(hours_with_files(settings.landing_dir).get(hour, []))
        return job.execute_in_process(
            instance=instance,
            partition_key=day_of(hour),
            tags={LANDING_HOUR_TAG: hour_key(hour), SIGNATURE_TAG: signature},
            run_config=run_config,
            raise_on_error=raise_on_error,
        )
    return job.execute_in_process(
        instance=instance, tags=days.tags, run_config=run_config, raise_on_error=raise_on_error
    )


def load_summary(result: dg.ExecuteInProcessResult) -> dict | None:
    """What the run's load did (LoadReport.summary(), kept in raw/load_manifest's metadata)."""
    for event in result.get_asset_materialization_events():
        summary = event.materialization.metadata.get(LOAD_SUMMARY)
        if summary is not None:
            return summary.value
    return None
