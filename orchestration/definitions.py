"""The Dagster code location: the merge of every module's ``defs`` in orchestration/defs/.

Each module there that defines ``defs = dg.Definitions(...)`` (assets, checks, jobs, schedules, sensors or
resources) is picked up, so adding an asset layer is adding a module, and nothing here lists them.
"""

from __future__ import annotations

import importlib
import pkgutil

import dagster as dg

from orchestration import defs as defs_package
from orchestration.settings import load_settings

settings = load_settings()
settings.export_for_subprocesses()  # dbt subprocesses read TAILOR_DUCKDB_PATH


def _module_defs() -> list[dg.Definitions]:
    found = []
    for module_info in sorted(pkgutil.iter_modules(defs_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{defs_package.__name__}.{module_info.name}")
        if isinstance(getattr(module, "defs", None), dg.Definitions):
            found.append(module.defs)
    return found


defs = dg.Definitions.merge(*_module_defs())
