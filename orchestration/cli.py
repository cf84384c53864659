"""The ``tailor`` command: simulate sources, load them, build the warehouse, and report what happened."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from tqdm import tqdm

from orchestration.commands import register_all
from orchestration.settings import DBT_PROJECT_DIR, Settings, load_settings


def _cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.simulator import SimulationConfig, simulate

    out_dir = Path(args.out).resolve() if args.out else settings.landing_dir
    truth_dir = Path(args.truth_out).resolve() if args.truth_out else out_dir.parent / "ground_truth"
    config = SimulationConfig(
        out_dir=out_dir,
        truth_dir=truth_dir,
        scale=args.scale,
        seed=args.seed,
        days=args.days,
        fault_rate=args.fault_rate,
        progress=not args.quiet,
        **({"start_date": date.fromisoformat(args.start_date)} if args.start_date else {}),
    )
    report = simulate(config)
    print(f"simulated exports in {out_dir}")
    print(f"ground truth in      {truth_dir}")
    print(report)
    return 0


def _cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.extract.load import load_landing
    from orchestration.reporting import print_load_report

    landing = Path(args.landing).resolve() if args.landing else settings.landing_dir
    if not landing.is_dir():
        print(
            f"error: landing folder {landing} does not exist (run `tailor simulate` first)", file=sys.stderr
        )
        return 2
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    total = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file())
    with tqdm(total=total, unit="B", unit_scale=True, desc="load", disable=args.quiet) as bar:
        report = load_landing(
            settings.duckdb_path,
            landing,
            args.source or None,
            replace_changed=args.replace_changed,
            verify_checksums=args.verify,
            progress=bar.update,
        )
    print_load_report(report, settings.duckdb_path)
    return 1 if any(f.status == "failed" for f in report.files) else 0


def _cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    """The whole warehouse: staging, then probabilistic matching, then everything after it.

    With dbt arguments (e.g. ``-s tag:segment+``) it is one plain ``dbt build`` with them.
    """
    from orchestration.dbt_runner import run_dbt

    if _cmd_parse(args, settings) != 0:
        return 1
    if args.dbt_args:
        return 0 if run_dbt(["build", *args.dbt_args], settings) else 1
    if not run_dbt(["build", "-s", "staging"], settings):
        return 1
    if _cmd_match(args, settings) != 0:
        return 1
    return 0 if run_dbt(["build", "--exclude", "staging"], settings) else 1


def _cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """dbt parse, keeping the parse-time dependencies on tagged models (segments, campaigns) current."""
    from orchestration.dbt_graph import GENERATED_MACRO, sync_tagged_models

    try:
        changed = sync_tagged_models(settings)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if changed:
        print(f"segments/campaigns changed: regenerated dbt_project/{GENERATED_MACRO}")
    return 0


def _cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.steps.crm_matching import run_crm_matching

    run = run_crm_matching(settings.duckdb_path)
    print(
        f"probabilistic matching: {run.contacts:,} CRM contacts, {run.pairs:,} pairs at p >= {run.match_threshold} "
        f"({run.seconds:.1f} s) -> ml.crm_contact_matches"
    )
    return 0


def _cmd_summary(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.reporting import print_warehouse_summary

    print_warehouse_summary(settings.duckdb_path)
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Simulate (unless the landing folder already has data), then one Dagster run of the nightly job over
    every landing day with files: load, dbt, matching, emails, on the instance `make ui` shows."""
    started = time.perf_counter()
    if args.fresh:  # a new simulation must not meet files or rows of an old one
        for folder in (settings.landing_dir, settings.truth_dir):
            shutil.rmtree(folder, ignore_errors=True)
        settings.duckdb_path.unlink(missing_ok=True)
    if not settings.landing_dir.is_dir() or not any(settings.landing_dir.rglob("*.*")):
        sim_args = argparse.Namespace(
            out=None,
            truth_out=str(settings.truth_dir),
            scale=args.scale,
            seed=args.seed,
            days=args.days,
            fault_rate=args.fault_rate,
            start_date=None,
            quiet=False,
        )
        _cmd_simulate(sim_args, settings)
    if _cmd_parse(args, settings) != 0:  # the code location reads the dbt manifest when it is imported
        return 1
    status = _run_full_build(settings)
    _cmd_summary(args, settings)
    print(f"\ndemo finished in {time.perf_counter() - started:.0f} s")
    print(f"  warehouse:    {settings.duckdb_path}")
    print(f"  landing:      {settings.landing_dir}")
    print(f"  ground truth: {settings.truth_dir}")
    print(
        f"  outbox:       {settings.output_dir / 'outbox'} (payload batches: {settings.output_dir / 'payloads'})"
    )
    print(f"  previews:     {(settings.output_dir / 'previews' / 'index.html').as_uri()}")
    print(f"  Dagster:      {settings.dagster_home} (`make ui` shows the run)")
    print(f"  dbt docs:     `make docs` ({DBT_PROJECT_DIR / 'target'})")
    return status


