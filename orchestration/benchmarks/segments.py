"""Rule segments measured against the simulator's ground truth.

The cart-abandoner and high-interest segments are rules, so on simulated data they should be exact. The
truth applies the same rules to the simulator's true events (``events.parquet``) and true abandonments
(``cart_abandonments.csv``), judged at the warehouse's run date with the same vars:

- cart abandoners: true abandoned cart adds whose whole window ended before the end of run_date and that
  happened in the lookback (the truth's window is 24 h: no purchase in the session or within 24 h after);
- high interest: some true product view (web product_view, app product screen) with the
  (min_views - 1)-th earlier view of the same product by the same true person at most window hours
  before it, the view falling in the lookback.

Warehouse persons are mapped to true persons through their identifiers (``int_identity__person_map`` vs
``identifiers.csv``, the majority true person). Precision = share of warehouse members whose true person
is in the true segment; recall = share of true members with at least one warehouse member.

That end-to-end score mixes three things, so ``decompose`` also scores each segment against
- ``arrived``: the truth rule applied to the true events that reached the warehouse (planted faults
  quarantine about 1% of lines per fault type: the warehouse cannot know those events), by true person:
  what is left is identity (a person split over unlinked cookies, or merged) plus the rule;
- ``rule``: the rule re-implemented here in pandas over the warehouse's own events and persons, with each
  event's *true* time: what is left is the SQL rule itself (and time parsing). It should be exact.

    python -m orchestration.benchmarks.segments --scale 0.1 --days 30          # simulate, load, build, score
    python -m orchestration.benchmarks.segments --home /tmp/h4b --no-build     # score an existing warehouse
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from orchestration.benchmarks import home_of, world_arguments
from orchestration.benchmarks.identity_graph import truth_clusters
from orchestration.settings import DBT_PROJECT_DIR

HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)


def segment_vars(overrides: dict | None = None) -> dict:
    """The tailor__ vars of dbt_project.yml, with overrides (as passed to dbt --vars) applied."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"] | (overrides or {})


def true_cart_abandoners(
    truth_dir: Path, run_ends: pd.Timestamp, hours: float, lookback_days: float
) -> set[int]:
    carts = pd.read_csv(truth_dir / "cart_abandonments.csv")
    added = pd.to_datetime(carts.cart_added_at, utc=True).dt.tz_localize(None)
    judged = (added + hours * HOUR < run_ends) & (added >= run_ends - lookback_days * DAY)
    return set(carts.person_id[judged].astype(int))


def true_product_views(truth_dir: Path) -> pd.DataFrame:
    events = pd.read_parquet(
        truth_dir / "events.parquet",
        columns=["source", "event_type", "occurred_at", "person_id", "product_id"],
    )
    is_view = ((events.source == "web_tracker_events") & (events.event_type == "product_view")) | (
        (events.source == "app_events") & (events.event_type == "screen_view") & events.product_id.notna()
    )
    views = events[is_view].copy()
    views["occurred_at"] = pd.to_datetime(views.occurred_at, utc=True).dt.tz_localize(None)
    return views


def true_high_interest(
    views: pd.DataFrame, run_ends: pd.Timestamp, min_views: int, window_hours: float, lookback_days: float
) -> set[int]:
    views = views[views.occurred_at < run_ends].sort_values(["person_id", "product_id", "occurred_at"])
    earlier = views.groupby(["person_id", "product_id"]).occurred_at.shift(min_views - 1)
    qualifies = (
        earlier.notna()
        & (views.occurred_at - earlier <= window_hours * HOUR)
        & (views.occurred_at >= run_ends - lookback_days * DAY)
    )
    return set(views.person_id[qualifies].tolist())


def order_covered(adds: pd.DataFrame, orders: pd.DataFrame, hours: float) -> pd.Series:
    """Per cart add (index of ``adds``): an order of the person in the same web session or from the add up
    to ``hours`` after it (inclusive) exists."""
    pairs = adds.reset_index(names="add").merge(orders, on="person_id", suffixes=("", "_order"))
    same_session = pairs.web_session_id.notna() & (pairs.web_session_id == pairs.web_session_id_order)
    delay = pairs.occurred_at_order - pairs.occurred_at
    in_window = (delay >= pd.Timedelta(0)) & (delay <= hours * HOUR)
    covered = set(pairs.loc[same_session | in_window, "add"])
    return pd.Series(adds.index.isin(list(covered)), index=adds.index)


