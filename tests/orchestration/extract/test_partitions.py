"""Landing hours: which partition a file belongs to, and loading only the files of given hours."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestration.extract.landing import discover
from orchestration.extract.load import load_landing
from orchestration.extract.partitions import (
    changed_hours,
    files_in_hours,
    hour_signature,
    hours_with_files,
    partition_hour,
)
from tests.conftest import fetch

H = timedelta(hours=1)
NOV3 = datetime(2026, 11, 3, tzinfo=UTC)
TRACKER_LINE = '{"event_id": "e%d", "event_type": "page_view", "occurred_at": "2026-11-03T00:00:00Z"}\n'


def landing_folder(root: Path) -> Path:
    files = {
        "web/tracker/2026-11-02/tracker_2026-11-02T23.ndjson": TRACKER_LINE % 1,
        "web/tracker/2026-11-03/tracker_2026-11-03T00.ndjson": TRACKER_LINE % 2,
        "web/tracker/2026-11-03/tracker_2026-11-03T07.ndjson": TRACKER_LINE % 3 + "not json\n",
        "consent/consent_2026-11-03.csv": "consent_id,contact_id,email,purpose,status,recorded_at,source\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_an_hourly_file_belongs_to_its_hour_and_a_daily_file_to_the_first_hour_of_its_day(tmp_path):
    hours = {f.relative_path: partition_hour(f) for f in discover(landing_folder(tmp_path))}
    assert hours == {
        "web/tracker/2026-11-02/tracker_2026-11-02T23.ndjson": NOV3 - H,
        "web/tracker/2026-11-03/tracker_2026-11-03T00.ndjson": NOV3,
        "web/tracker/2026-11-03/tracker_2026-11-03T07.ndjson": NOV3 + 7 * H,
        "consent/consent_2026-11-03.csv": NOV3,
    }


def test_files_in_hours_takes_the_window_and_on_request_what_lies_before_or_after(tmp_path):
    files = discover(landing_folder(tmp_path))

    def picked(**kwargs) -> set[str]:
        wanted = files_in_hours(NOV3, NOV3 + 7 * H, **kwargs)
        return {Path(f.relative_path).name for f in files if wanted(f)}

    assert picked() == {"tracker_2026-11-03T00.ndjson", "consent_2026-11-03.csv"}
    assert picked(include_earlier=True) == picked() | {"tracker_2026-11-02T23.ndjson"}
    assert picked(include_later=True) == picked() | {"tracker_2026-11-03T07.ndjson"}


def test_loading_hour_by_hour_loads_each_file_once_and_reconciles_it(tmp_path):
    landing = landing_folder(tmp_path / "landing")
    db = tmp_path / "warehouse.duckdb"
    loaded = []
    for hour in (NOV3 - H, NOV3, NOV3 + 7 * H, NOV3):  # the last run repeats an hour: nothing new
        report = load_landing(db, landing, only=files_in_hours(hour, hour + H))
        loaded.append(sorted(Path(f.relative_path).name for f in report.loaded))
    assert loaded == [
        ["tracker_2026-11-02T23.ndjson"],
        ["consent_2026-11-03.csv", "tracker_2026-11-03T00.ndjson"],
        ["tracker_2026-11-03T07.ndjson"],
        [],
    ]
    rows = fetch(
        db,
        "select count(*), count(*) filter (is_reconciled), sum(rows_loaded), sum(rows_quarantined) "
        "from raw.load_manifest",
    )
    assert rows == [(4, 4, 3, 1)]


def test_the_signature_of_an_hour_changes_when_a_file_of_it_lands(tmp_path):
    landing = landing_folder(tmp_path)
    before = {hour: hour_signature(files) for hour, files in hours_with_files(landing).items()}
    (landing / "app/events/2026-11-03").mkdir(parents=True)
    (landing / "app/events/2026-11-03/app_2026-11-03T07.ndjson").write_text("{}\n")
    after = {hour: hour_signature(files) for hour, files in hours_with_files(landing).items()}
    assert [hour for hour in after if after[hour] != before.get(hour)] == [NOV3 + 7 * H]


def test_changed_hours_waits_for_files_to_settle_and_reports_each_change_once(tmp_path):
    landing = landing_folder(tmp_path)
    now = NOV3 + 8 * H
    old = (now - timedelta(minutes=30)).timestamp()
    for path in landing.rglob("*.*"):
        os.utime(path, (old, old))
    settle, horizon = timedelta(minutes=2), timedelta(hours=12)

    changed, seen = changed_hours(landing, {}, now, settle=settle, horizon=horizon)
    assert sorted(changed) == [NOV3 - H, NOV3, NOV3 + 7 * H]  # every hour with files in the horizon
    assert changed_hours(landing, seen, now, settle=settle, horizon=horizon)[0] == {}  # nothing new

    fresh = landing / "app/events/2026-11-03/app_2026-11-03T07.ndjson"
    fresh.parent.mkdir(parents=True)
    fresh.write_text("{}\n")
    os.utime(fresh, (now.timestamp() - 30, now.timestamp() - 30))  # 30 s old: may still be copying
    waiting, seen_while_copying = changed_hours(landing, seen, now, settle=settle, horizon=horizon)
    assert waiting == {} and seen_while_copying == seen
    later = now + timedelta(minutes=5)
    settled, _ = changed_hours(landing, seen_while_copying, later, settle=settle, horizon=horizon)
    assert list(settled) == [NOV3 + 7 * H]

    far_later = now + timedelta(days=2)  # out of the horizon: the nightly run's business
    assert changed_hours(landing, {}, far_later, settle=settle, horizon=horizon)[0] == {}
