"""Unified events, web sessions, person resolution and customer metrics on a small hand-made world.

One visitor (cookie A) browses anonymously, logs in as CRM contact C1 and buys; one of her events arrives
late, in a later tracker file. Cookie B shows the inactivity timeout (29 minutes: same session, 31: new).
A crawler runs the tracker too. The same person also uses the app and reads a newsletter.
"""

import csv
import gzip
import json
import re
from datetime import UTC, datetime

import crawleruseragents
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from tests.conftest import fetch

DAY = "2026-11-01"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SHOP = "https://www.tailorshop.example"


def tracker_event(event_id, event_type, time, cookie, user_agent=BROWSER, **fields):
    properties = {k: fields.pop(k) for k in ("product_id", "price", "order_id", "revenue") if k in fields}
    return {
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": f"{DAY}T{time}:00Z",
        "anonymous_id": cookie,
        "session_id": f"s-{cookie}",
        "user_id": fields.get("user_id"),
        "email": fields.get("email"),
        "page_url": fields.get("page_url", f"{SHOP}/"),
        "referrer": fields.get("referrer"),
        "user_agent": user_agent,
        "ip": "203.0.113.7",
        "properties": properties,
    }


def write_csv(path, header: str, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header.split(","))
        writer.writerows(rows)


def write_ndjson(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def epoch(time: str) -> int:
    return int(datetime.fromisoformat(f"{DAY}T{time}:00").replace(tzinfo=UTC).timestamp())


def crawler_examples() -> list[str]:
    """Every fourth of the package's own example crawler user agents that fit in a log line (all ~2,100
    would add ~10 s naming the first matching pattern of each, pair by pair)."""
    examples = {
        ua for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA for ua in entry.get("instances", [])
    }
    return sorted(ua for ua in examples if '"' not in ua)[::4]


def write_world(landing):
    access_log = landing / f"web/access_logs/{DAY}/access_{DAY}T10.log.gz"
    access_log.parent.mkdir(parents=True)
    with gzip.open(access_log, "wt") as handle:
        for user_agent in [BROWSER, *crawler_examples()]:
            handle.write(
                f'203.0.113.9 - - [01/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "{user_agent}"\n'
            )
    write_csv(
        landing / f"crm/contacts/contacts_{DAY}.csv",
        "contact_id,email,first_name,last_name,phone,street,city,postcode,country,birth_date,created_at,updated_at,marketing_opt_in",
        [
            [
                "C1",
                "ann@x.de",
                "Ann",
                "Lee",
                "",
                "",
                "Bern",
                "3000",
                "CH",
                "",
                f"{DAY}T08:00:00+00:00",
                f"{DAY}T08:00:00+00:00",
                "true",
            ]
        ],
    )
    write_csv(
        landing / f"crm/orders/orders_{DAY}.csv",
        "order_id,contact_id,email,ordered_at,status,currency,total_amount,channel",
        [
            ["O1", "C1", "ann@x.de", f"{DAY}T10:55:00+00:00", "completed", "EUR", "100.00", "web"],
            ["O2", "C1", "ann@x.de", f"{DAY}T11:30:00+00:00", "cancelled", "EUR", "50.00", "web"],
        ],
    )
    write_csv(
        landing / f"crm/order_items/order_items_{DAY}.csv",
        "order_id,line_number,product_id,quantity,unit_price",
        [["O1", "1", "P1", "2", "50.00"], ["O2", "1", "P2", "1", "50.00"]],
    )
    write_csv(
        landing / f"crm/products/products_{DAY}.csv",
        "product_id,name,category,price,url,image_url",
        [
            ["P1", "Runner", "Shoes", "50.00", f"{SHOP}/p/P1", ""],
            ["P2", "Tent", "Outdoor", "50.00", f"{SHOP}/p/P2", ""],
        ],
    )
    tracker = landing / f"web/tracker/{DAY}"
    write_ndjson(
        tracker / f"tracker_{DAY}T10.ndjson",
        [
            tracker_event("a1", "page_view", "10:00", "cookie-a", referrer="https://www.google.com/"),
            tracker_event(
                "a3", "login", "10:50", "cookie-a", user_id="C1", email="ann@x.de", page_url=f"{SHOP}/account"
            ),
            tracker_event(
                "a4",
                "purchase",
                "10:55",
                "cookie-a",
                user_id="C1",
                email="ann@x.de",
                order_id="O1",
                revenue=100.0,
                page_url=f"{SHOP}/checkout/confirmation",
            ),
            tracker_event("b1", "page_view", "10:00", "cookie-b"),
            tracker_event("b2", "page_view", "10:29", "cookie-b"),
            tracker_event("b3", "page_view", "11:00", "cookie-b"),
            tracker_event("g1", "page_view", "10:05", "cookie-g", user_agent=GOOGLEBOT),
        ],
    )
    # Late: it happened at 10:25 but landed three hours later. Without it, a1 and a3 are 50 minutes apart.
    write_ndjson(
        tracker / f"tracker_{DAY}T13.ndjson",
        [
            tracker_event(
                "a2",
                "product_view",
                "10:25",
                "cookie-a",
                product_id="P1",
                price=50.0,
                page_url=f"{SHOP}/p/P1",
            )
        ],
    )
    write_ndjson(
        landing / f"app/events/{DAY}/app_{DAY}T12.ndjson",
        [
            {
                "event_id": "m1",
                "event_name": "screen_view",
                "timestamp": f"{DAY}T13:00:00+01:00",
                "device_id": "dev-1",
                "user_id": "C1",
                "platform": "ios",
                "app_version": "3.1",
                "screen": "product",
                "product_id": "P2",
                "price": 50.0,
            }
        ],
    )
    esp = [
        {
            "event_id": f"e-{kind}",
            "event": kind,
            "timestamp": epoch(time),
            "email": " Ann@X.de ",
            "campaign_id": "NL-1",
            "message_id": "msg-1",
        }
        for kind, time in [
            ("sent", "07:00"),
            ("delivered", "07:01"),
            ("open", "09:00"),
            ("open", "09:30"),
            ("click", "09:31"),
        ]
    ]
    esp[3]["event_id"] = "e-open-again"
    write_ndjson(landing / f"esp/events/{DAY}/esp_{DAY}T07.ndjson", esp)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("events_home")
    settings = load_settings({"TAILOR_HOME": str(home)})
    write_world(settings.landing_dir)
    load_landing(settings.duckdb_path, settings.landing_dir)
    assert run_dbt(
        ["build", "-s", "staging", "+customer_metrics", "+customer_interest_categories", "--quiet"], settings
    )
    return settings.duckdb_path


def test_event_types_are_harmonized_across_sources(warehouse):
    rows = dict(fetch(warehouse, "select event_id, event_type from intermediate.int_events__unioned"))
    assert rows["tracker:a4"] == "checkout_complete"  # the client's confirmation, not the purchase of record
    assert rows["app:m1"] == "product_view"  # a product screen
    assert rows["esp:e-click"] == "email_click"
    assert (rows["crm:O1"], rows["crm:O2"]) == ("purchase", "purchase_cancelled")
    categories = dict(
        fetch(
            warehouse,
            "select event_id, category from intermediate.int_events__unioned where product_id is not null",
        )
    )
    assert categories == {"tracker:a2": "shoes", "app:m1": "outdoor"}  # the app's comes from the catalog


def test_a_late_event_joins_its_session_and_the_timeout_splits_another(warehouse):
    sessions = fetch(
        warehouse,
        """
        select anonymous_id, event_count, entry_page_url, exit_page_url, landing_referrer_url,
            has_cart_add, has_purchase, contact_id, is_bot
        from intermediate.int_web_sessions order by anonymous_id, session_started_at
        """,
    )
    assert sessions == [
        (
            "cookie-a",
            4,
            f"{SHOP}/",
            f"{SHOP}/checkout/confirmation",
            "https://www.google.com/",
            False,
            True,
            "C1",
            False,
        ),
        ("cookie-b", 2, f"{SHOP}/", f"{SHOP}/", None, False, False, None, False),  # 10:00, 10:29
        ("cookie-b", 1, f"{SHOP}/", f"{SHOP}/", None, False, False, None, False),  # 11:00, 31 min later
        ("cookie-g", 1, f"{SHOP}/", f"{SHOP}/", None, False, False, None, True),
    ]
    order = fetch(
        warehouse,
        "select event_id from intermediate.int_web_session_events where anonymous_id = 'cookie-a' "
        "order by event_number_in_session",
    )
    assert [e for (e,) in order] == ["tracker:a1", "tracker:a2", "tracker:a3", "tracker:a4"]


def test_every_source_resolves_to_one_person_by_the_best_identifier(warehouse):
    rows = fetch(
        warehouse,
        "select event_id, person_id, resolved_by from marts.fct_customer_events where event_id not like 'tracker:b%' "
        "and event_id <> 'tracker:g1'",
    )
    persons = {person for _, person, _ in rows}
    assert len(persons) == 1 and None not in persons
    resolved_by = {event_id: how for event_id, _, how in rows}
    assert resolved_by["tracker:a1"] == "anonymous_id"  # before the login, through the cookie
    assert resolved_by["tracker:a3"] == "contact_id"
    assert resolved_by["esp:e-open"] == "email"
    assert resolved_by["app:m1"] == "contact_id"


def test_customer_metrics_count_purchases_once_and_leave_bots_out(warehouse):
    (person,) = fetch(warehouse, "select person_id from marts.fct_customer_events where event_id = 'crm:O1'")[
        0
    ]
    metrics = fetch(
        warehouse,
        """
        select run_date, purchases_lifetime, revenue_lifetime, purchases_7d, sessions_lifetime,
            time_on_site_seconds_lifetime, pages_viewed_lifetime, product_views_lifetime, checkouts_lifetime,
            email_sends_7d, email_delivered_7d, email_opens_7d, email_clicks_7d, email_click_rate_7d,
            days_since_last_activity, rfm_frequency, rfm_recency_days, rfm_monetary
        from marts.customer_metrics where person_id = ?
        """,
        [person],
    )[0]
    assert metrics[0].isoformat() == DAY  # the latest event's date
    assert metrics[1:4] == (1, 100, 1)  # O1 only: O2 was cancelled, a4 is a confirmation of O1
    assert metrics[4:6] == (1, 55 * 60)  # one session, 10:00 to 10:55
    assert metrics[6:9] == (2, 2, 0)  # a1 + a2 on the web; a2 + the app's product screen
    assert metrics[9:14] == (1, 1, 1, 1, 1.0)  # two opens of one message are one open
    assert metrics[14:] == (0, 1, 0, 100)
    (crawler_sessions,) = fetch(
        warehouse,
        """
        select coalesce(sum(m.sessions_lifetime), 0) from marts.customer_metrics m
        inner join intermediate.int_identity__person_map map using (person_id)
        where map.identifier_type = 'anonymous_id' and map.identifier_value = 'cookie-g'
        """,
    )[0]
    assert crawler_sessions == 0


def test_interest_weights_depth_and_recency(warehouse):
    rows = fetch(
        warehouse,
        """
        select c.category, c.interest_score, c.interest_rank, c.purchases
        from marts.customer_interest_categories c
        inner join marts.fct_customer_events e on e.person_id = c.person_id and e.event_id = 'crm:O1'
        order by c.interest_rank
        """,
    )
    # shoes: a web view (1) and a purchased line (5) today; outdoor: an app view (1). Cancelled O2 is ignored.
    assert rows == [("shoes", 1.0, 1, 1), ("outdoor", pytest.approx(1 / 6), 2, 0)]


def test_every_example_crawler_of_the_package_is_a_bot_and_browsers_are_not(warehouse):
    rows = fetch(
        warehouse, "select user_agent, is_bot, matched_pattern from intermediate.int_user_agents__classified"
    )
    classified = {ua: (is_bot, pattern) for ua, is_bot, pattern in rows}
    examples = crawler_examples()
    assert len(examples) > 400
    assert classified[BROWSER] == (False, None)
    assert [ua for ua in examples if not classified[ua][0]] == []
    assert [ua for ua in examples if not re.search(classified[ua][1], ua)] == []  # the named pattern matches
    assert (
        classified[GOOGLEBOT][1] == crawleruseragents.CRAWLER_USER_AGENTS_DATA[0]["pattern"]
    )  # the first one
