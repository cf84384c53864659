"""Resources shared by tailor's assets."""

import importlib.metadata
from functools import cached_property

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.dbt_graph import sync_tagged_models
from orchestration.dbt_runner import DBT_EXECUTABLE
from orchestration.settings import DBT_PROJECT_DIR, load_settings

_settings = load_settings()
_settings.export_for_subprocesses()  # dbt reads TAILOR_DUCKDB_PATH
if _settings.is_dagster_dev:
    # What DbtProject.prepare_if_dev does, but with the venv's dbt (dagster-dbt's preparer wants `dbt` on
    # PATH), and picking up new segments and campaigns. Outside `dagster dev`, `make parse` does it.
    sync_tagged_models(_settings)
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Every asset that writes the DuckDB file runs in this pool; its limit is 1 (DuckDB has a single writer).
DUCKDB_WRITER_POOL = "duckdb_writer"


class TailorDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two costs it pays on every run, ~6 s of a ~25 s hourly run (measured
    with cProfile, docs/orchestration.md "Timings"):

    - ``dbt --version`` in a subprocess (1.9 s) to learn the version of the installed dbt: the package says;
    - an in-process dbt adapter with every macro parsed (2.1 s per dbt step), used only by
      ``fetch_row_counts`` / ``fetch_column_metadata``, which tailor does not call: it counts rows itself,
      read-only, after dbt exits (defs/dbt.py). dagster-dbt accepts no adapter (as with dbt Fusion).

    Both override private methods of the pinned dagster-dbt; if they disappear, the costs come back and
    nothing breaks.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


class WarehouseResource(dg.ConfigurableResource):
    """Where the warehouse and the landing folder are (from TAILOR_HOME via orchestration.settings)."""

    duckdb_path: str
    landing_dir: str


def build_resources(settings) -> dict[str, object]:
    return {
        "warehouse": WarehouseResource(
            duckdb_path=str(settings.duckdb_path), landing_dir=str(settings.landing_dir)
        ),
        "dbt": TailorDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=DBT_EXECUTABLE,
        ),
    }


defs = dg.Definitions(resources=build_resources(_settings))
