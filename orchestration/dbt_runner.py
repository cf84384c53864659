"""Running dbt from Python, against the DuckDB file named by the settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")  # the venv's dbt, even when it is not on PATH


def run_dbt(args: list[str], settings: Settings, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Run one dbt command in a subprocess, as Dagster does.

    A subprocess, not dbtRunner: dbt-duckdb keeps its DuckDB instance open in the calling process, which
    would then refuse our own connections to the same file with another configuration.
    """
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"TAILOR_HOME": str(settings.home), "TAILOR_DUCKDB_PATH": str(settings.duckdb_path)}
    command, *rest = args
    completed = subprocess.run(
        [
            DBT_EXECUTABLE,
            command,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            *rest,
        ],
        env=env,
        check=False,
    )
    return completed.returncode == 0
