"""The one place tailor reads its environment.

Every path tailor writes lives under ``TAILOR_HOME`` (default: ``.tailor/`` in the checkout, which git
ignores). The DuckDB file path is also read by ``dbt_project/profiles.yml`` through ``TAILOR_DUCKDB_PATH``,
which :func:`load_settings` derives and exports so dbt and Dagster always agree on one file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@dataclass(frozen=True)
class Settings:
    home: Path
    duckdb_path: Path
    landing_dir: Path
    truth_dir: Path
    output_dir: Path
    is_dagster_dev: bool = False  # set by `dagster dev` (DAGSTER_IS_DEV_CLI): re-parse dbt on code reload

    def export_for_subprocesses(self) -> None:
        """dbt reads the DuckDB path from the environment (profiles.yml ``env_var``)."""
        os.environ["TAILOR_HOME"] = str(self.home)
        os.environ["TAILOR_DUCKDB_PATH"] = str(self.duckdb_path)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("TAILOR_HOME") or REPO_ROOT / ".tailor").expanduser().resolve()
    duckdb_path = Path(env.get("TAILOR_DUCKDB_PATH") or home / "warehouse.duckdb").expanduser().resolve()
    return Settings(
        home=home,
        duckdb_path=duckdb_path,
        landing_dir=Path(env.get("TAILOR_LANDING_DIR") or home / "landing").expanduser().resolve(),
        truth_dir=Path(env.get("TAILOR_TRUTH_DIR") or home / "ground_truth").expanduser().resolve(),
        output_dir=Path(env.get("TAILOR_OUTPUT_DIR") or home / "outputs").expanduser().resolve(),
        is_dagster_dev=bool(env.get("DAGSTER_IS_DEV_CLI")),
    )
