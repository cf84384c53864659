"""`make bench`: wall time of a nightly and of hourly Dagster runs at scale 0.1 (about 6 minutes on 2 cores).

The numbers go to docs/orchestration.md ("Timings"); what is asserted here is that the measurement means
what it says: every run succeeded, the parts add up, and hourly runs run a subset of the nightly steps.
"""

import json

import pytest

from orchestration.benchmarks.runs import run


@pytest.mark.slow
def test_nightly_and_hourly_runs_at_scale_0_1(tmp_path, monkeypatch):
    monkeypatch.delenv("TAILOR_DUCKDB_PATH", raising=False)
    result = run(scale=0.1, days=30, seed=7, hours=2, home=tmp_path / "home")
    print(json.dumps(result, indent=2))
    nightly, hourly = result["nightly"], result["hourly"]
    assert len(hourly) == 2 and result["nightly_one_day"]["steps"] == nightly["steps"]
    for timing in [result["backfill"], result["nightly_one_day"], nightly, *hourly]:
        assert 0 < timing["dbt_node_execution_s"] <= timing["dbt_steps_s"] <= timing["wall_s"]
        assert timing["overhead_s"] >= 0
    assert all(run["steps"] < nightly["steps"] for run in hourly)
