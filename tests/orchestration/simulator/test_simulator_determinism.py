"""Same configuration, same bytes; another seed, other data."""

import hashlib
from pathlib import Path

import pytest

from orchestration.simulator import SimulationConfig
from tests.orchestration.simulator.helpers import run_simulation


def digests(*roots: Path) -> dict[str, str]:
    return {
        f"{root.name}/{path.relative_to(root).as_posix()}": hashlib.sha256(path.read_bytes()).hexdigest()
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("determinism")
    return {
        name: run_simulation(base / name, seed=seed, fault_rate=0.03)
        for name, seed in (("first", 5), ("again", 5), ("other", 6))
    }


def test_same_seed_gives_byte_identical_exports_and_truth(runs):
    first = digests(runs["first"].out_dir, runs["first"].truth_dir)
    again = digests(runs["again"].out_dir, runs["again"].truth_dir)
    assert len(first) > 4 * 72  # every hourly file of four sources, the daily files and the truth
    assert first == again


def test_another_seed_gives_other_data(runs):
    first = digests(runs["first"].out_dir, runs["first"].truth_dir)
    other = digests(runs["other"].out_dir, runs["other"].truth_dir)
    assert first.keys() == other.keys()  # same layout...
    differing = [name for name in first if first[name] != other[name]]
    # ...but the people, their events and the faults differ (a few quiet hourly files may be empty in both).
    assert {"truth/persons.csv", "truth/events.parquet", "truth/faults.csv"} <= set(differing)
    assert len(differing) > 0.8 * len(first)


def test_gzip_members_carry_no_timestamp_and_no_file_name(runs):
    run = runs["first"]
    for relative in run.files_of("web_access_logs"):
        header = (run.out_dir / relative).read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b"
        assert header[3] & 0x08 == 0, f"{relative} embeds a file name"
        assert header[4:8] == b"\x00\x00\x00\x00", f"{relative} embeds a modification time"


def test_a_tiny_world_is_quick(runs):
    assert runs["first"].report.wall_seconds < 20


def test_default_start_date_is_fixed_not_today(tmp_path):
    config = SimulationConfig(out_dir=tmp_path / "a", truth_dir=tmp_path / "b")
    assert config.start_date.isoformat() == "2026-11-01"


@pytest.mark.parametrize(
    "overrides",
    [{"fault_rate": 0.5}, {"fault_rate": -0.1}, {"scale": 0}, {"days": 0}, {"same_dirs": True}],
)
def test_invalid_configurations_are_refused(tmp_path, overrides):
    truth = tmp_path / ("out" if overrides.pop("same_dirs", False) else "truth")
    with pytest.raises(ValueError):
        SimulationConfig(out_dir=tmp_path / "out", truth_dir=truth, **overrides)
