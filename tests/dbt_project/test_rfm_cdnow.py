"""RFM on real purchases: the CDNOW sample, loaded as CRM orders and run through the warehouse, must give
Fader & Hardie's published per-customer summary (x, t_x, T, zbar), customer by customer.

The logic under test is the warehouse's own: the orders go through the loader, staging, identity,
fct_customer_events and customer_metrics (whose RFM columns come from the macro rfm_summary_ctes), as of
the end of the calibration period. Only loading and the unit conversion (days -> weeks) happen here.
"""

import csv
from decimal import Decimal

import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from tests.conftest import FIXTURES, fetch

CDNOW = FIXTURES / "commerce"
CALIBRATION_END = "1997-09-30"
HALF_CENT = Decimal("0.005") + Decimal("1e-9")  # plus float error of a double mean
ORDER_COLUMNS = [
    "order_id",
    "contact_id",
    "email",
    "ordered_at",
    "status",
    "currency",
    "total_amount",
    "channel",
]


def cdnow_transactions() -> list[tuple[str, str, str]]:
    """(id_in_sample, yyyymmdd, dollar_value) per line of the whitespace-separated sample."""
    with (CDNOW / "CDNOW_sample.txt").open() as handle:
        return [(fields[1], fields[2], fields[4]) for fields in map(str.split, handle) if fields]


def write_orders(path, transactions) -> None:
    """One completed CRM order per CDNOW transaction, placed at noon UTC of its day."""
    path.parent.mkdir(parents=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ORDER_COLUMNS)
        for number, (customer, day, amount) in enumerate(transactions, start=1):
            ordered_at = f"{day[:4]}-{day[4:6]}-{day[6:]}T12:00:00+00:00"
            contact_id = f"C{int(customer):07d}"
            writer.writerow([f"O{number:08d}", contact_id, "", ordered_at, "completed", "USD", amount, "web"])


@pytest.fixture(scope="module")
def warehouse_rfm(tmp_path_factory):
    """customer_metrics of the CDNOW customers as of 1997-09-30, keyed by CDNOW id."""
    home = tmp_path_factory.mktemp("cdnow_home")
    settings = load_settings({"TAILOR_HOME": str(home)})
    write_orders(settings.landing_dir / "crm/orders/orders_1998-06-30.csv", cdnow_transactions())
    load_landing(settings.duckdb_path, settings.landing_dir)
    args = ["build", "-s", "+customer_metrics", "--resource-type", "seed", "--resource-type", "model"]
    assert run_dbt([*args, "--vars", f"{{tailor__run_date: '{CALIBRATION_END}'}}"], settings)
    rows = fetch(
        settings.duckdb_path,
        """
        select map.identifier_value, m.run_date, m.repeat_purchase_days, m.first_to_last_purchase_days,
            m.customer_age_days, m.mean_repeat_order_value, m.rfm_frequency, m.rfm_recency_days
        from marts.customer_metrics m
        inner join intermediate.int_identity__person_map map
            on map.person_id = m.person_id and map.identifier_type = 'contact_id'
        """,
    )
    return {int(row[0][1:]): row[1:] for row in rows}


def published_summary() -> dict[int, dict[str, Decimal]]:
    with (CDNOW / "cdnow_customers_summary_with_transactions.csv").open() as handle:
        return {
            int(row["ID"]): {k: Decimal(v) for k, v in row.items() if k != "ID"}
            for row in csv.DictReader(handle)
        }


def weeks(days: int) -> Decimal:
    return (Decimal(days) / 7).quantize(Decimal("0.01"))


def test_every_cdnow_customer_matches_the_published_summary(warehouse_rfm):
    summary = published_summary()
    assert len(summary) == 2357
    assert set(warehouse_rfm) == set(summary), "one customer_metrics row per CDNOW customer"
    mismatches = []
    for customer, expected in summary.items():
        run_date, x, t_x_days, t_days, zbar, frequency, recency = warehouse_rfm[customer]
        actual = {
            "x": Decimal(x),
            "t_x": weeks(t_x_days),
            "T": weeks(t_days),
            # The summary writes 0.00 when there is no repeat purchase; the warehouse writes NULL.
            "zbar": Decimal("0.00") if zbar is None else Decimal(zbar),
        }
        # The summary is rounded to cents: an exact mean of 35.175 is published as 35.18.
        if any(abs(actual[k] - expected[k]) > HALF_CENT for k in expected):
            mismatches.append((customer, expected, actual))
        assert frequency == x + 1 and 0 <= recency <= t_days
        assert str(run_date) == CALIBRATION_END
    assert mismatches == [], f"{len(mismatches)} of {len(summary)} customers differ, e.g. {mismatches[:3]}"


def test_the_sample_exercises_same_day_merges_and_purchases_after_calibration():
    """Guards the fixture's value as a test: both subtle rules of the definition are hit."""
    transactions = cdnow_transactions()
    days = [(customer, day) for customer, day, _ in transactions]
    assert len(days) > len(set(days))  # same-day purchases to merge
    assert any(day > CALIBRATION_END.replace("-", "") for _, day in days)  # purchases to leave out
