"""Identity resolution on a simulated world: accuracy against the truth, and person ids that stay put."""

import os
import shutil
from pathlib import Path

import pytest

from orchestration.benchmarks.identity_graph import score_warehouse
from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from orchestration.simulator import SimulationConfig, simulate
from orchestration.steps.crm_matching import run_crm_matching
from tests.conftest import fetch

DETERMINISTIC_ONLY = ["--vars", '{"tailor__identity_match_threshold": 1.01}']


def build_identity(settings, *extra: str, with_matching: bool = True) -> None:
    assert run_dbt(["build", "-s", "staging", "--quiet"], settings)
    if with_matching:
        run_crm_matching(settings.duckdb_path)
    assert run_dbt(
        ["build", "-s", "tag:identity", "--indirect-selection", "cautious", "--quiet", *extra], settings
    )


def settings_for(home: Path, monkeypatch):
    monkeypatch.setenv("TAILOR_HOME", str(home))
    monkeypatch.delenv("TAILOR_DUCKDB_PATH", raising=False)
    settings = load_settings()
    settings.export_for_subprocesses()
    return settings


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One simulated world (landing + truth) shared by the tests of this module; each test builds its own DB."""
    root = tmp_path_factory.mktemp("identity_world")
    simulate(
        SimulationConfig(root / "landing", root / "ground_truth", scale=0.004, seed=5, days=4, progress=False)
    )
    return root


def person_map(db: Path) -> dict[str, str]:
    return dict(fetch(db, "select node_key, person_id from intermediate.int_identity__person_map"))


def fresh_home(world: Path, tmp_path: Path, name: str) -> Path:
    home = tmp_path / name
    home.mkdir()
    os.symlink(world / "landing", home / "landing")
    os.symlink(world / "ground_truth", home / "ground_truth")
    return home


def test_probabilistic_matching_adds_recall_without_losing_precision(world, tmp_path, monkeypatch):
    settings = settings_for(fresh_home(world, tmp_path, "a"), monkeypatch)
    load_landing(settings.duckdb_path, settings.landing_dir)
    build_identity(settings, *DETERMINISTIC_ONLY, with_matching=False)
    deterministic = score_warehouse(settings.duckdb_path, settings.truth_dir)["with_linking_evidence"]
    build_identity(settings)
    combined = score_warehouse(settings.duckdb_path, settings.truth_dir)["with_linking_evidence"]

    assert deterministic["precision"] >= 0.99  # deterministic rules only join what was seen together
    assert combined["recall"] > deterministic["recall"]  # CRM duplicates with different emails now join
    assert combined["precision"] >= 0.97
    assert combined["f1"] >= 0.95


def test_rebuilding_from_scratch_gives_identical_person_ids(world, tmp_path, monkeypatch):
    maps = []
    for name in ("first", "second"):
        settings = settings_for(fresh_home(world, tmp_path, name), monkeypatch)
        load_landing(settings.duckdb_path, settings.landing_dir)
        build_identity(settings)
        maps.append(person_map(settings.duckdb_path))
    assert len(maps[0]) > 100
    assert maps[0] == maps[1]


def test_new_data_keeps_existing_ids_except_recorded_merges(world, tmp_path, monkeypatch):
    home = tmp_path / "incremental"
    home.mkdir()
    shutil.copytree(world / "landing", home / "landing")
    settings = settings_for(home, monkeypatch)
    last_day = max(p.name for p in (home / "landing/web/tracker").iterdir())

    load_landing(
        settings.duckdb_path,
        settings.landing_dir,
        only=lambda f: not (f.landed_hour or "").startswith(last_day),
    )
    build_identity(settings)
    before = person_map(settings.duckdb_path)
    load_landing(settings.duckdb_path, settings.landing_dir)
    build_identity(settings)
    after = person_map(settings.duckdb_path)

    assert len(after) > len(before)  # the last day brought new identifiers
    history = {
        (old, new)
        for old, new, kind in fetch(
            settings.duckdb_path,
            "select old_person_id, new_person_id, change_type from marts.person_id_history",
        )
    }
    changed = {(before[key], after[key]) for key in before if after.get(key) != before[key]}
    assert changed <= history  # every id that moved is explained in the history
    unchanged_share = sum(after.get(k) == v for k, v in before.items()) / len(before)
    assert unchanged_share > 0.98
