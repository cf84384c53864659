"""The daily CSV exports (CRM contacts, orders, order items, products; consent) and their planted faults."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.simulator import faults as F
from orchestration.simulator.catalog import Catalog
from orchestration.simulator.clock import iso_seconds, offset_suffix
from orchestration.simulator.config import DAY_MS, Window
from orchestration.simulator.consent import PURPOSES, SOURCES, STATUSES, ConsentRecords
from orchestration.simulator.contacts import CONTACT_COLUMNS, ContactTable
from orchestration.simulator.orders import ORDER_CHANNELS, ORDER_STATUSES, OrderTable
from orchestration.simulator.writers import FileSink, amounts, daily_path, quote_column, quote_csv

BAD_VALUES = {
    "date": ("31.02.1985", "1985-02-30", "00/00/0000"),
    "timestamp": ("yesterday", "2026-13-45T10:00:00+00:00", "32.11.2026 25:61"),
    "amount": ("12,99", "EUR 12.99", "12.99.1"),
    "integer": ("two", "zwei", "3x"),
    "boolean": ("maybe", "ja", "oui"),
}
DRIFT_COLUMN = "loyalty_tier"
# What follows the unquoted comma of a csv_too_many_fields row, per text column.
COMMA_SUFFIXES = {
    "street": ("Hinterhaus", "2. OG", "c/o Meier", "Apt. 4"),
    "name": ("waterproof", "set of 2", "limited edition"),
    "source": ("double_opt_in", "v2"),
}


@dataclass(frozen=True)
class CsvSpec:
    table: str
    columns: tuple[str, ...]
    typed: dict[str, str]  # column -> kind of BAD_VALUES
    comma_column: str  # where an unquoted comma slips in (csv_too_many_fields)
    mixed_tz: bool  # timestamps may be written with another offset


SPECS = {
    "crm_contacts": CsvSpec(
        "crm_contacts",
        CONTACT_COLUMNS,
        {
            "birth_date": "date",
            "created_at": "timestamp",
            "updated_at": "timestamp",
            "marketing_opt_in": "boolean",
        },
        "street",
        True,
    ),
    "crm_orders": CsvSpec(
        "crm_orders",
        ("order_id", "contact_id", "email", "ordered_at", "status", "currency", "total_amount", "channel"),
        {"ordered_at": "timestamp", "total_amount": "amount"},
        "total_amount",
        True,
    ),
    "crm_order_items": CsvSpec(
        "crm_order_items",
        ("order_id", "line_number", "product_id", "quantity", "unit_price"),
        {"line_number": "integer", "quantity": "integer", "unit_price": "amount"},
        "unit_price",
        False,
    ),
    "crm_products": CsvSpec(
        "crm_products",
        ("product_id", "name", "category", "price", "url", "image_url"),
        {"price": "amount"},
        "name",
        False,
    ),
    "consent_records": CsvSpec(
        "consent_records",
        ("consent_id", "contact_id", "email", "purpose", "status", "recorded_at", "source"),
        {"recorded_at": "timestamp"},
        "source",
        False,
    ),
}


def _day_of(t_ms: np.ndarray, window: Window) -> np.ndarray:
    """Day index of the export a record goes into; everything before the window goes into day 0."""
    return np.clip((t_ms - window.start_ms) // DAY_MS, 0, window.days - 1)


def order_frames(
    orders: OrderTable, contacts: ContactTable, catalog: Catalog, window: Window
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Orders and their items per export day, in order of time (items follow their order's position)."""
    order = np.lexsort((orders.order_ids.astype(str), orders.t_ms))
    rank = np.empty(orders.size, dtype=np.int64)
    rank[order] = np.arange(orders.size)
    emails = np.array(contacts.text["email"], dtype=object)
    day = _day_of(orders.t_ms, window)
    frame = pd.DataFrame(
        {
            "order_id": orders.order_ids,
            "contact_id": contacts.contact_ids[orders.contact],
            "email": emails[orders.contact],
            "ordered_at": orders.t_ms,
            "status": np.array(ORDER_STATUSES, dtype=object)[orders.status],
            "currency": "EUR",
            "total_amount": orders.totals_cents(),
            "channel": np.array(ORDER_CHANNELS, dtype=object)[orders.channel],
        }
    ).iloc[order]
    # Items are stored grouped by order: line numbers count within each group.
    first_item = np.searchsorted(orders.item_order, orders.item_order)
    line_number = np.arange(len(orders.item_order)) - first_item + 1
    item_rows = np.lexsort((line_number, rank[orders.item_order]))
    items = pd.DataFrame(
        {
            "order_id": orders.order_ids[orders.item_order],
            "line_number": line_number,
            "product_id": catalog.product_ids[orders.item_product],
            "quantity": orders.item_quantity,
            "unit_price": orders.item_price_cents,
        }
    ).iloc[item_rows]
    item_day = day[orders.item_order][item_rows]
    order_day = day[order]
    return (
        [frame[order_day == d] for d in range(window.days)],
        [items[item_day == d] for d in range(window.days)],
    )


