"""Scoring of a clustering against an answer key, and loaders for the labelled fixture files.

Scores follow the fixtures README: pairwise precision, recall and F1 over all record pairs that a
clustering puts in one cluster. Run as a module to print the accuracy table of ``docs/identity.md``:

    .venv/bin/python -m ml.identity.evaluate [--fixtures ../shared/fixtures]
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ml.identity.standardize import CONTACT_COLUMNS

SPLINK_FAKE_1000 = Path("identity") / "splink_fake_1000.csv"
FEBRL_DATASET1 = Path("identity") / "febrl_dataset1.csv"


def _as_series(cluster_of: Mapping | pd.Series) -> pd.Series:
    series = cluster_of if isinstance(cluster_of, pd.Series) else pd.Series(dict(cluster_of))
    return series.rename(None)


def _pair_count(group_sizes: pd.Series) -> int:
    sizes = group_sizes.astype("int64")
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(predicted_cluster_of: Mapping | pd.Series, true_cluster_of: Mapping | pd.Series) -> dict:
    """Pairwise precision, recall and F1 of a clustering, with the tp/fp/fn pair counts.

    Both arguments map record id -> cluster label (labels are compared for equality only). Records of
    the answer key that the prediction does not mention count as predicted singletons; records the
    answer key does not mention are ignored. With no predicted pairs precision is 1.0 (nothing claimed,
    nothing wrong); with no true pairs recall is 1.0.
    """
    truth = _as_series(true_cluster_of)
    predicted = _as_series(predicted_cluster_of).reindex(truth.index)
    # A record without a predicted cluster is alone: give it a label no other record has.
    alone = predicted.isna()
    predicted = predicted.astype(object)
    predicted[alone] = [("__singleton__", i) for i in truth.index[alone]]
    labels = pd.DataFrame({"predicted": predicted.map(repr), "truth": truth.map(repr)})

    true_pairs = _pair_count(labels.groupby("truth").size())
    predicted_pairs = _pair_count(labels.groupby("predicted").size())
    tp = _pair_count(labels.groupby(["predicted", "truth"]).size())
    fp, fn = predicted_pairs - tp, true_pairs - tp
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _read_fixture_csv(path: Path) -> pd.DataFrame:
    # skipinitialspace undoes the ", " separator of FEBRL files; values keep their own blanks, since
    # whitespace inside a value is part of what the matcher must cope with.
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [c.strip() for c in frame.columns]
    return frame.replace({"": None})


def _crm_frame(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """A frame with every CRM contact column, in contract order, nulls where the source has nothing."""
    frame = pd.DataFrame(index=index)
    for name in CONTACT_COLUMNS:
        frame[name] = columns.get(name, pd.Series(None, index=index, dtype="string")).astype("string")
    return frame.reset_index(drop=True)


def load_splink_fake_1000(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Splink's fake_1000 as CRM contacts, and its answer key (contact_id -> true cluster)."""
    raw = _read_fixture_csv(path)
    contacts = _crm_frame(
        {
            "contact_id": raw["unique_id"],
            "first_name": raw["first_name"],
            "last_name": raw["surname"],
            "email": raw["email"],
            "city": raw["city"],
            "birth_date": raw["dob"],
        },
        raw.index,
    )
    truth = pd.Series(raw["cluster"].to_numpy(), index=contacts["contact_id"].to_numpy(), name="cluster")
    return contacts, truth


def _febrl_birth_date(yyyymmdd: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(yyyymmdd, format="%Y%m%d", errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").astype("string")


def _join_words(*parts: pd.Series) -> pd.Series:
    """Space-join the non-null parts of each row; null when every part is null."""
    stacked = pd.concat([p.astype("string") for p in parts], axis=1)
    joined = stacked.apply(lambda row: " ".join(v for v in row if isinstance(v, str) and v.strip()), axis=1)
    return joined.replace({"": None}).astype("string")


def load_febrl_dataset1(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """FEBRL data set 1 as CRM contacts (Australian addresses), and its answer key.

    ``soc_sec_id`` is dropped: a CRM has no such field, and matching on it would flatter the model.
    ``state`` is dropped too (no CRM field; the country is 'AU' for every record).
    """
    raw = _read_fixture_csv(path)
    contacts = _crm_frame(
        {
            "contact_id": raw["rec_id"],
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "street": _join_words(raw["street_number"], raw["address_1"], raw["address_2"]),
            "city": raw["suburb"],
            "postcode": raw["postcode"],
            "country": pd.Series("AU", index=raw.index),
            "birth_date": _febrl_birth_date(raw["date_of_birth"]),
        },
        raw.index,
    )
    person = raw["rec_id"].str.extract(r"^rec-(\d+)-")[0]
    truth = pd.Series(person.to_numpy(), index=contacts["contact_id"].to_numpy(), name="cluster")
    return contacts, truth


FIXTURE_LOADERS = {
    "splink_fake_1000": (SPLINK_FAKE_1000, load_splink_fake_1000),
    "febrl_dataset1": (FEBRL_DATASET1, load_febrl_dataset1),
}


def default_fixtures_dir() -> Path:
    """``<repo>/../shared/fixtures``: where CI (read-only) and developers find the labelled data."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"


def _evaluate_fixture(name: str, fixtures_dir: Path) -> list[dict]:
    # Imported here so that scoring and loading stay usable without Splink's import cost.
    from ml.identity.baseline import TUTORIAL_CLUSTER_THRESHOLD, run_tutorial_baseline
    from ml.identity.matching import MatchingConfig, match_contacts

    relative_path, loader = FIXTURE_LOADERS[name]
    contacts, truth = loader(fixtures_dir / relative_path)
    rows = []
    started = time.perf_counter()
    config = MatchingConfig()
    result = match_contacts(contacts, config)
    seconds = time.perf_counter() - started
    predicted = result.clusters.set_index("contact_id")["cluster_id"]
    model = f"match_contacts @ {config.match_threshold}"
    rows.append({"fixture": name, "model": model, **pairwise_scores(predicted, truth), "seconds": seconds})
    # The baseline at its own tutorial threshold, and at ours, to separate the model from the threshold.
    thresholds = (TUTORIAL_CLUSTER_THRESHOLD, config.match_threshold)
    for variant, baseline in run_tutorial_baseline(name, fixtures_dir / relative_path, thresholds).items():
        scores = pairwise_scores(baseline.cluster_of, truth)
        rows.append({"fixture": name, "model": variant, **scores, "seconds": baseline.seconds})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fixtures", type=Path, default=default_fixtures_dir())
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    args = parser.parse_args(argv)
    # Splink warns about every comparison level a data set cannot train (no phones in FEBRL, ...).
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = [row for name in FIXTURE_LOADERS for row in _evaluate_fixture(name, args.fixtures)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| fixture | model | precision | recall | F1 | TP | FP | FN | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['fixture']} | {r['model']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} "
            f"| {r['tp']} | {r['fp']} | {r['fn']} | {r['seconds']:.1f} |"
        )


if __name__ == "__main__":
    main()
