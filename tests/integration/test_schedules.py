"""The hourly and nightly schedules and the new-file sensor, evaluated as Dagster's daemon would (a tick on a
real instance, run requests resolved against the code location), on a landing folder laid out as in
production. No job runs here: tests/integration/test_backfill.py runs them."""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs import sensors
from orchestration.defs.partitions import LANDING_HOUR_TAG
from orchestration.defs.schedules import SIGNATURE_TAG, hourly_schedule, nightly_days, nightly_schedule
from orchestration.extract.partitions import hour_signature, hours_with_files
from tests.conftest import REPO

H = timedelta(hours=1)
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def land(landing: Path, relative: str, age: timedelta | None = None, now: datetime | None = None) -> Path:
    """Write a small landing file; ``age`` sets its modification time that long before ``now``."""
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"event_id": path.name}) + "\n")
    if age is not None:
        moment = (now - age).timestamp()
        os.utime(path, (moment, moment))
    return path


def app_file(hour: datetime) -> str:
    """The app's hourly export of a UTC hour, e.g. app/events/2026-11-02/app_2026-11-02T14.ndjson."""
    return f"app/events/{hour:%Y-%m-%d}/app_{hour:%Y-%m-%dT%H}.ndjson"


def signature_of(landing: Path, hour: datetime) -> str:
    return hour_signature(hours_with_files(landing)[hour])


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> dg.RepositoryDefinition:
    """The code location, so that ticks resolve their run requests against the real jobs and partitions.
    (Importing it exports TAILOR_HOME: a home of its own, and the environment restored afterwards.)"""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("TAILOR_HOME", str(tmp_path_factory.mktemp("schedules_home")))
        monkeypatch.delenv("TAILOR_DUCKDB_PATH", raising=False)
        from orchestration.definitions import defs

        return defs.get_repository_def()


@pytest.fixture
def instance():
    # Schedule contexts need a persistent instance (an ephemeral one has no instance ref).
    with dg.instance_for_test() as test_instance:
        yield test_instance


def schedule_tick(schedule, instance, repository, at: datetime):
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=at, repository_def=repository
    )
    return schedule.evaluate_tick(context)


def record_hourly_run(instance, hour: str, signature: str, status: dg.DagsterRunStatus):
    """The record of a run of the hourly job for an hour and a set of files, as the sensor or the schedule
    leaves it in the run storage (instance.create_run_for_job would plan the whole job: ~3 s a run)."""
    run = dg.DagsterRun(
        job_name="hourly",
        run_id=str(uuid.uuid4()),
        tags={LANDING_HOUR_TAG: hour, SIGNATURE_TAG: signature},
        status=status,
    )
    return instance.add_run(run)


# ------------------------------------------------------------------------------------------------ hourly


def test_hourly_schedule_requests_the_hour_that_just_ended_in_its_day(tailor_home, instance, repository):
    landing = tailor_home.landing_dir
    hour = datetime(2026, 11, 2, 14, tzinfo=UTC)
    land(landing, app_file(hour))
    land(landing, "crm/contacts/contacts_2026-11-03.csv")  # a daily export: the first hour of its day

    tick = schedule_tick(hourly_schedule, instance, repository, datetime(2026, 11, 2, 15, 10, tzinfo=UTC))
    assert tick.skip_message is None
    (request,) = tick.run_requests
    assert request.job_name == "hourly"
    assert request.partition_key == "2026-11-02"
    assert request.tags[LANDING_HOUR_TAG] == "2026-11-02T14"
    assert request.tags[SIGNATURE_TAG] == signature_of(landing, hour)

    (daily,) = schedule_tick(
        hourly_schedule, instance, repository, datetime(2026, 11, 3, 1, 10, tzinfo=UTC)
    ).run_requests
    assert (daily.partition_key, daily.tags[LANDING_HOUR_TAG]) == ("2026-11-03", "2026-11-03T00")


