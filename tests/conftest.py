"""Shared fixtures: an isolated TAILOR_HOME per test, and real dbt runs against its DuckDB file."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO.parent / "shared" / "fixtures"
TAILOR = str(Path(sys.executable).parent / "tailor")


@pytest.fixture
def tailor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every path lies under this test's tmp dir (and the environment says so)."""
    for name in ("TAILOR_DUCKDB_PATH", "TAILOR_LANDING_DIR", "TAILOR_TRUTH_DIR", "TAILOR_OUTPUT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TAILOR_HOME", str(tmp_path / "home"))
    settings = load_settings()
    monkeypatch.setenv("TAILOR_DUCKDB_PATH", str(settings.duckdb_path))
    settings.landing_dir.mkdir(parents=True)
    return settings


@pytest.fixture
def dbt():
    """Run a dbt command against the test's warehouse; fail the test if dbt fails."""

    def run(settings: Settings, *args: str) -> None:
        assert run_dbt(list(args), settings), f"dbt {' '.join(args)} failed"

    return run


def fetch(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def comparable_select(columns: list[tuple[str, str]], volatile: set[str]) -> str:
    """A select list for comparing a table between two builds, from its (column, DuckDB type) pairs: the
    columns that record when or in which batch a row was built left out, doubles rounded to 9 decimals
    (sums of the same numbers in another order differ in the last bits)."""
    return ", ".join(
        f'round("{name}", 9) as "{name}"' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, kind in columns
        if name not in volatile
    )


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory) -> tuple[Path, str]:
    """A home built by exactly what `make demo` runs (scale 0.01, 30 days, seed 7, fault rate 0.01), once
    per test session: (TAILOR_HOME, printed output). Tests only read it (open DuckDB read-only)."""
    home = tmp_path_factory.mktemp("demo_home")
    # The demo's Dagster instance lives in the home too (DAGSTER_HOME unset: TAILOR_HOME/dagster).
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_") and k != "DAGSTER_HOME"}
    env |= {"TAILOR_HOME": str(home)}
    completed = subprocess.run([TAILOR, "demo"], env=env, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return home, completed.stdout
