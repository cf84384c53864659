"""The 100k-contact benchmark (slow: run with `make bench` or `pytest -m slow`)."""

import pytest

from ml.identity.benchmark import run_benchmark


@pytest.mark.slow
def test_100k_contacts_match_in_minutes_with_useful_accuracy():
    report = run_benchmark(100_000)
    print(report)
    assert report["contacts"] > 95_000
    # Well under a few minutes on two cores; the documented run takes well under one.
    assert report["seconds"] < 180
    # Candidate pairs stay near-linear in the number of contacts.
    assert report["candidate_pairs"] < 100 * report["contacts"]
    assert report["f1"] >= 0.9