def test_hourly_schedule_skips_an_hour_without_files_and_one_before_the_first_day(
    tailor_home, instance, repository
):
    landing = tailor_home.landing_dir
    land(landing, app_file(datetime(2026, 11, 2, 14, tzinfo=UTC)))
    land(landing, app_file(datetime(2026, 10, 31, 23, tzinfo=UTC)))  # before the partitions start

    empty = schedule_tick(hourly_schedule, instance, repository, datetime(2026, 11, 2, 16, 10, tzinfo=UTC))
    assert not empty.run_requests
    assert "nothing landed for 2026-11-02T15" in empty.skip_message

    early = schedule_tick(hourly_schedule, instance, repository, datetime(2026, 11, 1, 0, 10, tzinfo=UTC))
    assert not early.run_requests
    assert "before the first landing day" in early.skip_message


def test_hourly_schedule_does_not_repeat_a_run_for_the_same_files(tailor_home, instance, repository):
    landing = tailor_home.landing_dir
    hour = datetime(2026, 11, 2, 14, tzinfo=UTC)
    at = datetime(2026, 11, 2, 15, 10, tzinfo=UTC)
    land(landing, app_file(hour))
    signature = signature_of(landing, hour)

    record_hourly_run(instance, "2026-11-02T14", signature, dg.DagsterRunStatus.FAILURE)
    record_hourly_run(instance, "2026-11-02T13", signature, dg.DagsterRunStatus.SUCCESS)
    assert schedule_tick(hourly_schedule, instance, repository, at).run_requests  # neither counts

    for status in (dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.SUCCESS):
        with dg.instance_for_test() as fresh:
            record_hourly_run(fresh, "2026-11-02T14", signature, status)
            tick = schedule_tick(hourly_schedule, fresh, repository, at)
            assert not tick.run_requests, status
            assert "already ran for these files" in tick.skip_message

    # A file that lands later for the same hour changes the signature: the hour runs again.
    record_hourly_run(instance, "2026-11-02T14", signature, dg.DagsterRunStatus.SUCCESS)
    land(landing, "esp/events/2026-11-02/esp_2026-11-02T14.ndjson")
    (request,) = schedule_tick(hourly_schedule, instance, repository, at).run_requests
    assert request.tags[SIGNATURE_TAG] == signature_of(landing, hour) != signature


# ----------------------------------------------------------------------------------------------- nightly


def test_nightly_schedule_covers_the_days_up_to_yesterday_in_one_run(
    tailor_home, instance, repository, monkeypatch
):
    at = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    (request,) = schedule_tick(nightly_schedule, instance, repository, at).run_requests
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2026-11-01", "2026-11-04")
    assert request.partition_key is None  # a range of partitions, not one
    assert nightly_schedule.job_name == "nightly"

    monkeypatch.setenv("TAILOR_NIGHTLY_DAYS", "2")
    (recent,) = schedule_tick(nightly_schedule, instance, repository, at).run_requests
    assert (recent.tags[RANGE_START], recent.tags[RANGE_END]) == ("2026-11-03", "2026-11-04")
    monkeypatch.setenv("TAILOR_NIGHTLY_DAYS", "30")  # more days than there are: from the first day
    (capped,) = schedule_tick(nightly_schedule, instance, repository, at).run_requests
    assert capped.tags[RANGE_START] == "2026-11-01"

    first_night = schedule_tick(nightly_schedule, instance, repository, datetime(2026, 11, 1, 2, tzinfo=UTC))
    assert not first_night.run_requests and first_night.skip_message


def test_nightly_days_counts_back_from_the_day_that_ended():
    at = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    assert nightly_days(at, 0) == ("2026-11-01", "2026-11-09")
    assert nightly_days(at, 1) == ("2026-11-09", "2026-11-09")
    assert nightly_days(at, 3) == ("2026-11-07", "2026-11-09")
    assert nightly_days(datetime(2026, 11, 1, 23, tzinfo=UTC), 0) is None


