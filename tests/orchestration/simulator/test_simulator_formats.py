"""Every export file follows docs/landing_format.md: paths, headers, field names, event types, formats."""

import re
from collections import Counter

import numpy as np
import pytest

from orchestration.extract.sources import SOURCES
from orchestration.simulator.config import APP_EVENT_NAMES, ESP_EVENT_TYPES, TRACKER_EVENT_TYPES
from tests.orchestration.simulator.helpers import COMBINED, table_of

DAY = r"\d{4}-\d{2}-\d{2}"
PATHS = {
    "crm_contacts": rf"crm/contacts/contacts_({DAY})\.csv",
    "crm_orders": rf"crm/orders/orders_({DAY})\.csv",
    "crm_order_items": rf"crm/order_items/order_items_({DAY})\.csv",
    "crm_products": rf"crm/products/products_({DAY})\.csv",
    "consent_records": rf"consent/consent_({DAY})\.csv",
    "web_access_logs": rf"web/access_logs/({DAY})/access_\1T\d{{2}}\.log\.gz",
    "web_tracker_events": rf"web/tracker/({DAY})/tracker_\1T\d{{2}}\.ndjson",
    "app_events": rf"app/events/({DAY})/app_\1T\d{{2}}\.ndjson",
    "esp_events": rf"esp/events/({DAY})/esp_\1T\d{{2}}\.ndjson",
}
HEADERS = {
    "crm_contacts": "contact_id,email,first_name,last_name,phone,street,city,postcode,country,birth_date,"
    "created_at,updated_at,marketing_opt_in",
    "crm_orders": "order_id,contact_id,email,ordered_at,status,currency,total_amount,channel",
    "crm_order_items": "order_id,line_number,product_id,quantity,unit_price",
    "crm_products": "product_id,name,category,price,url,image_url",
    "consent_records": "consent_id,contact_id,email,purpose,status,recorded_at,source",
}
KEYS = {
    "web_tracker_events": [
        "event_id",
        "event_type",
        "occurred_at",
        "anonymous_id",
        "session_id",
        "user_id",
        "email",
        "page_url",
        "referrer",
        "user_agent",
        "ip",
        "properties",
    ],
    "app_events": [
        "event_id",
        "event_name",
        "timestamp",
        "device_id",
        "user_id",
        "platform",
        "app_version",
        "screen",
        "product_id",
        "price",
        "quantity",
        "order_id",
        "revenue",
    ],
    "esp_events": [
        "event_id",
        "event",
        "timestamp",
        "email",
        "campaign_id",
        "message_id",
        "url",
        "bounce_type",
        "user_agent",
    ],
}
PROPERTY_KEYS = {"product_id", "category", "price", "quantity", "order_id", "revenue", "form_id"}
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")
ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?[+-]\d{2}:\d{2}$")


def test_every_file_has_a_documented_path_and_every_period_a_file(clean):
    days = [f"2026-11-0{d}" for d in range(1, 8)]
    for table in SOURCES:
        files = clean.files_of(table)
        assert files and all(re.fullmatch(PATHS[table], f) for f in files), table
        found_days = sorted({re.fullmatch(PATHS[table], f).group(1) for f in files})
        if table == "crm_products":
            assert files == ["crm/products/products_2026-11-01.csv"]
        elif table in HEADERS:
            assert found_days == days, table
        else:
            assert len(files) == 7 * 24, table  # one per hour, quiet hours included
    assert {table_of(f) for f in clean.files()} == set(SOURCES)


