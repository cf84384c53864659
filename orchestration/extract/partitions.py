"""Landing hours: which hourly partition a landing file belongs to, and which files a partition loads.

A partition is one UTC hour of *arrival*: the hour in an hourly file's name (``access_2026-11-03T07.log.gz``
belongs to ``2026-11-03T07``). Daily CSV exports (CRM, consent) name only their day, which by the landing
contract is their arrival day; their hour is unknown, so they belong to the first hour of that day
(``contacts_2026-11-03.csv`` -> ``2026-11-03T00``): the earliest run of the day can load them, and a file
that lands later in the day is picked up by the new-file sensor, which re-runs that hour.

The same rule is written in SQL in ``dbt_project/macros/landing_hours.sql`` (staging partitions its rows by
it); ``tests/orchestration/extract/test_partitions.py`` keeps the two in step. Pure library: no Dagster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestration.extract.landing import LandingFile, discover

HOUR = timedelta(hours=1)
HOUR_FORMAT = "%Y-%m-%dT%H"  # how hours are written in file names, the manifest and dbt vars


def partition_hour(file: LandingFile) -> datetime | None:
    """The UTC hour (tz-aware, minute 0) a landing file belongs to; None when its name carries no date."""
    landed = file.landed_hour
    if landed is None:
        return None
    if len(landed) == len("YYYY-MM-DD"):  # a daily export: the first hour of its day
        landed += "T00"
    return datetime.strptime(landed, HOUR_FORMAT).replace(tzinfo=UTC)


def hour_key(hour: datetime) -> str:
    """``YYYY-MM-DDTHH`` of a UTC hour (the notation of file names and of the dbt window vars)."""
    return hour.astimezone(UTC).strftime(HOUR_FORMAT)


def files_in_hours(
    start: datetime, end: datetime, *, include_earlier: bool = False, include_later: bool = False
) -> Callable[[LandingFile], bool]:
    """A filter for ``load_landing(only=...)``: files whose partition hour is in ``[start, end)``.

    ``include_earlier`` also takes files before ``start`` (and files without a date in their name): the
    first partition of a deployment owns everything that landed before it, so no file is stranded.
    ``include_later`` takes files at or after ``end`` (a full build up to now).
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)

    def wanted(file: LandingFile) -> bool:
        hour = partition_hour(file)
        if hour is None:
            return include_earlier
        if hour < start:
            return include_earlier
        if hour >= end:
            return include_later
        return True

    return wanted


def hours_with_files(
    landing_dir: Path, tables: Iterable[str] | None = None
) -> dict[datetime, list[LandingFile]]:
    """Landing files grouped by partition hour (files without a date in their name are left out)."""
    grouped: dict[datetime, list[LandingFile]] = {}
    for file in discover(landing_dir, tables):
        hour = partition_hour(file)
        if hour is not None:
            grouped.setdefault(hour, []).append(file)
    return dict(sorted(grouped.items()))


def hour_signature(files: Iterable[LandingFile]) -> str:
    """A digest that changes when a file of the hour lands, changes size or is rewritten."""
    parts = sorted(f"{f.relative_path}:{f.size}:{f.mtime_ns}" for f in files)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def changed_hours(
    landing_dir: Path,
    seen: dict[str, str],
    now: datetime,
    *,
    settle: timedelta,
    horizon: timedelta,
) -> tuple[dict[datetime, str], dict[str, str]]:
    """Hours within ``horizon`` before ``now`` whose files changed since ``seen`` (hour key -> signature).

    Returns the changed hours with their new signature, and what to remember: every hour of the horizon
    with files, at the signature acted on. An hour whose newest file is younger than ``settle`` (it may
    still be copying) is neither returned nor remembered as changed, so a later look returns it.
    """
    remembered: dict[str, str] = {}
    changed: dict[datetime, str] = {}
    for hour, files in hours_with_files(landing_dir).items():
        if hour < now - horizon:
            continue
        key = hour_key(hour)
        signature = hour_signature(files)
        newest = datetime.fromtimestamp(max(f.mtime_ns for f in files) / 1e9, tz=UTC)
        if seen.get(key) == signature:
            remembered[key] = signature
        elif now - newest >= settle:
            changed[hour] = signature
            remembered[key] = signature
        elif key in seen:
            remembered[key] = seen[key]
    return changed, remembered
