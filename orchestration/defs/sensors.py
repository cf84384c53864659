"""Start the hourly job early: as soon as the files of an hour have landed (docs/orchestration.md).

The sensor looks at the landing folder (never at DuckDB: it must not take the file's lock while a run
writes), remembers a signature of each recent hour's files in its cursor, and requests a run of the hourly
job for every hour that is over and whose files changed and have settled. Files that land late for an
earlier hour start a run of that hour. The first look only remembers what is there: existing files are the
schedules' and backfills' business. Run keys (hour + signature) and the check shared with the hourly
schedule (``ran_for``) keep one set of files from being run twice.
"""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.defs.jobs import hourly_job
from orchestration.defs.partitions import first_day_start
from orchestration.defs.schedules import hourly_run_request, ran_for
from orchestration.extract.partitions import HOUR, changed_hours, hour_key
from orchestration.settings import load_settings

_settings = load_settings().schedules


def now_utc() -> datetime:
    """The sensor's clock (a function of its own so that tests can set the time)."""
    return datetime.now(UTC)


@dg.sensor(
    job=hourly_job,
    minimum_interval_seconds=_settings.sensor_interval_seconds,
    description="Runs the hourly job for an hour as soon as its new landing files have settled.",
)
def new_landing_files(context: dg.SensorEvaluationContext):
    settings = load_settings()
    now = now_utc()
    horizon = timedelta(hours=settings.schedules.sensor_horizon_hours)
    if context.cursor is None:
        _, seen = changed_hours(settings.landing_dir, {}, now, settle=timedelta(0), horizon=horizon)
        context.update_cursor(json.dumps(seen))
        return dg.SkipReason(f"first look: {len(seen)} recent landing hours remembered, nothing started")
    seen = json.loads(context.cursor)
    settle = timedelta(seconds=settings.schedules.sensor_settle_seconds)
    changed, remembered = changed_hours(settings.landing_dir, seen, now, settle=settle, horizon=horizon)
    requests = []
    for hour, signature in changed.items():
        if hour + HOUR > now:  # the hour is not over yet: look again later
            remembered.pop(hour_key(hour), None)
            if hour_key(hour) in seen:
                remembered[hour_key(hour)] = seen[hour_key(hour)]
        elif hour < first_day_start():
            # No partition holds it (its day would be an invalid key and fail the whole tick). The first
            # landing day owns files that landed before it: a run of that day loads them (nightly, backfill).
            continue
        elif not ran_for(context.instance, hour, signature):
            requests.append(hourly_run_request(hour, signature))
    context.update_cursor(json.dumps(remembered))
    return requests or dg.SkipReason("no new landing files")


defs = dg.Definitions(sensors=[new_landing_files])