# ------------------------------------------------------------------------------------------ time zone

TIMEZONE_PROBE = """
import json
from datetime import UTC, datetime
import dagster as dg
from orchestration.definitions import defs
from orchestration.defs.partitions import LANDING_DAYS, LANDING_HOUR_TAG, day_of
from orchestration.defs.schedules import hourly_schedule, nightly_schedule

repository = defs.get_repository_def()
window = LANDING_DAYS.time_window_for_partition_key("2026-11-03")


def tick(schedule, at):
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=at, repository_def=repository)
        return schedule.evaluate_tick(context).run_requests


(hourly,) = tick(hourly_schedule, datetime(2026, 11, 3, 4, 10, tzinfo=UTC))  # 23:10 on Nov 2 in New York
(nightly,) = tick(nightly_schedule, datetime(2026, 11, 5, 3, 0, tzinfo=UTC))  # 22:00 on Nov 4 in New York
print(json.dumps({
    "execution_timezones": [hourly_schedule.execution_timezone, nightly_schedule.execution_timezone],
    "partitions_timezone": LANDING_DAYS.timezone,
    "nov3": [window.start.astimezone(UTC).isoformat(), window.end.astimezone(UTC).isoformat()],
    "day_of_03utc": day_of(datetime(2026, 11, 3, 3, tzinfo=UTC)),
    "hourly": [hourly.partition_key, hourly.tags[LANDING_HOUR_TAG]],
    "nightly": [nightly.tags["dagster/asset_partition_range_start"], nightly.tags["dagster/asset_partition_range_end"]],
}))
"""