@pytest.mark.parametrize("table", sorted(HEADERS))
def test_csv_headers_and_values_follow_the_contract(clean, table):
    rows = clean.csv_rows(table)
    assert rows
    assert all(",".join(header) == HEADERS[table] for _, _, header, _ in rows)
    columns = HEADERS[table].split(",")
    values = {name: [fields[i] for *_, fields in rows] for i, name in enumerate(columns)}
    patterns = {
        "contact_id": r"C\d{7}",
        "product_id": r"P\d{5}",
        "order_id": r"O\d{8}",
        "consent_id": r"CS\d{8}",
        "created_at": r".*\+00:00",
        "updated_at": r".*\+00:00",
        "ordered_at": r".*\+00:00",
        "recorded_at": r".*\+00:00",
        "birth_date": rf"({DAY})?",
        "marketing_opt_in": "true|false",
        "status": "completed|cancelled|refunded|opt_in|opt_out",
        "channel": "web|app",
        "total_amount": r"\d+\.\d{2}",
        "unit_price": r"\d+\.\d{2}",
        "price": r"\d+\.\d{2}",
        "purpose": "email_marketing|tracking",
        "currency": "EUR",
        "source": "signup_form|preference_center|esp_unsubscribe|cookie_banner|crm_import",
    }
    for name, pattern in patterns.items():
        if name in values:
            bad = [v for v in values[name] if not re.fullmatch(pattern, v)]
            assert bad == [], (table, name, bad[:3])


@pytest.mark.parametrize("table", sorted(KEYS))
def test_ndjson_records_have_exactly_the_documented_fields_and_types(clean, table):
    records = clean.records(table)
    assert records and len(records) == len(clean.json_lines(table))
    assert all(list(r) == KEYS[table] for r in records)
    type_field = KEYS[table][1]
    allowed = {
        "web_tracker_events": TRACKER_EVENT_TYPES,
        "app_events": APP_EVENT_NAMES,
        "esp_events": ESP_EVENT_TYPES,
    }[table]
    types = {r[type_field] for r in records}
    assert types <= set(allowed)
    # Rare ones (an unsubscribe, a spam complaint) may not happen in a tiny week.
    common = {"sent", "delivered", "open", "click", "bounce"} if table == "esp_events" else set(allowed)
    assert types >= common
    if table == "web_tracker_events":
        assert all(ISO_UTC.match(r["occurred_at"]) for r in records)
        assert all(set(r["properties"]) <= PROPERTY_KEYS for r in records)
        # Anonymous until login (user_id and email) or a form (email only).
        assert any(r["user_id"] is None and r["email"] is None for r in records)
        assert all(r["email"] for r in records if r["user_id"])
        assert all(r["user_id"] and r["email"] for r in records if r["event_type"] in ("login", "purchase"))
        assert all(r["email"] for r in records if r["event_type"] == "form_submit")
    elif table == "app_events":
        assert all(ISO_OFFSET.match(r["timestamp"]) for r in records)
        assert {r["timestamp"][-6:] for r in records} > {"+01:00"}  # device-local offsets vary
        assert {r["platform"] for r in records} == {"ios", "android"}
    else:
        assert all(isinstance(r["timestamp"], int) for r in records)
        bounces = [r for r in records if r["event"] == "bounce"]
        assert bounces and all(r["bounce_type"] in ("hard", "soft") for r in bounces)
        assert all(r["url"].startswith("https://") for r in records if r["event"] == "click")


def test_access_logs_are_combined_format_in_server_time_with_crawlers_assets_and_errors(clean):
    lines = [line for f in clean.files_of("web_access_logs") for line in clean.lines(f)]
    matches = [COMBINED.match(line) for line in lines]
    assert lines and all(matches)
    assert all(m.group(2).endswith(" +0100") for m in matches)
    agents = " ".join({m.group(7) for m in matches})
    for crawler in ("Googlebot", "bingbot", "AhrefsBot", "SemrushBot", "YandexBot", "Applebot", "GPTBot"):
        assert crawler in agents
    statuses = Counter(m.group(4) for m in matches)
    assert statuses["200"] > 0.8 * len(lines) and statuses["404"] > 0
    requests = {m.group(3).split(" ")[1] for m in matches}
    assert "/robots.txt" in requests and any(r.startswith("/static/") for r in requests)


def test_amounts_of_an_empty_day_format_to_nothing():
    """A small world can have a day without orders; formatting its amounts must not crash."""
    from orchestration.simulator.writers import amounts

    assert amounts(np.array([], dtype=np.int64)).tolist() == []
    assert amounts(np.array([1299, 5], dtype=np.int64)).tolist() == ["12.99", "0.05"]
