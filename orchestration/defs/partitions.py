"""Landing days as Dagster partitions, and how a run's window of landing hours reaches the loader and dbt.

Every asset organised by landing file (the raw tables and the dbt ingest layer: staging, reference data,
unioned events, sessions) is partitioned by *landing day* in TAILOR_SCHEDULE_TIMEZONE (the business day;
the current day is a partition too, filled hour by hour). A run covers

- one landing hour: the hourly job's runs, partition = the hour's day, the hour in the run tag
  ``tailor/landing_hour`` (``YYYY-MM-DDTHH``, UTC like the files' names);
- one day or a range of days in one run (``BackfillPolicy.single_run()``): the nightly run, backfills and
  the full build.

Why days and not hours: Dagster records every partition of every partitioned asset a run materializes,
about 16 ms each here; a full build over 30 days of hourly partitions would spend 7 minutes on 27,000 of
those records (measured, docs/orchestration.md "Partitions"), against 18 s for daily ones. The landing
hour still decides what a run loads and rebuilds, through the window below.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from orchestration.extract.partitions import HOUR, HOUR_FORMAT, hour_key
from orchestration.settings import load_settings

_settings = load_settings().schedules

LANDING_DAYS = dg.DailyPartitionsDefinition(
    start_date=_settings.partitions_start.strftime("%Y-%m-%d"),
    timezone=_settings.timezone,
    end_offset=1,  # today is a partition: hourly runs fill it as the day goes
)
LANDING_HOUR_TAG = "tailor/landing_hour"  # an hourly run's hour, YYYY-MM-DDTHH (UTC)

# The environment variables dbt's macro landing_window() reads (dbt_project/macros/landing_hours.sql).
DBT_WINDOW_ENV = ("TAILOR_DBT_MIN_LANDED_HOUR", "TAILOR_DBT_MAX_LANDED_HOUR")


@dataclass(frozen=True)
class LandingWindow:
    """What a run loads (files of ``[load_from, end)``) and rebuilds (landing hours ``[start, end)``), UTC."""

    start: datetime
    end: datetime
    load_from: datetime
    owns_earlier_files: bool  # the first partition also owns files that landed before it: none is stranded

    @property
    def hours(self) -> int:
        return round((self.end - self.start) / HOUR)

    def dbt_env(self) -> dict[str, str]:
        return dict(zip(DBT_WINDOW_ENV, (hour_key(self.start), hour_key(self.end - HOUR)), strict=True))

    def describe(self) -> str:
        last = hour_key(self.end - HOUR)
        return hour_key(self.start) if self.hours == 1 else f"{hour_key(self.start)} .. {last}"


def landing_window(context: dg.AssetExecutionContext) -> LandingWindow:
    """The run's window: its days, or the one hour of an hourly run (its tag) within its day."""
    days = context.partition_time_window
    start, end = days.start.astimezone(UTC), days.end.astimezone(UTC)
    owns_earlier = start <= first_day_start()
    hour_tag = context.run.tags.get(LANDING_HOUR_TAG)
    if hour_tag is None:
        return LandingWindow(start, end, start, owns_earlier)
    hour = datetime.strptime(hour_tag, HOUR_FORMAT).replace(tzinfo=UTC)
    if not start <= hour < end:
        raise dg.Failure(f"landing hour {hour_tag} is not in the run's partition {context.partition_key}")
    return LandingWindow(hour, hour + HOUR, start, owns_earlier)


def first_day_start() -> datetime:
    return LANDING_DAYS.time_window_for_partition_key(LANDING_DAYS.get_first_partition_key()).start


def day_of(moment: datetime) -> str:
    """The partition key (landing day) a UTC instant belongs to."""
    return LANDING_DAYS.get_partition_key_for_timestamp(moment.timestamp())


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for a subprocess started inside (dagster-dbt passes os.environ to dbt)."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def partition_range_tags(first_key: str, last_key: str) -> dict[str, str]:
    """Run tags that make one run cover a range of partitions (what a single-run backfill launches)."""
    return {
        "dagster/asset_partition_range_start": first_key,
        "dagster/asset_partition_range_end": last_key,
    }
