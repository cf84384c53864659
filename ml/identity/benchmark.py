"""Runtime, peak memory and accuracy of ``match_contacts`` on generated contacts of a given size.

One size per process, so that the peak resident memory belongs to that size alone:

    .venv/bin/python -m ml.identity.benchmark --contacts 10000
    .venv/bin/python -m ml.identity.benchmark --contacts 100000
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time

from ml.identity.evaluate import pairwise_scores
from ml.identity.matching import MatchingConfig, match_contacts
from ml.identity.synthetic import generate_contacts

DUPLICATE_SHARE = 0.3
# generate_contacts makes about 1.25 extra contacts for each duplicated person.
CONTACTS_PER_PERSON = 1 + 1.25 * DUPLICATE_SHARE


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def _current_rss_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024
    except OSError:
        return float("nan")


def run_benchmark(contacts: int, seed: int = 7, config: MatchingConfig | None = None) -> dict:
    """Generate about ``contacts`` contacts, match them, and score the clusters against the answer key."""
    frame, truth = generate_contacts(
        round(contacts / CONTACTS_PER_PERSON), seed=seed, duplicate_share=DUPLICATE_SHARE
    )
    rss_before = _current_rss_mib()
    started = time.perf_counter()
    result = match_contacts(frame, config or MatchingConfig())
    seconds = time.perf_counter() - started
    scores = pairwise_scores(result.clusters.set_index("contact_id")["cluster_id"], truth)
    return {
        "contacts": len(frame),
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(_peak_rss_mib()),
        "rss_before_matching_mib": round(rss_before),
        "candidate_pairs": result.summary.scored_pair_count,
        "pairs_at_threshold": result.summary.pair_count,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # Splink warns about every comparison level a data set cannot train (no phones in FEBRL, ...).
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(json.dumps(run_benchmark(args.contacts, args.seed)))


if __name__ == "__main__":
    main()
