"""When the jobs run: hourly for the landing hour that just ended, nightly over the history.

Both schedules emit runs *with* partitions (a day, or a range of days in one run), never a bare run of a
partitioned job (which fails: the gotcha of build_schedule_from_dbt_selection). They are schedules over
the partitioned jobs rather than ``build_schedule_from_partitioned_job`` because that helper can give a
run neither an hour within its day (the hourly job's tag ``tailor/landing_hour``) nor a range of days (the
nightly run), and because the hourly one must not repeat a run the new-file sensor already started for the
same files. Times are in TAILOR_SCHEDULE_TIMEZONE (docs/orchestration.md, "Schedules and sensor").
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.defs.jobs import hourly_job, nightly_job
from orchestration.defs.partitions import (
    LANDING_DAYS,
    LANDING_HOUR_TAG,
    day_of,
    first_day_start,
    partition_range_tags,
)
from orchestration.extract.partitions import HOUR, hour_key, hour_signature, hours_with_files
from orchestration.settings import load_settings

SIGNATURE_TAG = "tailor/landing_signature"  # the digest of the hour's files a run was started for
STARTED_OR_DONE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.SUCCESS,
]

_settings = load_settings().schedules


def ran_for(instance: dg.DagsterInstance, hour: datetime, signature: str) -> bool:
    """Whether an hourly run for this hour and these very files succeeded or is under way."""
    records = instance.get_run_records(
        dg.RunsFilter(
            job_name=hourly_job.name,
            tags={LANDING_HOUR_TAG: hour_key(hour), SIGNATURE_TAG: signature},
            statuses=STARTED_OR_DONE,
        ),
        limit=1,
    )
    return bool(records)


def hourly_run_request(hour: datetime, signature: str) -> dg.RunRequest:
    """A run of the hourly job for one landing hour: partition = its day, the hour in a tag.

    A plain ``RunRequest``: ``hourly_job.run_request_for_partition`` fails ("non-partitioned job"), since
    the job's partitions are inferred from its assets only when the definitions are resolved."""
    return dg.RunRequest(
        job_name=hourly_job.name,
        partition_key=day_of(hour),
        run_key=f"{hour_key(hour)}:{signature}",
        tags={LANDING_HOUR_TAG: hour_key(hour), SIGNATURE_TAG: signature},
    )


@dg.schedule(
    job=hourly_job,
    cron_schedule=f"{_settings.hourly_minute} * * * *",
    execution_timezone=_settings.timezone,
    description="The landing hour that just ended, unless the new-file sensor already ran it.",
)
def hourly_schedule(context: dg.ScheduleEvaluationContext):
    scheduled = context.scheduled_execution_time.astimezone(UTC)
    hour = scheduled.replace(minute=0, second=0, microsecond=0) - HOUR
    if hour < first_day_start():
        return dg.SkipReason(f"{hour_key(hour)} is before the first landing day")
    files = hours_with_files(load_settings().landing_dir).get(hour, [])
    if not files:
        return dg.SkipReason(f"nothing landed for {hour_key(hour)}")
    signature = hour_signature(files)
    if ran_for(context.instance, hour, signature):
        return dg.SkipReason(f"{hour_key(hour)} already ran for these files (new-file sensor)")
    return hourly_run_request(hour, signature)


def nightly_days(scheduled: datetime, days: int) -> tuple[str, str] | None:
    """The first and last landing day a nightly run at ``scheduled`` covers: up to the day that ended,
    from the first day (``days`` = 0) or from ``days`` days back."""
    last = day_of(scheduled - timedelta(days=1))
    first = LANDING_DAYS.get_first_partition_key()
    if days > 0:
        first = max(first, day_of(scheduled - timedelta(days=days)))  # keys (YYYY-MM-DD) sort by time
    return (first, last) if first <= last else None


@dg.schedule(
    job=nightly_job,
    cron_schedule="{1} {0} * * *".format(*_settings.nightly_time.split(":")),
    execution_timezone=_settings.timezone,
    description="Everything over the landing days up to yesterday (TAILOR_NIGHTLY_DAYS, 0: all), in one run.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    days = nightly_days(context.scheduled_execution_time, load_settings().schedules.nightly_days)
    if days is None:
        return dg.SkipReason("no landing day has ended since the partitions start")
    first, last = days
    return dg.RunRequest(run_key=f"nightly:{last}", tags=partition_range_tags(first, last))


defs = dg.Definitions(schedules=[hourly_schedule, nightly_schedule])
