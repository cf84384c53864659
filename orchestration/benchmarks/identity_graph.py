"""Identity resolution measured against the simulator's ground truth.

Scores the person clusters of ``intermediate.int_identity__person_map`` as pairwise precision / recall / F1
over identifiers (contact ids, emails, cookies, devices), the convention of ../shared/fixtures/README.md.
Two populations: every identifier the truth knows, and those with *linking evidence* (seen together with
another identifier in at least one export row): a cookie that never logged in cannot be linked by anyone,
so recall over all identifiers has a ceiling below 1 that says nothing about the resolver.

    python -m orchestration.benchmarks.identity_graph --scale 0.1 --days 30   # simulate, load, build, score
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pandas as pd

from ml.identity.evaluate import pairwise_scores
from orchestration.benchmarks import home_of, world_arguments


def truth_clusters(truth_dir: Path) -> pd.Series:
    """node_key -> true person, for identifiers that belong to exactly one person (shared ones are left out)."""
    truth = pd.read_csv(truth_dir / "identifiers.csv", dtype=str, keep_default_na=False)
    values = truth.identifier_value.str.strip()
    is_email = truth.identifier_type == "email"
    values = values.where(~is_email, values.str.lower())
    truth = truth.assign(node_key=truth.identifier_type + ":" + values)
    owners = truth.groupby("node_key").person_id.nunique()
    truth = truth[truth.node_key.isin(owners[owners == 1].index)].drop_duplicates("node_key")
    return truth.set_index("node_key").person_id


def score_warehouse(db_path: Path, truth_dir: Path) -> dict[str, dict]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        predicted = (
            con.execute(
                "select node_key, person_id from intermediate.int_identity__person_map where person_id is not null"
            )
            .df()
            .set_index("node_key")
            .person_id
        )
        with_evidence = {
            key
            for (key,) in con.execute(
                "select node_key_a from intermediate.int_identity__edges union select node_key_b from intermediate.int_identity__edges"
            ).fetchall()
        }
    finally:
        con.close()
    truth = truth_clusters(truth_dir)
    common = truth.index.intersection(predicted.index)
    evidenced = common[common.isin(list(with_evidence))]
    return {
        "all_identifiers": pairwise_scores(predicted[common], truth[common]) | {"identifiers": len(common)},
        "with_linking_evidence": pairwise_scores(predicted[evidenced], truth[evidenced])
        | {"identifiers": len(evidenced)},
    }


def run(scale: float, days: int, seed: int, home: Path) -> dict:
    """Simulate, load, build deterministic-only, then with probabilistic matching; time and score both."""
    from orchestration.dbt_runner import run_dbt
    from orchestration.extract.load import load_landing
    from orchestration.settings import load_settings
    from orchestration.simulator import SimulationConfig, simulate
    from orchestration.steps.crm_matching import run_crm_matching

    os.environ["TAILOR_HOME"] = str(home)
    os.environ.pop("TAILOR_DUCKDB_PATH", None)
    settings = load_settings()
    timings: dict[str, float] = {}

    def timed(name, fn):
        started = time.perf_counter()
        result = fn()
        timings[name] = round(time.perf_counter() - started, 1)
        return result

    timed(
        "simulate",
        lambda: simulate(
            SimulationConfig(
                settings.landing_dir, settings.truth_dir, scale=scale, seed=seed, days=days, progress=False
            )
        ),
    )
    timed("load", lambda: load_landing(settings.duckdb_path, settings.landing_dir))
    assert timed("dbt_staging", lambda: run_dbt(["build", "-s", "staging", "--quiet"], settings))
    deterministic_only = ["--vars", '{"tailor__identity_match_threshold": 1.01}']
    assert timed(
        "dbt_identity_deterministic",
        lambda: run_dbt(
            [
                "build",
                "-s",
                "tag:identity",
                "--indirect-selection",
                "cautious",
                "--quiet",
                *deterministic_only,
            ],
            settings,
        ),
    )
    scores = {"deterministic": score_warehouse(settings.duckdb_path, settings.truth_dir)}
    matching = timed("probabilistic_matching", lambda: run_crm_matching(settings.duckdb_path))
    assert timed(
        "dbt_identity_with_matches",
        lambda: run_dbt(
            ["build", "-s", "tag:identity", "--indirect-selection", "cautious", "--quiet"], settings
        ),
    )
    scores["deterministic_plus_probabilistic"] = score_warehouse(settings.duckdb_path, settings.truth_dir)
    return {"scale": scale, "days": days, "seed": seed, "contacts": matching.contacts, "match_pairs": matching.pairs,
            "seconds": timings, "scores": scores}  # fmt: skip


def main() -> None:
    args = world_arguments(__doc__).parse_args()
    home = home_of(args, "tailor_identity_bench_")
    print(json.dumps(run(args.scale, args.days, args.seed, home), indent=2))


if __name__ == "__main__":
    main()