def rule_cart_abandoners(
    events: pd.DataFrame, run_ends: pd.Timestamp, hours: float, lookback_days: float
) -> set:
    """Persons with a judged cart add in the lookback and no covering order (columns person_id,
    event_type in add_to_cart / order, occurred_at, web_session_id)."""
    scoped = events[events.occurred_at < run_ends]
    adds = scoped[
        (scoped.event_type == "add_to_cart")
        & (scoped.occurred_at + hours * HOUR < run_ends)
        & (scoped.occurred_at >= run_ends - lookback_days * DAY)
    ]
    orders = scoped.loc[scoped.event_type == "order", ["person_id", "occurred_at", "web_session_id"]]
    return set(adds.person_id[~order_covered(adds, orders, hours)])


def true_events_arrived(truth_dir: Path, db_path: Path) -> pd.DataFrame:
    """True events (views, cart adds, orders) whose event reached the warehouse, with the true person,
    session and time; event_type normalized to product_view / add_to_cart / order."""
    events = pd.read_parquet(
        truth_dir / "events.parquet",
        columns=["event_id", "source", "event_type", "occurred_at", "person_id", "session_id", "product_id"],
    )
    kind = pd.Series(None, index=events.index, dtype=object)
    kind[events.event_type == "add_to_cart"] = "add_to_cart"
    kind[events.event_type.isin(["purchase", "in_app_purchase"])] = "order"
    kind[
        (events.event_type == "product_view")
        | ((events.event_type == "screen_view") & events.product_id.notna())
    ] = "product_view"
    events = events.assign(event_type=kind, web_session_id=events.session_id)[kind.notna()]
    events["occurred_at"] = pd.to_datetime(events.occurred_at, utc=True).dt.tz_localize(None)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        arrived = set(
            con.execute("select distinct source_event_id from marts.fct_customer_events").df().iloc[:, 0]
        )
    finally:
        con.close()
    return events[events.event_id.isin(arrived)]


def warehouse_rule_events(db_path: Path, truth_dir: Path) -> pd.DataFrame:
    """The events the SQL rules read (fct_customer_events: resolved, not bots), warehouse persons and web
    sessions, each event at its true time when the truth has it (CRM orders keep the warehouse time)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        events = con.execute(
            """
            select source_event_id, person_id, web_session_id, product_id, occurred_at,
                case when event_type in ('product_view', 'add_to_cart') then event_type else 'order' end
                    as event_type
            from marts.fct_customer_events
            where person_id is not null and not is_bot
                and event_type in ('product_view', 'add_to_cart', 'checkout_complete', 'purchase',
                                   'purchase_cancelled', 'purchase_refunded')
                and (event_type <> 'product_view' or product_id is not null)
            """
        ).df()
    finally:
        con.close()
    true_time = pd.read_parquet(truth_dir / "events.parquet", columns=["event_id", "occurred_at"])
    true_time = pd.to_datetime(true_time.set_index("event_id").occurred_at, utc=True).dt.tz_localize(None)
    warehouse_time = pd.to_datetime(events.occurred_at)
    if warehouse_time.dt.tz is not None:
        warehouse_time = warehouse_time.dt.tz_convert("UTC").dt.tz_localize(None)
    events["occurred_at"] = events.source_event_id.map(true_time).fillna(warehouse_time)
    return events


def decompose(db_path: Path, truth_dir: Path, var_overrides: dict | None = None) -> dict:
    """Each rule segment scored end to end, against the events that arrived, and as a rule (see above)."""
    dbt_vars = segment_vars(var_overrides)
    members, person_map, run_date = warehouse_members(db_path)
    run_ends = run_date + DAY
    cart = (dbt_vars["tailor__cart_abandonment_hours"], dbt_vars["tailor__cart_abandonment_lookback_days"])
    interest = (
        int(dbt_vars["tailor__high_interest_min_views"]),
        dbt_vars["tailor__high_interest_window_hours"],
        dbt_vars["tailor__high_interest_lookback_days"],
    )
    true_person = true_person_of(person_map, truth_dir)
    arrived = true_events_arrived(truth_dir, db_path)
    own = warehouse_rule_events(db_path, truth_dir)
    own_person = pd.Series(own.person_id.unique(), index=own.person_id.unique())
    arrived_truth = {
        "cart_abandoners": rule_cart_abandoners(arrived, run_ends, *cart),
        "high_interest": true_high_interest(
            arrived[arrived.event_type == "product_view"], run_ends, *interest
        ),
    }
    rule_truth = {
        "cart_abandoners": rule_cart_abandoners(own, run_ends, *cart),
        "high_interest": true_high_interest(own[own.event_type == "product_view"], run_ends, *interest),
    }
    scores = score_warehouse(db_path, truth_dir, var_overrides)
    for name in arrived_truth:
        in_segment = members.person_id[members.segment_name == name]
        scores[name] = {
            "end_to_end": scores[name],
            "arrived": precision_recall(in_segment, true_person, arrived_truth[name]),
            "rule": precision_recall(in_segment, own_person, rule_truth[name]),
        }
    return scores


def warehouse_members(db_path: Path) -> tuple[pd.DataFrame, pd.Series, pd.Timestamp]:
    """(segment members, node_key -> warehouse person, run date) from the warehouse."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        members = con.execute(
            "select segment_name, person_id, run_date from segments.segment_memberships"
        ).df()
        person_map = (
            con.execute(
                "select node_key, person_id from intermediate.int_identity__person_map where person_id is not null"
            )
            .df()
            .set_index("node_key")
            .person_id
        )
        (run_date,) = con.execute("select max(run_date) from segments.segment_memberships").fetchone()
    finally:
        con.close()
    return members, person_map, pd.Timestamp(run_date)


