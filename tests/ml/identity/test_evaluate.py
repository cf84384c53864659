"""Pairwise scoring and the fixture loaders."""

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
from ml.identity.standardize import CONTACT_COLUMNS

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"


def test_pairwise_scores_on_a_hand_computed_example():
    # Truth: {a, b, c} and {d, e}: pairs ab, ac, bc, de (4).
    truth = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    # Prediction: {a, b}, {c, d}, {e}: pairs ab (right) and cd (wrong).
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    scores = pairwise_scores(predicted, truth)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 3)
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.25)
    assert scores["f1"] == pytest.approx(1 / 3)


def test_pairwise_scores_treat_unmentioned_records_as_singletons():
    truth = pd.Series({"a": 1, "b": 1, "c": 2})
    scores = pairwise_scores(pd.Series({"a": "x"}), truth)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (0, 0, 1)
    assert scores["precision"] == 1.0 and scores["recall"] == 0.0 and scores["f1"] == 0.0


def test_perfect_prediction_scores_one():
    truth = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    scores = pairwise_scores({k: f"cluster-{v}" for k, v in truth.items()}, truth)
    assert scores == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}


def _fixture(relative: Path) -> Path:
    path = FIXTURES / relative
    assert path.exists(), f"labelled fixture missing: {path}"
    return path


def test_splink_fake_1000_loads_as_crm_contacts():
    contacts, truth = load_splink_fake_1000(_fixture(SPLINK_FAKE_1000))
    assert list(contacts.columns) == list(CONTACT_COLUMNS)
    assert len(contacts) == 1000 and contacts["contact_id"].is_unique
    assert truth.nunique() == 181
    assert pairwise_scores(truth, truth)["tp"] == 2975
    assert contacts["phone"].isna().all() and contacts["postcode"].isna().all()
    first = contacts.iloc[0]
    assert (first["first_name"], first["birth_date"], first["city"]) == ("Julia ", "2015-10-29", "London")


def test_febrl_dataset1_loads_as_crm_contacts_without_soc_sec_id():
    contacts, truth = load_febrl_dataset1(_fixture(FEBRL_DATASET1))
    assert list(contacts.columns) == list(CONTACT_COLUMNS)
    assert len(contacts) == 1000 and contacts["contact_id"].is_unique
    assert pairwise_scores(truth, truth)["tp"] == 500
    assert (contacts["country"] == "AU").all()
    row = contacts.set_index("contact_id").loc["rec-122-org"]
    assert row["street"] == "69 giblin street killarney"
    assert (row["city"], row["postcode"], row["birth_date"]) == ("bittern", "4814", "1999-02-19")
    # An impossible date in the source is a null birth date, not an error.
    assert contacts["birth_date"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert not contacts.apply(lambda column: column.astype(str).str.contains("6988048")).any().any()