def test_a_schedule_timezone_moves_the_schedules_and_the_day_boundaries(tailor_home):
    """The definitions read the time zone when imported: a process of their own with the variable set."""
    land(tailor_home.landing_dir, app_file(datetime(2026, 11, 3, 3, tzinfo=UTC)))
    env = os.environ | {"TAILOR_SCHEDULE_TIMEZONE": "America/New_York"}
    completed = subprocess.run(
        [sys.executable, "-c", TIMEZONE_PROBE],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    probe = json.loads(completed.stdout.strip().splitlines()[-1])
    assert probe["execution_timezones"] == ["America/New_York", "America/New_York"]
    assert probe["partitions_timezone"] == "America/New_York"
    # Daylight saving time ended on 2026-11-01: New York's days start at 05:00 UTC.
    assert probe["nov3"] == ["2026-11-03T05:00:00+00:00", "2026-11-04T05:00:00+00:00"]
    # 03:00 UTC on Nov 3 is 22:00 on Nov 2 in New York: its file belongs to the landing day Nov 2.
    assert probe["day_of_03utc"] == "2026-11-02"
    assert probe["hourly"] == ["2026-11-02", "2026-11-03T03"]
    # At 22:00 on Nov 4 in New York (03:00 UTC on Nov 5), the day that ended is Nov 3 (in UTC: Nov 4).
    assert probe["nightly"] == ["2026-11-01", "2026-11-03"]


# ------------------------------------------------------------------------------------------------ sensor


class Clock:
    """The sensor's clock, set by the test (orchestration.defs.sensors.now_utc)."""

    def __init__(self, monkeypatch, now: datetime):
        self.now = now
        monkeypatch.setattr(sensors, "now_utc", lambda: self.now)


def sensor_tick(instance, repository, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repository)
    return sensors.new_landing_files.evaluate_tick(context)


def requested(tick) -> list[tuple[str, str]]:
    return [(r.partition_key, r.tags[LANDING_HOUR_TAG]) for r in tick.run_requests]


def test_sensor_starts_an_hour_once_its_new_files_have_settled(
    tailor_home, instance, repository, monkeypatch
):
    landing = tailor_home.landing_dir
    day = datetime(2026, 11, 3, tzinfo=UTC)
    clock = Clock(monkeypatch, day + timedelta(hours=8, minutes=30))
    for hour in (day + 5 * H, day + 6 * H):
        land(landing, app_file(hour), age=H, now=clock.now)
    land(landing, app_file(day - 3 * 24 * H), age=H, now=clock.now)  # beyond the horizon (48 h)

    first = sensor_tick(instance, repository, None)
    assert not first.run_requests and "first look" in first.skip_message
    assert set(json.loads(first.cursor)) == {"2026-11-03T05", "2026-11-03T06"}

    # A file of an hour that is over, settled (10 minutes old): one run of that hour.
    land(landing, app_file(day + 7 * H), age=timedelta(minutes=10), now=clock.now)
    new_file = sensor_tick(instance, repository, first.cursor)
    assert requested(new_file) == [("2026-11-03", "2026-11-03T07")]
    (request,) = new_file.run_requests
    assert request.job_name == "hourly"
    assert request.tags[SIGNATURE_TAG] == signature_of(landing, day + 7 * H)

    same_files = sensor_tick(instance, repository, new_file.cursor)
    assert not same_files.run_requests

    # A late file for an earlier hour, 30 s old (settle time: 120 s): it may still be copying.
    land(landing, "esp/events/2026-11-03/esp_2026-11-03T05.ndjson", age=timedelta(seconds=30), now=clock.now)
    copying = sensor_tick(instance, repository, same_files.cursor)
    assert not copying.run_requests
    clock.now += timedelta(minutes=5)
    settled = sensor_tick(instance, repository, copying.cursor)
    assert requested(settled) == [("2026-11-03", "2026-11-03T05")]

    # A file of the current hour (08:00-09:00) waits until the hour is over.
    land(landing, app_file(day + 8 * H), age=timedelta(minutes=10), now=clock.now)
    current = sensor_tick(instance, repository, settled.cursor)
    assert not current.run_requests
    clock.now = day + timedelta(hours=9, minutes=1)
    over = sensor_tick(instance, repository, current.cursor)
    assert requested(over) == [("2026-11-03", "2026-11-03T08")]
    assert not sensor_tick(instance, repository, over.cursor).run_requests


def test_sensor_leaves_an_hour_the_hourly_schedule_already_ran(
    tailor_home, instance, repository, monkeypatch
):
    landing = tailor_home.landing_dir
    hour = datetime(2026, 11, 3, 7, tzinfo=UTC)
    clock = Clock(monkeypatch, hour + timedelta(hours=1, minutes=20))
    cursor = sensor_tick(instance, repository, None).cursor
    land(landing, app_file(hour), age=timedelta(minutes=15), now=clock.now)
    record_hourly_run(instance, "2026-11-03T07", signature_of(landing, hour), dg.DagsterRunStatus.SUCCESS)
    tick = sensor_tick(instance, repository, cursor)
    assert not tick.run_requests
    assert "2026-11-03T07" in json.loads(tick.cursor)  # remembered: not looked at again


def test_sensor_requests_no_run_for_an_hour_before_the_first_landing_day(
    tailor_home, instance, repository, monkeypatch
):
    """A file named for an hour before the partitions start has no partition: requesting its day would
    make the tick fail; the first day's runs load such files."""
    landing = tailor_home.landing_dir
    first_day = datetime(2026, 11, 1, tzinfo=UTC)
    clock = Clock(monkeypatch, first_day + timedelta(hours=6, minutes=30))
    land(landing, app_file(first_day - H), age=timedelta(minutes=10), now=clock.now)
    land(landing, app_file(first_day + 5 * H), age=timedelta(minutes=10), now=clock.now)
    tick = sensor_tick(instance, repository, "{}")
    assert requested(tick) == [("2026-11-01", "2026-11-01T05")]
    assert "2026-10-31T23" in json.loads(tick.cursor)
