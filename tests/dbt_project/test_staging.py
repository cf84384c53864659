"""Staging models on real dbt runs: parsing, UTC normalization, de-duplication and staging quarantine."""

import json
import shutil
from decimal import Decimal

from orchestration.extract.load import load_landing
from tests.conftest import FIXTURES, fetch


def test_vhost_combined_fixture_is_parsed_or_quarantined_nothing_dropped(tailor_home, dbt):
    target = tailor_home.landing_dir / "web/access_logs/2019-05-06/access_2019-05-06T06.log"
    target.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "weblogs/vhost_combined_sample.log", target)
    load_landing(tailor_home.duckdb_path, tailor_home.landing_dir)
    dbt(tailor_home, "build", "-s", "+stg_web__access_logs", "+stg_web__access_logs_quarantine")

    db = tailor_home.duckdb_path
    parsed = fetch(
        db,
        "select _line_number, virtual_host, ip_address, http_method, request_path, status_code, "
        "strftime(requested_at, '%Y-%m-%d %H:%M:%S') from staging.stg_web__access_logs order by 1",
    )
    quarantined = fetch(
        db,
        "select _line_number, rejection_reason, reason, original_text from staging.stg_web__access_logs_quarantine",
    )
    assert len(parsed) + len(quarantined) == 7
    assert [row[0] for row in parsed] == [1, 2, 3, 4, 6, 7]
    assert parsed[0] == (1, "www.varonathe.org:80", "203.62.1.80", "GET", "/", 301, "2019-05-06 06:28:20")
    assert parsed[2][3:5] == ("POST", "/App6079ec68.php")
    assert quarantined == [
        (5, "not_combined_log_format", quarantined[0][2], "Bad line"),
    ]
    assert "combined log format" in quarantined[0][2]


def _ndjson(rows: list[dict | str]) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"


def test_event_staging_normalizes_dedupes_and_quarantines(tailor_home, dbt):
    landing = tailor_home.landing_dir
    tracker = landing / "web/tracker/2026-11-01"
    tracker.mkdir(parents=True)
    base = {"anonymous_id": "a1", "session_id": "s1", "user_id": None, "email": None, "properties": {}}
    (tracker / "tracker_2026-11-01T09.ndjson").write_text(
        _ndjson(
            [
                base | {"event_id": "t1", "event_type": "page_view", "occurred_at": "2026-11-01T09:00:00Z"},
                base
                | {
                    "event_id": "t2",
                    "event_type": "product_view",
                    "occurred_at": "2026-11-01T10:30:00+01:00",
                    "properties": {"product_id": "P1", "price": 59.9},
                },
                base | {"event_id": "t3", "event_type": "page_veiw", "occurred_at": "2026-11-01T09:01:00Z"},
                base | {"event_id": "t4", "event_type": "page_view", "occurred_at": "yesterday"},
            ]
        )
    )
    # A late duplicate of t1 in a later file: the earliest copy is kept.
    (tracker / "tracker_2026-11-01T11.ndjson").write_text(
        _ndjson([base | {"event_id": "t1", "event_type": "page_view", "occurred_at": "2026-11-01T09:00:00Z"}])
    )
    app = landing / "app/events/2026-11-01"
    app.mkdir(parents=True)
    (app / "app_2026-11-01T09.ndjson").write_text(
        _ndjson(
            [
                {
                    "event_id": "a1",
                    "event_name": "screen_view",
                    "timestamp": "2026-11-01T04:15:00-05:00",
                    "device_id": "d1",
                    "user_id": " C1 ",
                }
            ]
        )
    )
    esp = landing / "esp/events/2026-11-01"
    esp.mkdir(parents=True)
    (esp / "esp_2026-11-01T09.ndjson").write_text(
        _ndjson(
            [
                {
                    "event_id": "m1",
                    "event": "open",
                    "timestamp": 1793523600,
                    "email": " Ann@Example.COM ",
                    "campaign_id": "c1",
                    "message_id": "x1",
                }
            ]
        )
    )
    load_landing(tailor_home.duckdb_path, landing)
    dbt(tailor_home, "build", "-s", "staging")

    db = tailor_home.duckdb_path
    staged = fetch(
        db,
        "select event_id, strftime(occurred_at, '%H:%M'), product_id, price, _source_file "
        "from staging.stg_web__tracker_events order by 1",
    )
    assert [row[:4] for row in staged] == [
        ("t1", "09:00", None, None),
        ("t2", "09:30", "P1", Decimal("59.90")),
    ]
    assert staged[0][4].endswith("T09.ndjson")  # the earliest-landed copy
    assert sorted(
        fetch(db, "select event_id, rejection_reason from staging.stg_web__tracker_events_quarantine")
    ) == [
        ("t1", "duplicate_event_id"),
        ("t3", "unknown_event_type"),
        ("t4", "unparseable_timestamp"),
    ]
    assert fetch(db, "select strftime(occurred_at, '%H:%M'), user_id from staging.stg_app__events") == [
        ("09:15", "C1")
    ]
    assert fetch(
        db, "select strftime(occurred_at, '%Y-%m-%d %H:%M'), email from staging.stg_esp__events"
    ) == [("2026-11-01 09:00", "ann@example.com")]
