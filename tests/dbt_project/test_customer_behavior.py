"""Behavioural models on a simulated world, checked against the simulator's ground truth.

One world per module (simulate, load, one dbt build of everything up to the customer marts); each test
reads the warehouse. Persons are matched to the truth through their primary CRM contact id.
"""

import crawleruseragents
import duckdb
import pandas as pd
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from orchestration.simulator import SimulationConfig, simulate

MARTS = ["customer_metrics", "customer_interest_categories", "customer_interest_products"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("behavior_home")
    settings = load_settings({"TAILOR_HOME": str(home)})
    simulate(
        SimulationConfig(
            out_dir=settings.landing_dir, truth_dir=settings.truth_dir, scale=0.005, seed=11, days=10
        )
    )
    load_landing(settings.duckdb_path, settings.landing_dir)
    assert run_dbt(["build", "-s", "staging", *[f"+{name}" for name in MARTS], "--quiet"], settings)
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    persons = pd.read_csv(settings.truth_dir / "persons.csv", dtype=str)
    con.register("truth_persons", persons)
    events = pd.read_parquet(
        settings.truth_dir / "events.parquet", columns=["event_id", "source", "session_id"]
    )
    con.register("truth_events", events)
    yield con
    con.close()


def frame(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


# Our person of each simulated registered person, with the truth's persona and favourite categories.
OURS = """
    with ours as (
        select truth.persona, truth.favourite_categories, map.person_id
        from truth_persons as truth
        inner join intermediate.int_identity__person_map as map
            on map.identifier_type = 'contact_id' and map.identifier_value = truth.primary_contact_id
    )
"""


def test_loyal_high_spenders_outspend_and_outbuy_window_shoppers(world):
    by_persona = frame(
        world,
        OURS
        + """
        select persona, count(*) as persons,
            avg(coalesce(m.rfm_monetary, 0)) as monetary,
            avg(coalesce(m.rfm_frequency, 0)) as frequency,
            avg(m.rfm_monetary_score) as monetary_score,
            avg(m.email_open_rate_lifetime) as open_rate
        from ours inner join marts.customer_metrics as m using (person_id)
        group by persona
        """,
    ).set_index("persona")
    loyal, window = by_persona.loc["loyal_high_spender"], by_persona.loc["window_shopper"]
    assert loyal.persons >= 20 and window.persons >= 20
    assert loyal.monetary > 3 * window.monetary
    assert loyal.frequency > 3 * window.frequency
    assert loyal.monetary_score > window.monetary_score
    assert loyal.open_rate > window.open_rate  # 48% vs 18% in the simulator


def test_top_interest_category_is_mostly_a_true_favourite(world):
    top = frame(
        world,
        OURS
        + """
        select
            avg(case when contains('|' || favourite_categories || '|', '|' || c.category || '|') then 1 else 0 end)
                as hit_rate,
            avg(len(string_split(favourite_categories, '|'))) / (select count(distinct category) from staging.stg_crm__products)
                as chance,
            count(*) as persons
        from ours inner join marts.customer_interest_categories as c using (person_id)
        where c.interest_rank = 1
        """,
    ).iloc[0]
    assert top.persons >= 100
    assert top.hit_rate >= 0.8 and top.hit_rate > 3 * top.chance


def test_web_sessions_are_exactly_the_true_sessions(world):
    """The simulator's sessions are >= 2 h apart and <= ~1 h long, late events included: a 30-minute
    cookie sessionization must recover every one, neither splitting nor merging any."""
    counts = frame(
        world,
        """
        with pairs as (
            select truth.session_id, ours.web_session_id
            from truth_events as truth
            inner join intermediate.int_web_session_events as ours on ours.event_id = 'tracker:' || truth.event_id
            where truth.source = 'web_tracker_events'
        )
        select
            (select count(*) from (select session_id from pairs group by 1 having count(distinct web_session_id) > 1)) as split,
            (select count(*) from (select web_session_id from pairs group by 1 having count(distinct session_id) > 1)) as merged,
            (select count(distinct session_id) from pairs) as true_sessions,
            (select count(*) from intermediate.int_web_sessions) as sessions
        """,
    ).iloc[0]
    assert counts.true_sessions > 100
    assert (counts.split, counts.merged) == (0, 0)
    assert counts.sessions == counts.true_sessions


def test_purchases_are_completed_crm_orders_counted_once(world):
    totals = frame(
        world,
        """
        select
            (select sum(purchases_lifetime) from marts.customer_metrics) as purchases,
            (select sum(revenue_lifetime) from marts.customer_metrics) as revenue,
            (select count(*) from staging.stg_crm__orders where order_status = 'completed') as completed_orders,
            (select sum(total_amount) from staging.stg_crm__orders where order_status = 'completed') as completed_revenue,
            (select count(*) from staging.stg_crm__orders where order_status <> 'completed') as other_orders,
            (select count(*) from marts.fct_customer_events where event_type = 'checkout_complete') as confirmations
        """,
    ).iloc[0]
    assert totals.other_orders > 0 and totals.confirmations > 0  # both could have been counted wrongly
    assert totals.purchases == totals.completed_orders
    assert totals.revenue == pytest.approx(float(totals.completed_revenue))


def test_bot_classification_agrees_with_the_package_and_keeps_crawlers_out_of_sessions(world):
    agents = frame(world, "select user_agent, is_bot from intermediate.int_user_agents__classified")
    assert agents.is_bot.any() and not agents.is_bot.all()
    assert (agents.user_agent.map(crawleruseragents.is_crawler) == agents.is_bot).all()
    crawled = frame(
        world,
        """
        select count(*) as requests from staging.stg_web__access_logs as logs
        inner join intermediate.int_user_agents__classified as agents using (user_agent)
        where agents.is_bot
        """,
    ).iloc[0]
    assert crawled.requests > 0
    assert frame(world, "select count(*) as n from marts.fct_customer_events where is_bot").iloc[0].n == 0


def test_every_person_has_one_metrics_row_and_scores_are_normalized(world):
    checks = frame(
        world,
        """
        select
            (select count(*) from marts.customer_metrics) as metric_rows,
            (select count(distinct person_id) from intermediate.int_identity__person_map) as persons,
            (select count(*) from (
                select person_id from marts.customer_interest_products group by 1 having max(interest_score) <> 1
            )) as unnormalized,
            (select max(run_date) from marts.customer_metrics) as run_date,
            (select max(cast(occurred_at as date)) from marts.fct_customer_events where not is_bot) as latest_event
        """,
    ).iloc[0]
    assert checks.metric_rows == checks.persons > 0
    assert checks.unnormalized == 0
    assert checks.run_date == checks.latest_event