def _run_full_build(settings: Settings) -> int:
    """The nightly job over every landing day with files, in one run (a single-run backfill)."""
    from orchestration.dagster_runs import dagster_instance, days_with_files, load_summary, run_job
    from orchestration.reporting import print_load_summary

    days = days_with_files(settings)
    if days is None:
        print(f"error: no landing files in {settings.landing_dir}", file=sys.stderr)
        return 2
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    instance = dagster_instance(settings)
    print(
        f"\nDagster: job `nightly` over landing days {days.first} .. {days.last}, one run ({settings.dagster_home})"
    )
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # dbt prints its own progress
    result = run_job(settings, instance, "nightly", days=days, run_config=quiet, raise_on_error=False)
    summary = load_summary(result)
    if summary is not None:
        print_load_summary(summary, settings.duckdb_path)
    print_email_outputs(result)
    verdict = "succeeded" if result.success else "FAILED (see `make ui`)"
    print(f"\nDagster run {result.run_id} {verdict}")
    return 0 if result.success else 1


def print_email_outputs(result) -> None:
    """The payload batches, the outbox and the preview gallery a run published (from its metadata)."""
    built = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    batches = {key: meta for key, meta in built.items() if key.startswith("email/payloads/")}
    if not batches:
        print("\nemails: no payload batch published in this run")
        return
    print("\nemails (Dagster assets email/*):")
    for key, meta in sorted(batches.items()):
        where = meta["batch"].value if "batch" in meta else "(nothing planned)"
        print(f"  {key.removeprefix('email/payloads/'):<28} {meta['payloads'].value:>6} payloads  {where}")
    if "email/outbox" in built:
        print(f"  outbox (what the CRM team picks up): {built['email/outbox']['outbox'].value}")
    if "email/previews" in built:
        print(f"  preview gallery: {built['email/previews']['gallery'].value}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tailor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulate", help="write seeded synthetic exports of every source system")
    sim.add_argument("--scale", type=float, default=0.01, help="1.0 ≈ 100k customers, ≈ 10M events / 30 days")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--days", type=int, default=30)
    sim.add_argument("--start-date", help="first simulated day, YYYY-MM-DD (default: a fixed date)")
    sim.add_argument("--fault-rate", type=float, default=0.01, help="share of rows given each kind of fault")
    sim.add_argument("--out", help="landing folder (default: $TAILOR_HOME/landing)")
    sim.add_argument("--truth-out", help="ground-truth folder (default: beside the landing folder)")
    sim.add_argument("--quiet", action="store_true")
    sim.set_defaults(func=_cmd_simulate)

    load = sub.add_parser("load", help="load new landing files into the raw schema")
    load.add_argument("--landing", help="landing folder (default: $TAILOR_HOME/landing)")
    load.add_argument("--source", action="append", help="only this raw table (repeatable)")
    load.add_argument(
        "--replace-changed", action="store_true", help="replace rows of files changed since loaded"
    )
    load.add_argument(
        "--verify", action="store_true", help="re-hash files whose size and mtime are unchanged"
    )
    load.add_argument("--quiet", action="store_true")
    load.set_defaults(func=_cmd_load)

    build = sub.add_parser("build", help="dbt build (extra arguments go to dbt, e.g. -s staging)")
    build.set_defaults(func=_cmd_build, dbt_args=[])

    parse = sub.add_parser(
        "parse", help="dbt parse (manifest for Dagster), picking up new segments and campaigns"
    )
    parse.set_defaults(func=_cmd_parse)

    match = sub.add_parser("match", help="probabilistic matching of CRM duplicates (Splink) into ml.*")
    match.set_defaults(func=_cmd_match)

    summary = sub.add_parser("summary", help="what the warehouse holds: files, rows, quarantine, staging")
    summary.set_defaults(func=_cmd_summary)

    demo = sub.add_parser("demo", help="simulate, load, build and summarize in one go")
    demo.add_argument("--scale", type=float, default=0.01)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--days", type=int, default=30)
    demo.add_argument("--fault-rate", type=float, default=0.01)
    demo.add_argument("--fresh", action="store_true", help="simulate again even if landing data exists")
    demo.set_defaults(func=_cmd_demo)

    register_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "build":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "build":
        args.dbt_args = extra  # everything after `tailor build` goes to dbt
    settings = load_settings()
    settings.export_for_subprocesses()
    return args.func(args, settings)


if __name__ == "__main__":
    sys.exit(main())
