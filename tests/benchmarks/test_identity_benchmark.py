"""`make bench`: identity resolution on a 0.1-scale simulated world (about 5 minutes on 2 cores)."""

import json

import pytest

from orchestration.benchmarks.identity_graph import run


@pytest.mark.slow
def test_identity_resolution_at_scale_0_1(tmp_path, monkeypatch):
    monkeypatch.delenv("TAILOR_DUCKDB_PATH", raising=False)
    result = run(scale=0.1, days=30, seed=7, home=tmp_path / "home")
    print(json.dumps(result, indent=2))
    evidence = result["scores"]["deterministic_plus_probabilistic"]["with_linking_evidence"]
    deterministic = result["scores"]["deterministic"]["with_linking_evidence"]
    assert evidence["f1"] >= 0.98
    assert evidence["recall"] > deterministic["recall"]
