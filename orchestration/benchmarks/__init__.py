"""Benchmarks on simulated worlds (``python -m orchestration.benchmarks.<name> --help``; `make bench`)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def world_arguments(doc: str | None) -> argparse.ArgumentParser:
    """The options every benchmark shares: the simulated world (--scale, --days, --seed) and --home."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", help="TAILOR_HOME to use (default: a new temporary folder)")
    return parser


def home_of(args: argparse.Namespace, prefix: str) -> Path:
    return Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix=prefix))
