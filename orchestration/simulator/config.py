"""Configuration, report and the constants every simulator module shares.

The names of raw tables, file paths and event types follow ``docs/landing_format.md`` exactly; the loader
is written against that document, so this module is the simulator's half of the contract.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

# A fixed default (not "today") so two runs without an explicit date produce the same bytes.
DEFAULT_START_DATE = date(2026, 11, 1)
# Five disjoint fault types can hit one event source, so a larger rate could not be honoured.
MAX_FAULT_RATE = 0.1

SHOP_HOST = "www.tailorshop.example"
SHOP_URL = f"https://{SHOP_HOST}"
CDN_URL = "https://cdn.tailorshop.example"

CSV_TABLES = ("crm_contacts", "crm_orders", "crm_order_items", "crm_products", "consent_records")
EVENT_TABLES = ("web_tracker_events", "app_events", "esp_events")
SOURCE_TABLES = (*CSV_TABLES, "web_access_logs", *EVENT_TABLES)

TRACKER_EVENT_TYPES = (
    "page_view",
    "product_view",
    "add_to_cart",
    "checkout_start",
    "purchase",
    "form_submit",
    "login",
)
APP_EVENT_NAMES = ("screen_view", "button_tap", "add_to_cart", "in_app_purchase", "login")
ESP_EVENT_TYPES = ("sent", "delivered", "open", "click", "bounce", "unsubscribe", "spam_complaint")

# Names that are *not* in the allowed sets above: typos of real types and debug/unsupported events.
UNKNOWN_EVENT_TYPES = {
    "web_tracker_events": ("page_veiw", "prodcut_view", "scroll_depth", "debug_ping", "heartbeat"),
    "app_events": ("screen_veiw", "app_crash", "debug_ping", "push_received"),
    "esp_events": ("deferred", "processed", "opne", "debug_ping"),
}

FAULT_TYPES = (
    "csv_too_few_fields",
    "csv_too_many_fields",
    "csv_bad_value",
    "invalid_json",
    "truncated_log_line",
    "unknown_event_type",
    "duplicate_event",
    "late_event",
    "mixed_tz_offset",
    "schema_drift",
)
# Which raw tables each fault type is planted in (schema_drift: one crm_contacts file).
FAULT_TABLES = {
    "csv_too_few_fields": CSV_TABLES,
    "csv_too_many_fields": CSV_TABLES,
    "csv_bad_value": CSV_TABLES,
    "invalid_json": EVENT_TABLES,
    "truncated_log_line": ("web_access_logs",),
    "unknown_event_type": EVENT_TABLES,
    "duplicate_event": EVENT_TABLES,
    "late_event": EVENT_TABLES,
    "mixed_tz_offset": ("web_tracker_events", "crm_contacts", "crm_orders"),
    "schema_drift": ("crm_contacts",),
}

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


@dataclass(frozen=True)
class SimulationConfig:
    out_dir: Path
    truth_dir: Path
    scale: float = 0.01
    seed: int = 7
    days: int = 30
    start_date: date = DEFAULT_START_DATE
    fault_rate: float = 0.01
    progress: bool = False

    def __post_init__(self) -> None:
        if self.scale <= 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if not 0 <= self.fault_rate <= MAX_FAULT_RATE:
            raise ValueError(f"fault_rate must be within [0, {MAX_FAULT_RATE}], got {self.fault_rate}")
        if Path(self.out_dir).resolve() == Path(self.truth_dir).resolve():
            raise ValueError("out_dir and truth_dir must differ: the truth never mixes into the exports")

    @property
    def n_customers(self) -> int:
        """Registered CRM customers (persons, not contacts): ~100,000 at scale 1."""
        return max(20, round(100_000 * self.scale))

    @property
    def n_anonymous(self) -> int:
        """Visitors who never register: ~40% on top of the customers."""
        return max(8, round(0.4 * self.n_customers))

    def public_dict(self) -> dict:
        """The config without paths, so the truth summary does not depend on where it was written."""
        return {
            "scale": self.scale,
            "seed": self.seed,
            "days": self.days,
            "start_date": self.start_date.isoformat(),
            "fault_rate": self.fault_rate,
        }


@dataclass
class SimulationReport:
    files: dict[str, int] = field(default_factory=dict)  # per raw table
    lines: dict[str, int] = field(default_factory=dict)  # physical lines per raw table (CSV headers too)
    faults: dict[str, int] = field(default_factory=dict)  # per fault type
    persons: int = 0
    registered_persons: int = 0
    contacts: int = 0
    true_events: dict[str, int] = field(default_factory=dict)  # before faults, per event table
    bytes_written: int = 0
    wall_seconds: float = 0.0


@dataclass(frozen=True)
class Window:
    """The simulated period: ``days`` whole UTC days from ``start_date``; times are epoch milliseconds."""

    start_date: date
    days: int

    @property
    def start_ms(self) -> int:
        return int(datetime(*self.start_date.timetuple()[:3], tzinfo=UTC).timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.days * DAY_MS

    @property
    def n_hours(self) -> int:
        return self.days * 24

    def day_label(self, day_index: int) -> str:
        return datetime.fromtimestamp((self.start_ms + day_index * DAY_MS) / 1000, UTC).strftime("%Y-%m-%d")

    def hour_label(self, hour_index: int) -> str:
        return datetime.fromtimestamp((self.start_ms + hour_index * HOUR_MS) / 1000, UTC).strftime(
            "%Y-%m-%dT%H"
        )

    def hour_of(self, t_ms: np.ndarray) -> np.ndarray:
        return ((t_ms - self.start_ms) // HOUR_MS).astype(np.int64)


def derived_rng(seed: int, step: str) -> np.random.Generator:
    """A generator per generation step, derived from the seed, so steps do not shift each other's draws."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(step.encode()),)))
