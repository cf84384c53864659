"""A complete payload_inputs row for renderer tests, shaped like the warehouse's (column names and types)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from orchestration.settings import EmailSettings

EMAIL_SETTINGS = EmailSettings(
    company_name="Example Outfitters Ltd",
    company_address="1 Example Street, 10115 Berlin, Germany",
    unsubscribe_base_url="https://example.com/unsubscribe",
    preferences_url="https://example.com/preferences",
)


def product_columns(slot: int, product_id: str | None, name: str | None = None, price: str = "19.99") -> dict:
    present = product_id is not None
    return {
        f"product_{slot}_id": product_id,
        f"product_{slot}_name": (name or f"Product {product_id}") if present else None,
        f"product_{slot}_price": Decimal(price) if present else None,
        f"product_{slot}_url": f"https://shop.example/p/{product_id}" if present else None,
        f"product_{slot}_image_url": f"https://cdn.example/{product_id}.jpg" if present else None,
    }


def make_row(**overrides: object) -> dict:
    """One planned send of abandoned_cart/control with three products; override any column."""
    row = {
        "run_id": "2026-11-30",
        "run_date": date(2026, 11, 30),
        "person_id": "p_0000000000000001",
        "campaign": "campaign_abandoned_cart",
        "template": "abandoned_cart",
        "variant": "control",
        "subject_line": "You left something in your cart",
        "is_marketing": True,
        "email": "lena@example.org",
        "first_name": "Lena",
        "last_name": "Jansen",
        "country_code": "NL",
        "segment_name": "cart_abandoners",
        "segment_reason": "added a tent to the cart",
        "top_category": "outdoor",
        **product_columns(1, "P00001", "Trail Tent", "92.99"),
        **product_columns(2, "P00002", "Down Vest", "68.99"),
        **product_columns(3, "P00003", "Head Lamp", "24.50"),
        "unsubscribe_token": "a" * 64,
        "consent_snapshot_id": "c" * 32,
    }
    unknown = set(overrides) - set(row)
    assert not unknown, f"not payload_inputs columns: {unknown}"
    return row | overrides
