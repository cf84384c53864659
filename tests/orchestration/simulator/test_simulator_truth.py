"""The ground truth agrees with the exports, and the hidden personas show in the behaviour."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from tests.orchestration.simulator.helpers import COMBINED, Run

START = datetime(2026, 11, 1, tzinfo=UTC)


def exported_identifiers(run: Run) -> set[tuple[str, str]]:
    found = set()
    for table in ("crm_contacts", "crm_orders", "consent_records"):
        for _, _, header, fields in run.csv_rows(table):
            row = dict(zip(header, fields, strict=True))
            found |= {("contact_id", row["contact_id"]), ("email", row["email"])}
    for r in run.records("web_tracker_events"):
        found |= {("anonymous_id", r["anonymous_id"]), ("contact_id", r["user_id"]), ("email", r["email"])}
    for r in run.records("app_events"):
        found |= {("device_id", r["device_id"]), ("contact_id", r["user_id"])}
    found |= {("email", r["email"]) for r in run.records("esp_events")}
    return {(kind, value) for kind, value in found if value is not None}


@pytest.fixture(scope="module")
def truth(clean):
    persons = clean.truth_csv("persons.csv")
    identifiers = clean.truth_csv("identifiers.csv")
    events = clean.events()
    return persons, identifiers, events


def test_identifiers_list_exactly_the_identifiers_in_the_exports(clean, truth):
    _, identifiers, _ = truth
    listed = set(zip(identifiers.identifier_type, identifiers.identifier_value, strict=True))
    assert exported_identifiers(clean) == listed


def test_identifiers_point_at_the_person_behind_each_event(clean, truth):
    _, identifiers, events = truth
    owners = defaultdict(set)
    for row in identifiers.itertuples():
        owners[(row.identifier_type, row.identifier_value)].add(int(row.person_id))
    person_of_event = dict(zip(events.event_id, events.person_id, strict=True))
    checked = 0
    for r in clean.records("web_tracker_events"):
        person = person_of_event[r["event_id"]]
        assert person in owners[("anonymous_id", r["anonymous_id"])]
        if r["user_id"]:
            assert owners[("contact_id", r["user_id"])] == {person}
            assert person in owners[("email", r["email"])]
            checked += 1
    for r in clean.records("app_events"):
        assert person_of_event[r["event_id"]] in owners[("device_id", r["device_id"])]
    assert checked > 100


def test_shared_identifiers_have_one_row_per_person_and_people_have_few_devices(truth):
    _, identifiers, _ = truth
    per_value = identifiers.groupby(["identifier_type", "identifier_value"]).person_id.nunique()
    shared = identifiers[identifiers.is_shared == "true"]
    assert len(shared) > 0 and set(shared.identifier_type) <= {"anonymous_id", "device_id"}
    assert (
        per_value[per_value > 1]
        .index.isin(set(zip(shared.identifier_type, shared.identifier_value, strict=True)))
        .all()
    )
    own = identifiers[identifiers.is_shared == "false"]
    assert own[own.identifier_type == "anonymous_id"].groupby("person_id").size().max() <= 3
    assert own[own.identifier_type == "device_id"].groupby("person_id").size().max() <= 2


def test_duplicate_contacts_are_about_a_tenth_of_customers(truth):
    persons, identifiers, _ = truth
    contacts = identifiers[identifiers.identifier_type == "contact_id"].groupby("person_id").size()
    customers = (persons.is_registered == "true").sum()
    assert contacts.index.nunique() == customers
    assert 0.04 < (contacts == 2).sum() / customers < 0.14
    assert 0.003 < (contacts == 3).sum() / customers < 0.05


def test_window_orders_are_exactly_the_purchase_events(clean):
    orders = {
        fields[0]: dict(zip(header, fields, strict=True))
        for _, _, header, fields in clean.csv_rows("crm_orders")
    }
    in_window = {oid for oid, o in orders.items() if datetime.fromisoformat(o["ordered_at"]) >= START}
    purchases = {
        r["properties"]["order_id"]: (r["properties"]["revenue"], r["user_id"])
        for r in clean.records("web_tracker_events")
        if r["event_type"] == "purchase"
    }
    purchases |= {
        r["order_id"]: (r["revenue"], r["user_id"])
        for r in clean.records("app_events")
        if r["event_name"] == "in_app_purchase"
    }
    assert in_window and in_window == set(purchases)
    for order_id, (revenue, user_id) in purchases.items():
        assert float(orders[order_id]["total_amount"]) == pytest.approx(revenue)
        assert orders[order_id]["contact_id"] == user_id
    items = defaultdict(float)
    for _, _, _, (order_id, _, _, quantity, price) in clean.csv_rows("crm_order_items"):
        items[order_id] += int(quantity) * float(price)
    assert all(float(o["total_amount"]) == pytest.approx(items[oid]) for oid, o in orders.items())


def order_table(run: Run, persons: pd.DataFrame, identifiers: pd.DataFrame) -> pd.DataFrame:
    person_of_contact = dict(
        zip(
            identifiers[identifiers.identifier_type == "contact_id"].identifier_value,
            identifiers[identifiers.identifier_type == "contact_id"].person_id,
            strict=True,
        )
    )
    rows = [dict(zip(header, fields, strict=True)) for *_, header, fields in run.csv_rows("crm_orders")]
    orders = pd.DataFrame(rows)
    orders["person_id"] = orders.contact_id.map(person_of_contact)
    orders["amount"] = orders.total_amount.astype(float)
    orders["in_window"] = orders.ordered_at.map(lambda t: datetime.fromisoformat(t) >= START)
    return orders.merge(persons[["person_id", "persona"]], on="person_id")


def test_personas_drive_spending_and_lapsed_buyers_stopped(clean, truth):
    persons, identifiers, _ = truth
    orders = order_table(clean, persons, identifiers)
    completed = orders[orders.status == "completed"]
    registered = persons[persons.is_registered == "true"].persona.value_counts()
    spend = completed.groupby("persona").amount.sum() / registered
    assert spend["loyal_high_spender"] > 3 * spend["window_shopper"]
    assert spend["loyal_high_spender"] > spend["bargain_hunter"] > spend["window_shopper"]
    avg_order = completed.groupby("persona").amount.mean()
    assert avg_order["loyal_high_spender"] > avg_order["bargain_hunter"]
    lapsed = orders[orders.persona == "lapsed_buyer"]
    assert not lapsed.in_window.any()
    lapsed_people = persons[persons.is_lapsed == "true"].person_id
    assert set(lapsed_people) == set(lapsed.person_id)  # every lapsed buyer bought before the window
    last = lapsed.ordered_at.map(datetime.fromisoformat).max()
    assert last < START - timedelta(days=119)
    assert set(orders[orders.persona == "new_visitor"].in_window) <= {True}


def test_new_visitors_sign_up_in_the_window_and_anonymous_visitors_never_log_in(clean, truth):
    persons, _, events = truth
    new = persons[persons.persona == "new_visitor"]
    signed = new.signed_up_at.map(lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")) if t else None)
    assert signed.notna().mean() > 0.9 and (signed.dropna() >= START).all()
    created = {fields[0]: fields[10] for *_, fields in clean.csv_rows("crm_contacts")}
    for contact_id, signup in zip(new.primary_contact_id, signed, strict=True):
        if signup is not None:
            assert abs(datetime.fromisoformat(created[contact_id]) - signup) < timedelta(seconds=1)
    anonymous = set(persons[persons.is_registered == "false"].person_id.astype(int))
    theirs = events[events.person_id.isin(anonymous)]
    assert len(theirs) > 0 and theirs.user_id.isna().all() and theirs.email.isna().all()
    assert set(theirs.source) == {"web_tracker_events"}  # web only


def test_every_tracker_view_is_a_get_in_the_access_log(clean):
    requests = set()
    for relative in clean.files_of("web_access_logs"):
        for line in clean.lines(relative):
            m = COMBINED.match(line)
            requests.add((m.group(1), m.group(2), m.group(3).split(" ")[1], m.group(7)))
    views = [
        r for r in clean.records("web_tracker_events") if r["event_type"] in ("page_view", "product_view")
    ]
    assert views
    for r in views:
        instant = datetime.fromisoformat(r["occurred_at"]) + timedelta(hours=1)
        path = r["page_url"].removeprefix("https://www.tailorshop.example")
        key = (r["ip"], instant.strftime("%d/%b/%Y:%H:%M:%S +0100"), path, r["user_agent"])
        assert key in requests, key


def test_cart_abandonments_are_carts_without_purchase(clean, truth):
    _, _, events = truth
    abandoned = clean.truth_csv("cart_abandonments.csv")
    assert len(abandoned) > 0 and set(abandoned.abandoned) == {"true"}
    carts = events[events.event_type == "add_to_cart"]
    bought = events[events.event_type.isin(["purchase", "in_app_purchase"])]
    cart_keys = set(zip(carts.session_id, carts.product_id, strict=True))
    assert set(zip(abandoned.session_id, abandoned.product_id, strict=True)) <= cart_keys
    assert not set(abandoned.session_id) & set(bought.session_id)
    for row in abandoned.itertuples():
        added = pd.Timestamp(row.cart_added_at)
        later = bought[(bought.person_id == int(row.person_id)) & (bought.occurred_at > added)]
        assert (later.occurred_at > added + pd.Timedelta(hours=24)).all()
    # Carts that were bought do not count: fewer abandonments than cart sessions.
    assert abandoned.session_id.nunique() < carts.session_id.nunique()


def test_some_people_view_one_product_three_times_within_a_day(truth):
    _, _, events = truth
    views = events[events.product_id.notna() & events.event_type.isin(["product_view", "screen_view"])]
    views = views.sort_values("occurred_at")
    repeated = 0
    for _, group in views.groupby(["person_id", "product_id"]):
        times = group.occurred_at.to_numpy()
        if len(times) >= 3 and (times[2:] - times[:-2]).min() <= pd.Timedelta(hours=24).to_timedelta64():
            repeated += 1
    assert repeated > 0


def test_mail_goes_only_to_consenting_people_and_unsubscribes_become_opt_outs(clean):
    consent = defaultdict(list)
    for *_, header, fields in clean.csv_rows("consent_records"):
        row = dict(zip(header, fields, strict=True))
        if row["purpose"] == "email_marketing":
            consent[row["email"].strip().lower()].append((row["recorded_at"], row["status"], row["source"]))
    sends = [r for r in clean.records("esp_events") if r["event"] == "sent"]
    assert sends
    wrong = 0
    for r in sends:
        sent_at = datetime.fromtimestamp(r["timestamp"], UTC)
        history = sorted((datetime.fromisoformat(t), status) for t, status, _ in consent[r["email"]])
        before = [status for t, status in history if t <= sent_at]
        wrong += not before or before[-1] != "opt_in"
    assert wrong == 0
    unsubscribes = {
        (r["email"], r["timestamp"]) for r in clean.records("esp_events") if r["event"] == "unsubscribe"
    }
    recorded = {
        (email, int(datetime.fromisoformat(t).timestamp()))
        for email, rows in consent.items()
        for t, status, source in rows
        if source == "esp_unsubscribe" and status == "opt_out"
    }
    assert unsubscribes and unsubscribes <= recorded


def test_email_clicks_lead_to_web_sessions_on_the_clicked_page(clean):
    clicks = [r for r in clean.records("esp_events") if r["event"] == "click"]
    landings = defaultdict(list)
    for r in clean.records("web_tracker_events"):
        if "utm_campaign=" in (r["page_url"] or ""):
            landings[r["page_url"]].append(datetime.fromisoformat(r["occurred_at"]))
    followed = 0
    for click in clicks:
        clicked_at = datetime.fromtimestamp(click["timestamp"], UTC)
        followed += any(
            timedelta(0) <= t - clicked_at <= timedelta(minutes=1) for t in landings[click["url"]]
        )
    assert clicks and followed > 0.4 * len(clicks)


def test_sessions_follow_the_day(truth):
    _, _, events = truth
    web = events[events.source == "web_tracker_events"]
    local_hour = (web.occurred_at + pd.Timedelta(hours=1)).dt.hour  # most people live at UTC+1
    evening, night = local_hour.between(18, 21).sum(), local_hour.between(2, 5).sum()
    assert evening > 5 * night
