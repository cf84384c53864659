"""Campaign planning on a simulated world, against the simulator's ground truth and the warehouse's consent.

One world per module: run 1 plans day d-1, run 2 day d (caps and cooldowns count run 1's send_log), then run
2 is rebuilt with planted suppressions (same run id: idempotent), then with a cap of 1.
"""

import json
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from orchestration.simulator import SimulationConfig, simulate

START, DAYS = date(2026, 11, 1), 10
DAY_1, DAY_2 = START + timedelta(days=DAYS - 2), START + timedelta(days=DAYS - 1)
# Unit tests are left out: some of them test the default run date, which these builds override.
CAMPAIGN_MODELS = ["--indirect-selection", "cautious", "--exclude-resource-type", "unit_test", "--quiet"]


def frame(db, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def build(settings, target, run_date: date, *select: str, **extra_vars) -> None:
    variables = json.dumps({"tailor__run_date": run_date.isoformat(), **extra_vars})
    args = ["build", "--target-path", str(target), "--vars", variables, *CAMPAIGN_MODELS]
    assert run_dbt([*args, *(["-s", *select] if select else [])], settings)


def snapshot(db) -> dict[str, pd.DataFrame]:
    return {
        name: frame(db, f"select * from campaigns.{name}")
        for name in ["campaign_decisions", "planned_sends", "excluded_sends", "send_log", "payload_inputs"]
    } | {"definitions": frame(db, "select * from campaigns.campaign_definitions")}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("campaigns_home")
    target = home / "dbt_target"
    settings = load_settings({"TAILOR_HOME": str(home)})
    simulate(SimulationConfig(settings.landing_dir, settings.truth_dir, scale=0.005, seed=11, days=DAYS))
    load_landing(settings.duckdb_path, settings.landing_dir)
    db = settings.duckdb_path
    runs = {}
    build(settings, target, DAY_1)
    runs["day_1"] = snapshot(db)
    marts = ["tag:customers", "tag:segment", "tag:campaigns"]
    build(settings, target, DAY_2, *marts)
    runs["day_2"] = snapshot(db)
    # plant: three people run 2 planned go on the suppression list; rebuild run 2 (same run id)
    planted = runs["day_2"]["planned_sends"].sort_values("person_id").head(3)
    con = duckdb.connect(str(db))
    for email in planted.email:
        con.execute(
            "insert into reference.suppression_list values (?, 'test_plant', timestamp '2026-11-01')",
            [f"  {email.upper()} "],
        )
    con.close()
    build(settings, target, DAY_2, "tag:campaigns")
    runs["day_2_suppressed"] = snapshot(db)
    runs["planted"] = planted
    build(settings, target, DAY_2, "tag:campaigns", tailor__campaign_max_marketing_sends_7d=1)
    runs["day_2_cap_1"] = snapshot(db)
    yield settings, runs


def truth_ineligible(settings) -> pd.DataFrame:
    """Truth persons who unsubscribed, complained, hard-bounced or whose latest email-marketing consent by
    DAY_2 is an opt-out, from the simulator's truth events and its exports (identifiers per the truth)."""
    truth = settings.truth_dir
    identifiers = pd.read_csv(truth / "identifiers.csv", dtype=str)
    events = pd.read_parquet(
        truth / "events.parquet", columns=["source", "event_type", "occurred_at", "person_id"]
    )
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    con.register("truth_identifiers", identifiers)
    con.register("truth_events", events)
    try:
        return con.execute(
            f"""
            with ids as (select identifier_type, lower(trim(identifier_value)) as value, person_id
                         from truth_identifiers),
            esp_opt_outs as (
                select distinct person_id, event_type as why from truth_events
                where source = 'esp_events' and event_type in ('unsubscribe', 'spam_complaint')
                    and cast(occurred_at as date) <= date '{DAY_2}'
            ),
            hard_bounces as (
                select distinct ids.person_id, 'hard_bounce' as why from staging.stg_esp__events e
                inner join ids on ids.identifier_type = 'email' and ids.value = e.email
                where e.event_type = 'bounce' and e.bounce_type = 'hard'
            ),
            consent as (
                select ids.person_id, r.consent_status,
                    row_number() over (partition by ids.person_id order by r.recorded_at desc,
                        case r.consent_status when 'opt_out' then 0 else 1 end) as recency
                from staging.stg_consent__records r
                inner join ids on ids.identifier_type = 'contact_id' and ids.value = lower(r.contact_id)
                where r.purpose = 'email_marketing' and cast(r.recorded_at as date) <= date '{DAY_2}'
            )
            select * from esp_opt_outs union all select * from hard_bounces
            union all select person_id, 'opt_out' from consent where recency = 1 and consent_status = 'opt_out'
            """
        ).df()
    finally:
        con.close()


def truth_person_of_email(settings) -> dict[str, str]:
    ids = pd.read_csv(settings.truth_dir / "identifiers.csv", dtype=str)
    ids = ids[ids.identifier_type == "email"]
    return dict(zip(ids.identifier_value.str.strip().str.lower(), ids.person_id, strict=True))


@pytest.mark.parametrize("run", ["day_1", "day_2", "day_2_suppressed", "day_2_cap_1"])
def test_opted_out_unsubscribed_bounced_complained_people_are_never_planned(world, run):
    settings, runs = world
    ineligible = truth_ineligible(settings)
    assert set(ineligible.why) >= {"unsubscribe", "hard_bounce", "opt_out"}
    truth_of = truth_person_of_email(settings)
    decisions = runs[run]["campaign_decisions"]
    decisions = decisions.assign(truth_person=decisions.email.map(truth_of))
    in_audiences = decisions[decisions.truth_person.isin(ineligible.person_id)]
    assert len(in_audiences) > 0, "no planted ineligible person in any audience: the test would prove nothing"
    planned = runs[run]["planned_sends"].assign(truth_person=lambda f: f.email.map(truth_of))
    assert not planned.truth_person.isin(ineligible.person_id).any()
    # the warehouse's own consent data agrees: every planned person is opted in and deliverable
    customers = frame(settings.duckdb_path, "select * from marts.dim_customers")
    planned_customers = customers[customers.person_id.isin(planned.person_id)]
    assert (planned_customers.email_marketing_consent == "opt_in").all()
    assert not (
        planned_customers.has_hard_bounced
        | planned_customers.has_complained
        | planned_customers.has_unsubscribed
    ).any()


def test_planted_suppressions_are_excluded_with_their_reason(world):
    _, runs = world
    planted, after = runs["planted"], runs["day_2_suppressed"]
    assert len(planted) == 3
    assert not after["planned_sends"].person_id.isin(planted.person_id).any()
    excluded = after["excluded_sends"]
    rows = excluded[excluded.person_id.isin(planted.person_id) & (excluded.exclusion_reason == "suppressed")]
    assert set(rows.person_id) == set(planted.person_id)
    assert (rows.exclusion_detail == "suppression list: test_plant").all()


def test_rebuilding_a_run_replaces_its_send_log_rows(world):
    _, runs = world
    log = runs["day_2_suppressed"]["send_log"]
    assert set(log.run_id) == {DAY_1.isoformat(), DAY_2.isoformat()}
    assert not log.duplicated(["run_id", "person_id"]).any()
    day_2_rows = log[log.run_id == DAY_2.isoformat()]
    assert set(day_2_rows.person_id) == set(runs["day_2_suppressed"]["planned_sends"].person_id)
    assert len(day_2_rows) == len(runs["day_2"]["planned_sends"]) - 3


def test_frequency_cap_counts_the_earlier_run(world):
    _, runs = world
    day_1 = set(runs["day_1"]["planned_sends"].person_id)
    capped = runs["day_2_cap_1"]["campaign_decisions"]
    again = capped[capped.person_id.isin(day_1)]
    assert len(again) > 0, "nobody planned on day 1 is in a day-2 audience: nothing to check"
    assert not runs["day_2_cap_1"]["planned_sends"].person_id.isin(day_1).any()
    assert (again.marketing_sends_7d >= 1).all()
    assert again.failed_checks.str.contains("frequency_cap").any()
    # default cap (3): planned sends on day 2 never exceed it counting ESP sends and day 1's plan
    planned_2 = runs["day_2"]["campaign_decisions"].query("outcome == 'planned' and is_marketing")
    assert (planned_2.marketing_sends_7d + 1 <= 3).all()


def test_cooldown_keeps_day_1_recipients_from_the_same_campaign(world):
    _, runs = world
    day_1 = runs["day_1"]["planned_sends"][["person_id", "campaign"]]
    day_2 = runs["day_2"]["campaign_decisions"].merge(day_1, on=["person_id", "campaign"])
    assert len(day_2) > 0, "no day-1 recipient is in the same campaign's day-2 audience"
    assert (day_2.outcome != "planned").all()


def test_assignment_is_stable_across_runs_and_follows_the_weights(world):
    _, runs = world
    keys = ["person_id", "campaign"]
    both = runs["day_1"]["campaign_decisions"].merge(
        runs["day_2"]["campaign_decisions"], on=keys, suffixes=("_1", "_2")
    )
    assert len(both) > 0
    assert (both.assignment_unit_1 == both.assignment_unit_2).all()
    assert (both.assigned_variant_1.fillna("-") == both.assigned_variant_2.fillna("-")).all()
    decisions, definitions = runs["day_2"]["campaign_decisions"], runs["day_2"]["definitions"]
    for row in decisions.itertuples():
        variants = definitions[definitions.campaign == row.campaign]
        holdout = variants.holdout_share.iloc[0]
        assert row.is_holdout_group == (row.assignment_unit < holdout)
        if not row.is_holdout_group:
            v = (row.assignment_unit - holdout) / (1 - holdout)
            expected = variants[(variants.variant_lower_bound <= v) & (v < variants.variant_upper_bound)]
            assert list(expected.variant) == [row.assigned_variant]


def test_outcomes_reconcile_and_payloads_match_planned_sends(world):
    _, runs = world
    run = runs["day_2"]
    decisions = run["campaign_decisions"]
    assert len(decisions) == len(run["planned_sends"]) + len(run["excluded_sends"])
    assert set(decisions.outcome) >= {"planned", "excluded"}
    assert not run["planned_sends"].person_id.duplicated().any()
    payloads = run["payload_inputs"]
    assert sorted(payloads.person_id) == sorted(run["planned_sends"].person_id)
    assert payloads.unsubscribe_token.str.fullmatch("[0-9a-f]{64}").all()
    assert payloads.product_1_name.notna().mean() > 0.5


def test_the_sends_guard_fails_the_build_if_an_ineligible_person_is_ever_planned(world, tmp_path):
    """The dbt test sends_are_allowed re-checks planned_sends from dim_customers and the suppression list
    alone. Slip an opted-out person into the plan (as a planning bug would) and it fails the build."""
    settings, _ = world
    guard = [
        "test",
        "--target-path",
        str(tmp_path / "target"),
        "-s",
        "test_name:sends_are_allowed",
        "--quiet",
    ]
    assert run_dbt(guard, settings)  # the plan as built passes
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        opted_out = con.execute(
            "select person_id, email from marts.dim_customers "
            "where email_marketing_consent = 'opt_out' and email is not null order by person_id limit 1"
        ).fetchone()
        assert opted_out, "no opted-out person with an address in this world"
        con.execute(
            "insert into campaigns.planned_sends by name "
            "select 'guard_test' as run_id, ? as person_id, ? as email, true as is_marketing",
            list(opted_out),
        )
    finally:
        con.close()
    try:
        assert not run_dbt(guard, settings)
    finally:
        con = duckdb.connect(str(settings.duckdb_path))
        con.execute("delete from campaigns.planned_sends where run_id = 'guard_test'")
        con.close()
