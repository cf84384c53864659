"""match_contacts: the accuracy bar on both labelled fixtures, determinism, edge cases, one hand-made case."""

from pathlib import Path

import pandas as pd
import pytest

from ml.identity.evaluate import (
    FEBRL_DATASET1,
    SPLINK_FAKE_1000,
    load_febrl_dataset1,
    load_splink_fake_1000,
    pairwise_scores,
)
from ml.identity.matching import MatchingConfig, clusters_from_pairs, match_contacts
from ml.identity.standardize import CONTACT_COLUMNS
from ml.identity.synthetic import generate_contacts

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
LOADERS = {
    "splink_fake_1000": (SPLINK_FAKE_1000, load_splink_fake_1000),
    "febrl_dataset1": (FEBRL_DATASET1, load_febrl_dataset1),
}


@pytest.fixture(scope="module", params=sorted(LOADERS))
def fixture_run(request):
    relative, loader = LOADERS[request.param]
    path = FIXTURES / relative
    assert path.exists(), f"labelled fixture missing: {path}"
    contacts, truth = loader(path)
    return request.param, contacts, truth, match_contacts(contacts, MatchingConfig())


def test_pairwise_f1_reaches_the_bar_on_each_fixture(fixture_run):
    name, _, truth, result = fixture_run
    scores = pairwise_scores(result.clusters.set_index("contact_id")["cluster_id"], truth)
    print(name, scores)
    assert scores["f1"] >= 0.95, (name, scores)


def test_output_contract(fixture_run):
    _, contacts, _, result = fixture_run
    pairs, clusters = result.pairs, result.clusters
    assert list(pairs.columns) == ["contact_id_l", "contact_id_r", "match_probability", "match_weight"]
    assert len(pairs) > 0
    assert (pairs["contact_id_l"] < pairs["contact_id_r"]).all()
    assert (pairs["match_probability"] >= MatchingConfig().match_threshold).all()
    assert not pairs.duplicated(["contact_id_l", "contact_id_r"]).any()
    assert sorted(clusters["contact_id"]) == sorted(contacts["contact_id"])
    # The cluster id is the smallest member id, and every pair lies inside one cluster.
    smallest = clusters.groupby("cluster_id")["contact_id"].min()
    assert (smallest.index == smallest.to_numpy()).all()
    cluster_of = clusters.set_index("contact_id")["cluster_id"]
    assert (pairs["contact_id_l"].map(cluster_of) == pairs["contact_id_r"].map(cluster_of)).all()
    summary = result.summary
    assert summary.record_count == len(contacts) and summary.pair_count == len(pairs)
    assert summary.scored_pair_count >= len(pairs)
    assert 0 < summary.probability_two_random_records_match < 1
    assert {"comparison", "level", "m_probability", "u_probability"} <= set(summary.parameters.columns)


def test_two_runs_give_identical_pairs(fixture_run):
    _, contacts, _, first = fixture_run
    second = match_contacts(contacts, MatchingConfig())
    pd.testing.assert_frame_equal(first.pairs, second.pairs)
    pd.testing.assert_frame_equal(first.clusters, second.clusters)
    assert first.summary.settings_json == second.summary.settings_json


@pytest.mark.parametrize("size", [0, 1, 2])
def test_tiny_inputs_give_no_pairs_and_singletons(size):
    contacts = pd.DataFrame(
        {
            "contact_id": ["C2", "C1"][:size],
            "first_name": ["Ann", "Ann"][:size],
            "last_name": ["Lee", "Lee"][:size],
            "email": ["ann@lee.org", "ann@lee.org"][:size],
            "birth_date": ["1990-01-01", "1990-01-01"][:size],
        }
    )
    result = match_contacts(contacts)
    assert result.pairs.empty and list(result.pairs.columns)[:2] == ["contact_id_l", "contact_id_r"]
    assert sorted(result.clusters["contact_id"]) == sorted(contacts["contact_id"])
    assert (result.clusters["contact_id"] == result.clusters["cluster_id"]).all()


def test_duplicate_contact_ids_are_rejected():
    contacts = pd.DataFrame({"contact_id": [f"C{i % 30}" for i in range(40)]})
    with pytest.raises(ValueError, match="unique"):
        match_contacts(contacts)


def test_clusters_are_connected_components_named_by_smallest_id():
    pairs = pd.DataFrame({"contact_id_l": ["C3", "C1", "C7"], "contact_id_r": ["C5", "C5", "C8"]})
    ids = pd.Series(["C5", "C1", "C3", "C7", "C8", "C9"])
    clusters = clusters_from_pairs(ids, pairs).set_index("contact_id")["cluster_id"].to_dict()
    assert clusters == {"C1": "C1", "C3": "C1", "C5": "C1", "C7": "C7", "C8": "C7", "C9": "C9"}


def _planted_contacts() -> pd.DataFrame:
    rows = [
        # One person: a typo in the last name, the email in other case, the phone in another format.
        ("T-A1", "Katharina", "Lindqvist", "k.lindqvist@mailbox.org", "+44 7700 900123", "1984-03-17"),
        ("T-A2", "Katharina", "Lindqvsit", "K.Lindqvist@MAILBOX.ORG", "07700 900123", "1984-03-17"),
        # Two people with the most common name, in the same city, born years apart, other emails.
        ("T-B1", "John", "Smith", "john.smith1980@gmail.com", None, "1980-01-05"),
        ("T-B2", "John", "Smith", "jsmith.work@yahoo.co.uk", None, "1962-09-30"),
    ]
    planted = pd.DataFrame(
        rows, columns=["contact_id", "first_name", "last_name", "email", "phone", "birth_date"]
    )
    planted["street"] = ["12 Harbour Road", "12 Harbour Rd.", "3 Mill Lane", "40 Station Street"]
    planted["city"] = "London"
    planted["postcode"] = ["E14 9AB", "E14 9AB", "N1 7XY", "SE1 2QQ"]
    planted["country"] = "GB"
    return planted[list(CONTACT_COLUMNS)]


def test_planted_duplicate_matches_and_namesakes_do_not():
    # A generated customer base around the planted contacts gives the model something to learn from.
    background, _ = generate_contacts(1500, seed=11)
    contacts = pd.concat([background, _planted_contacts()], ignore_index=True)
    result = match_contacts(contacts, MatchingConfig())
    pair_set = set(zip(result.pairs["contact_id_l"], result.pairs["contact_id_r"], strict=True))
    cluster_of = result.clusters.set_index("contact_id")["cluster_id"]
    assert ("T-A1", "T-A2") in pair_set
    assert cluster_of["T-A1"] == cluster_of["T-A2"]
    assert ("T-B1", "T-B2") not in pair_set
    assert cluster_of["T-B1"] != cluster_of["T-B2"]