def true_person_of(person_map: pd.Series, truth_dir: Path) -> pd.Series:
    """warehouse person -> the true person most of its identifiers belong to."""
    truth = truth_clusters(truth_dir)
    pairs = pd.DataFrame({"person_id": person_map, "true_person": truth.reindex(person_map.index)}).dropna()
    counts = pairs.groupby(["person_id", "true_person"]).size().rename("n").reset_index()
    counts = counts.sort_values(["person_id", "n", "true_person"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id").true_person.astype(int)


def precision_recall(members: pd.Series, true_person: pd.Series, truth: set[int]) -> dict:
    mapped = true_person.reindex(members.to_numpy())
    hits = int(mapped.isin(truth).sum())
    found = set(mapped.dropna().tolist()) & truth
    return {
        "warehouse_members": len(members),
        "true_members": len(truth),
        "precision": round(hits / len(members), 4) if len(members) else None,
        "recall": round(len(found) / len(truth), 4) if truth else None,
        "false_positives": len(members) - hits,
        "false_negatives": len(truth - found),
    }


def score_warehouse(db_path: Path, truth_dir: Path, var_overrides: dict | None = None) -> dict:
    dbt_vars = segment_vars(var_overrides)
    members, person_map, run_date = warehouse_members(db_path)
    run_ends = run_date + DAY
    true_person = true_person_of(person_map, truth_dir)
    truth = {
        "cart_abandoners": true_cart_abandoners(
            truth_dir,
            run_ends,
            dbt_vars["tailor__cart_abandonment_hours"],
            dbt_vars["tailor__cart_abandonment_lookback_days"],
        ),
        "high_interest": true_high_interest(
            true_product_views(truth_dir),
            run_ends,
            int(dbt_vars["tailor__high_interest_min_views"]),
            dbt_vars["tailor__high_interest_window_hours"],
            dbt_vars["tailor__high_interest_lookback_days"],
        ),
    }
    return {"run_date": str(run_date.date())} | {
        name: precision_recall(members.person_id[members.segment_name == name], true_person, truth[name])
        for name in truth
    }


def run(
    scale: float, days: int, seed: int, home: Path, build: bool = True, var_overrides: dict | None = None
) -> dict:
    """Simulate, load and build (unless build=False: score the warehouse already in home)."""
    from orchestration.dbt_runner import run_dbt
    from orchestration.extract.load import load_landing
    from orchestration.settings import load_settings
    from orchestration.simulator import SimulationConfig, simulate
    from orchestration.steps.crm_matching import run_crm_matching

    os.environ["TAILOR_HOME"] = str(home)
    os.environ.pop("TAILOR_DUCKDB_PATH", None)
    settings = load_settings()
    timings: dict[str, float] = {}
    vars_arg = ["--vars", json.dumps(var_overrides)] if var_overrides else []
    if build:
        started = time.perf_counter()
        simulate(SimulationConfig(settings.landing_dir, settings.truth_dir, scale=scale, seed=seed, days=days,
                                  progress=False))  # fmt: skip
        load_landing(settings.duckdb_path, settings.landing_dir)
        assert run_dbt(["build", "-s", "staging", "--quiet"], settings)
        run_crm_matching(settings.duckdb_path)
        timings["simulate_load_match"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        assert run_dbt(["build", "--exclude", "staging", "--quiet", *vars_arg], settings)
        timings["dbt_build"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    scores = decompose(settings.duckdb_path, settings.truth_dir, var_overrides)
    timings["score"] = round(time.perf_counter() - started, 1)
    return {"scale": scale, "days": days, "seed": seed, "seconds": timings, "scores": scores}


def main() -> None:
    parser = world_arguments(__doc__)
    parser.add_argument("--no-build", action="store_true", help="score the warehouse already in --home")
    parser.add_argument("--vars", help="dbt vars (JSON) for the build and the truth, e.g. lookback days")
    args = parser.parse_args()
    home = home_of(args, "tailor_segments_bench_")
    overrides = json.loads(args.vars) if args.vars else None
    print(json.dumps(run(args.scale, args.days, args.seed, home, not args.no_build, overrides), indent=2))


if __name__ == "__main__":
    main()
