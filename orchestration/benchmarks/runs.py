"""Wall time of tailor's Dagster runs: a nightly run, hourly runs, their ratio and the orchestration overhead.

Simulates ``days`` days (n) and times, on one warehouse, in this order:

- a backfill of days 1 .. n-3 (one run of the nightly job: the first build, loading 27 days of files);
- the nightly run of day n-2 alone (what the nightly schedule runs with TAILOR_NIGHTLY_DAYS=1);
- the nightly run the schedule launches by default (TAILOR_NIGHTLY_DAYS=0) once day n-1 has landed:
  everything over the whole history, loading the new day's files;
- the hourly runs of the first ``hours`` hours of day n (that hour's files, the incremental models,
  identity and customers, the hourly segments and the triggered campaigns).

All are ordinary runs on a persistent Dagster instance in the home, so `make ui` shows them afterwards.

Overhead is what is neither dbt executing models and tests nor tailor's Python steps: wall time minus the
sum of dbt's per-node "Execution Duration" minus the duration of the steps that are not dbt. It holds dbt's
start-up and parsing, dagster-dbt streaming dbt's events, and Dagster starting the run and its steps.

    python -m orchestration.benchmarks.runs --scale 0.1 --days 30 --hours 3
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from orchestration.benchmarks import home_of, world_arguments

DBT_STEPS = ("dbt_ingest", "dbt_warehouse")
EXECUTION_DURATION = "Execution Duration"


def slowest(seconds: dict[str, float], n: int = 6) -> dict[str, float]:
    return {key: round(value, 1) for key, value in sorted(seconds.items(), key=lambda kv: -kv[1])[:n]}


def breakdown(instance, run_id: str, wall: float) -> dict:
    """Seconds of dbt node execution, of tailor's Python steps and of overhead in one run."""
    import dagster as dg

    started: dict[str, float] = {}
    steps: dict[str, float] = {}
    # dbt's duration of each node, once: a run over a range of days reports a model once per day
    nodes: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = record.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            steps[event.step_key] = record.timestamp - started[event.step_key]
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            metadata = event.event_specific_data.materialization.metadata
            if EXECUTION_DURATION in metadata:
                nodes[event.asset_key.to_user_string()] = float(metadata[EXECUTION_DURATION].value)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if EXECUTION_DURATION in check.metadata:
                name = f"{check.asset_key.to_user_string()}:{check.check_name}"
                nodes[name] = float(check.metadata[EXECUTION_DURATION].value)
    dbt_nodes = sum(nodes.values())
    python = {key: seconds for key, seconds in steps.items() if not key.startswith(DBT_STEPS)}
    dbt_steps = sum(steps.values()) - sum(python.values())
    python_steps = sum(python.values())
    overhead = wall - dbt_nodes - python_steps
    return {
        "wall_s": round(wall, 1),
        "dbt_node_execution_s": round(dbt_nodes, 1),
        "dbt_steps_s": round(dbt_steps, 1),
        "python_steps_s": round(python_steps, 1),
        "steps": len(steps),
        "overhead_s": round(overhead, 1),
        "overhead_share": round(overhead / wall, 3),
        "dbt_nodes": len(nodes),
        "slowest_dbt_nodes": slowest(nodes),
        "slowest_python_steps": slowest(python),
    }


def run(scale: float, days: int, seed: int, hours: int, home: Path, quiet: bool = True) -> dict:
    if days < 4:
        raise ValueError("days must be at least 4: a backfill, two nightly runs and an hourly day")
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["TAILOR_HOME"] = str(home)  # before the code location is imported: it reads the home
    for name in ("TAILOR_DUCKDB_PATH", "TAILOR_LANDING_DIR", "TAILOR_OUTPUT_DIR", "DAGSTER_HOME"):
        os.environ.pop(name, None)

    from orchestration.dagster_runs import DayRange, dagster_instance, run_job
    from orchestration.defs.partitions import day_of
    from orchestration.extract.partitions import hours_with_files
    from orchestration.settings import load_settings
    from orchestration.simulator import SimulationConfig, simulate

    settings = load_settings()
    result: dict = {"scale": scale, "days": days, "seed": seed, "home": str(home)}
    began = time.perf_counter()
    if not settings.landing_dir.exists():  # else: reuse the files of an earlier simulation
        simulate(
            SimulationConfig(
                out_dir=settings.landing_dir, truth_dir=settings.truth_dir, scale=scale, seed=seed, days=days
            )
        )
        result["simulate_s"] = round(time.perf_counter() - began, 1)
    landed_hours = sorted(hours_with_files(settings.landing_dir))
    landing_days = sorted({day_of(hour) for hour in landed_hours})
    first = landing_days[0]
    instance = dagster_instance(settings)
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}} if quiet else None

    def timed(label: str, **kwargs) -> dict:
        began = time.perf_counter()
        outcome = run_job(settings, instance, **kwargs, run_config=run_config)
        wall = time.perf_counter() - began
        if not outcome.success:
            raise RuntimeError(f"{label} failed: run {outcome.run_id}")
        timing = breakdown(instance, outcome.run_id, wall) | {"run_id": outcome.run_id}
        print(f"{label}: {json.dumps(timing)}", flush=True)
        return timing

    one_day, new_day, hourly_day = landing_days[-3:]
    result["backfill"] = {"days": f"{first}..{landing_days[-4]}"} | timed(
        "backfill", job_name="nightly", days=DayRange(first, landing_days[-4])
    )
    result["nightly_one_day"] = {"days": one_day} | timed(
        "nightly (one day)", job_name="nightly", days=DayRange(one_day, one_day)
    )
    result["nightly"] = {"days": f"{first}..{new_day}"} | timed(
        "nightly (whole history)", job_name="nightly", days=DayRange(first, new_day)
    )
    day_hours = [hour for hour in landed_hours if day_of(hour) == hourly_day]
    result["hourly"] = [
        {"hour": hour.isoformat()} | timed(f"hourly {hour:%H}", job_name="hourly", hour=hour)
        for hour in day_hours[:hours]
    ]
    hourly_wall = statistics.median(run["wall_s"] for run in result["hourly"])
    result["hourly_median_wall_s"] = hourly_wall
    result["ratio_hourly_to_nightly"] = round(hourly_wall / result["nightly"]["wall_s"], 3)
    result["ratio_hourly_to_nightly_one_day"] = round(hourly_wall / result["nightly_one_day"]["wall_s"], 3)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def main() -> None:
    parser = world_arguments(__doc__)
    parser.add_argument(
        "--hours", type=int, default=3, help="hourly runs to time (the first of the last day)"
    )
    parser.add_argument("--verbose", action="store_true", help="Dagster's console log at INFO")
    args = parser.parse_args()
    result = run(
        args.scale,
        args.days,
        args.seed,
        args.hours,
        home_of(args, "tailor_runs_bench_"),
        quiet=not args.verbose,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
