"""Landing paths, CSV quoting and byte-stable file writing.

Files are written once, whole, with ``\\n`` line endings and UTF-8; gzip members carry ``mtime=0`` and no
file name, so the same content always gives the same bytes.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path

import numpy as np

from orchestration.simulator.config import Window

DAILY_PATHS = {
    "crm_contacts": "crm/contacts/contacts_{day}.csv",
    "crm_orders": "crm/orders/orders_{day}.csv",
    "crm_order_items": "crm/order_items/order_items_{day}.csv",
    "crm_products": "crm/products/products_{day}.csv",
    "consent_records": "consent/consent_{day}.csv",
}
HOURLY_PATHS = {
    "web_access_logs": "web/access_logs/{day}/access_{hour}.log.gz",
    "web_tracker_events": "web/tracker/{day}/tracker_{hour}.ndjson",
    "app_events": "app/events/{day}/app_{hour}.ndjson",
    "esp_events": "esp/events/{day}/esp_{hour}.ndjson",
}


def daily_path(table: str, window: Window, day: int) -> str:
    return DAILY_PATHS[table].format(day=window.day_label(day))


def hourly_path(table: str, window: Window, hour: int) -> str:
    return HOURLY_PATHS[table].format(day=window.day_label(hour // 24), hour=window.hour_label(hour))


class FileSink:
    """Writes export files below ``root`` and counts files, physical lines and bytes per source table."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, int] = defaultdict(int)
        self.lines: dict[str, int] = defaultdict(int)
        self.bytes = 0

    def write(self, table: str, relative: str, lines: list[str]) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        if relative.endswith(".gz"):
            data = gzip.compress(data, compresslevel=6, mtime=0)
        path.write_bytes(data)
        self.files[table] += 1
        self.lines[table] += len(lines)
        self.bytes += len(data)


def quote_csv(value: str) -> str:
    """RFC 4180 quoting, only where needed (a comma or a quote); values never contain newlines."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def quote_column(values: np.ndarray) -> np.ndarray:
    """Quote a whole column of strings; the per-value check runs only where a comma or quote occurs."""
    values = np.asarray(values, dtype=object)
    out = values.copy()
    for i in np.flatnonzero([("," in v) or ('"' in v) for v in values]):
        out[i] = quote_csv(values[i])
    return out


def amounts(cents: np.ndarray) -> np.ndarray:
    """``1299`` -> ``"12.99"``, vectorized."""
    cents = np.asarray(cents, dtype=np.int64)
    if cents.size == 0:  # np.char.zfill rejects an empty array (a day without orders)
        return np.empty(0, dtype=object)
    euros = (cents // 100).astype(str).astype(object)
    rest = np.char.zfill((cents % 100).astype(str), 2).astype(object)
    return euros + "." + rest
