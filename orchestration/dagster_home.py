"""The Dagster instance of a tailor home: DAGSTER_HOME with the dagster.yaml tailor needs.

DuckDB has a single writer: while one process holds the file read-write, no other process can open it at
all. Every asset that writes it is in the pool ``duckdb_writer``; this instance limits every pool to one
step at a time across all runs, so a second run (a schedule, a sensor, a click in the UI) waits for its
turn instead of failing on the lock.

    python -m orchestration.dagster_home        # create or update $DAGSTER_HOME/dagster.yaml
"""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration.settings import Settings, load_settings

MANAGED_CONFIG = {
    "concurrency": {"pools": {"default_limit": 1, "granularity": "op"}},
    "telemetry": {"enabled": False},
}


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME and make its dagster.yaml carry MANAGED_CONFIG (other keys are kept)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    config = (yaml.safe_load(path.read_text()) or {}) if path.exists() else {}
    merged = config | MANAGED_CONFIG
    if merged != config:
        path.write_text(yaml.safe_dump(merged, sort_keys=True))
    return home


if __name__ == "__main__":
    print(prepare_dagster_home(load_settings()))