def consent_frames(records: ConsentRecords, contacts: ContactTable, window: Window) -> list[pd.DataFrame]:
    order = np.lexsort((records.purpose, records.person, records.t_ms))
    primary = contacts.primary_of[records.person]
    emails = np.array(contacts.text["email"], dtype=object)
    frame = pd.DataFrame(
        {
            "consent_id": [f"CS{i + 1:08d}" for i in range(records.size)],
            "contact_id": contacts.contact_ids[primary[order]],
            "email": emails[primary[order]],
            "purpose": np.array(PURPOSES, dtype=object)[records.purpose[order]],
            "status": np.array(STATUSES, dtype=object)[records.status[order]],
            "recorded_at": records.t_ms[order],
            "source": np.array(SOURCES, dtype=object)[records.source[order]],
        }
    )
    day = _day_of(records.t_ms[order], window)
    return [frame[day == d] for d in range(window.days)]


def _format(spec: CsvSpec, frame: pd.DataFrame, offsets: np.ndarray) -> dict[str, np.ndarray]:
    """Raw (unquoted) strings per column."""
    out = {}
    for column in spec.columns:
        values = frame[column].to_numpy()
        kind = spec.typed.get(column)
        if kind == "timestamp":
            out[column] = iso_seconds(values.astype(np.int64), offsets)
        elif kind == "amount":
            out[column] = amounts(values)
        elif kind == "boolean":
            out[column] = np.where(values.astype(bool), "true", "false").astype(object)
        else:
            out[column] = values.astype(str).astype(object) if values.dtype != object else values
    return out


def write_csv_table(
    sink: FileSink,
    spec: CsvSpec,
    frames: list[pd.DataFrame],
    days: list[int],
    window: Window,
    rng: np.random.Generator,
    rate: float,
    drift_day: int | None,
) -> list[tuple]:
    """Write one file per frame; return the planted faults as (table, file, line, type, detail)."""
    total = sum(len(f) for f in frames)
    code, param, offset = F.plan_csv_faults(rng, total, rate, spec.mixed_tz)
    tiers = np.array(["bronze", "silver", "gold", ""], dtype=object)[rng.integers(4, size=total)]
    faults: list[tuple] = []
    start = 0
    for frame, day in zip(frames, days, strict=True):
        n = len(frame)
        rows = slice(start, start + n)
        start += n
        relative = daily_path(spec.table, window, day)
        raw = _format(spec, frame, offset[rows])
        quoted = [quote_column(raw[c]) for c in spec.columns]
        lines = [",".join(fields) for fields in zip(*quoted, strict=True)]
        for i in np.flatnonzero(code[rows] != F.NONE):
            fault = int(code[rows][i])
            lines[i], detail = _fault_line(
                spec,
                {c: raw[c][i] for c in spec.columns},
                fault,
                float(param[rows][i]),
                int(offset[rows][i]),
                lines[i],
            )
            faults.append((spec.table, relative, int(i) + 2, F.FAULT_NAMES[fault], detail))
        header = ",".join(spec.columns)
        if day == drift_day:
            header += f",{DRIFT_COLUMN}"
            lines = [f"{line},{tier}" for line, tier in zip(lines, tiers[rows], strict=True)]
            faults.append((spec.table, relative, 1, "schema_drift", f"extra column {DRIFT_COLUMN} appended"))
        sink.write(spec.table, relative, [header, *lines])
    return faults


def _fault_line(
    spec: CsvSpec, values: dict[str, str], fault: int, param: float, offset: int, line: str
) -> tuple[str, str]:
    columns = list(spec.columns)
    if fault == F.MIXED_TZ:
        return line, f"timestamps written with offset {offset_suffix(offset)}"
    if fault == F.TOO_FEW:
        missing = columns[1 + int(param * (len(columns) - 1))]
        return ",".join(quote_csv(values[c]) for c in columns if c != missing), f"field {missing} missing"
    if fault == F.TOO_MANY:
        column = spec.comma_column
        value = values[column].replace(",", " ").replace('"', "")
        if spec.typed.get(column) == "amount":
            value = value.replace(".", ",")  # a decimal comma, unquoted
        else:
            suffixes = COMMA_SUFFIXES[column]
            value = f"{value}, {suffixes[int(param * len(suffixes))]}"
        fields = [value if c == column else quote_csv(values[c]) for c in columns]
        return ",".join(fields), f"unquoted comma in {column}: {value}"
    typed = list(spec.typed)
    column = typed[int(param * len(typed))]
    bad = BAD_VALUES[spec.typed[column]][int((param * 7919) % 1 * 3)]
    fields = [quote_csv(bad) if c == column else quote_csv(values[c]) for c in columns]
    return ",".join(fields), f"{column}={bad}"
