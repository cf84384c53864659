"""Plain Splink, configured as Splink's own tutorial and demo configure it, as a yardstick.

- ``splink_fake_1000``: the DuckDB tutorial (docs/demos/tutorials/04_Estimating_model_parameters and
  05_Predicting_results): name, name, dob (Levenshtein), city (exact, term frequencies), email;
  blocking on first_name+city and on surname; EM on first_name+surname and on dob; clusters at 0.2.
- ``febrl_dataset1``: the FEBRL3 deduplication demo (docs/demos/examples/duckdb/febrl3): names,
  date of birth, soc_sec_id, street_number, postcode; blocking and EM as in the demo; threshold 0.2.
  A CRM has no social security number, so the fair comparison is the demo with soc_sec_id removed
  (from comparisons, blocking rules and deterministic rules); the demo as published is kept as a
  reference row, labelled as using a field that ``match_contacts`` never gets.

The tutorial code is followed as written, except that u sampling gets a fixed seed (the tutorial
leaves it unset; without it the baseline would not be reproducible). Inputs are the fixture files as
Splink's own copies of these data sets are: raw columns, no standardization.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import ColumnExpression, DuckDBAPI, Linker, SettingsCreator, block_on

TUTORIAL_CLUSTER_THRESHOLD = 0.2
U_SEED = 42


@dataclass
class BaselineResult:
    cluster_of: pd.Series  # record id -> cluster id
    seconds: float
    threshold: float


def _cluster(linker: Linker, id_column: str, threshold: float) -> pd.Series:
    # The tutorial predicts at 0.1 and clusters at 0.2; prediction must not drop pairs clustering needs.
    predictions = linker.inference.predict(threshold_match_probability=min(0.1, threshold))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    frame = clusters.as_pandas_dataframe()
    return pd.Series(frame["cluster_id"].to_numpy(), index=frame[id_column].astype(str).to_numpy())


def fake_1000_tutorial(path: Path, threshold: float = TUTORIAL_CLUSTER_THRESHOLD) -> BaselineResult:
    started = time.perf_counter()
    frame = pd.read_csv(path, dtype={"unique_id": "int64"}).drop(columns=["cluster"])
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds(ColumnExpression("dob").cast_to_string(), 1),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[block_on("first_name", "city"), block_on("surname")],
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=None)
    deterministic_rules = [
        block_on("first_name", "dob"),
        "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2",
        block_on("email"),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=U_SEED)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    cluster_of = _cluster(linker, "unique_id", threshold)
    return BaselineResult(cluster_of, time.perf_counter() - started, threshold)


def febrl_demo(
    path: Path, use_soc_sec_id: bool, threshold: float = TUTORIAL_CLUSTER_THRESHOLD
) -> BaselineResult:
    started = time.perf_counter()
    con = duckdb.connect()
    raw = pd.read_csv(path, dtype=str, skipinitialspace=True)
    raw.columns = [c.strip() for c in raw.columns]
    frame = con.sql(
        "select * replace (trim(cast(date_of_birth as varchar)) as date_of_birth,"
        " trim(cast(soc_sec_id as varchar)) as soc_sec_id) from raw"
    )
    blocking_rules = [
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
    ]
    deterministic_rules = [
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
    ]
    if use_soc_sec_id:
        blocking_rules.insert(0, block_on("soc_sec_id"))
        comparisons.insert(3, cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]))
        deterministic_rules.insert(0, block_on("soc_sec_id"))
    else:
        frame = frame.select("* exclude (soc_sec_id)")
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(DuckDBAPI(connection=con).register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    cluster_of = _cluster(linker, "rec_id", threshold)
    return BaselineResult(cluster_of, time.perf_counter() - started, threshold)


def run_tutorial_baseline(
    fixture: str, path: Path, thresholds: tuple[float, ...] = (TUTORIAL_CLUSTER_THRESHOLD,)
) -> dict[str, BaselineResult]:
    """Every baseline variant for one fixture, by display name."""
    results: dict[str, BaselineResult] = {}
    for threshold in thresholds:
        suffix = f" @ {threshold}"
        if fixture == "splink_fake_1000":
            results["splink tutorial" + suffix] = fake_1000_tutorial(path, threshold)
        elif fixture == "febrl_dataset1":
            results["splink febrl demo, no soc_sec_id" + suffix] = febrl_demo(path, False, threshold)
            results["splink febrl demo as published (uses soc_sec_id)" + suffix] = febrl_demo(
                path, True, threshold
            )
        else:
            raise ValueError(f"no tutorial baseline for {fixture!r}")
    return results
