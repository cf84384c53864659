"""Planting faults: which lines get which fault, where every line lands, and how a faulted line looks.

Each fault type hits ``round(fault_rate * n)`` distinct records of each table it applies to, and no record
gets two faults, so every planted fault is one row of ``faults.csv`` and can be checked on its own.
A faulted line is always exactly one physical line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.simulator.config import HOUR_MS, Window

NONE, INVALID_JSON, UNKNOWN_TYPE, DUPLICATE, LATE, MIXED_TZ, TRUNCATED = range(7)
TOO_FEW, TOO_MANY, BAD_VALUE = 7, 8, 9
FAULT_NAMES = {
    INVALID_JSON: "invalid_json",
    UNKNOWN_TYPE: "unknown_event_type",
    DUPLICATE: "duplicate_event",
    LATE: "late_event",
    MIXED_TZ: "mixed_tz_offset",
    TRUNCATED: "truncated_log_line",
    TOO_FEW: "csv_too_few_fields",
    TOO_MANY: "csv_too_many_fields",
    BAD_VALUE: "csv_bad_value",
}
# Offsets a misconfigured system writes the same instant in (minutes east of UTC).
MIXED_OFFSETS = np.array([60, 120, -300, 330, -480, 540])


@dataclass
class LinePlan:
    """Output lines of one hourly source, sorted by (file hour, position in file)."""

    item: np.ndarray  # record (event / request) rendered on this line
    hour: np.ndarray  # export hour index: the file the line is in
    line_number: np.ndarray  # 1-based within its file
    fault: np.ndarray  # fault code, NONE for clean lines
    param: np.ndarray  # uniform [0, 1): which variant of the fault
    cut: np.ndarray  # uniform [0, 1): where a line is cut
    aux: np.ndarray  # late: true hour; duplicate: plan row of the original; mixed tz: offset minutes

    @property
    def size(self) -> int:
        return len(self.item)


def _pick_disjoint(
    rng: np.random.Generator, n: int, k: int, faults: list[int], eligible: dict[int, np.ndarray]
) -> np.ndarray:
    """A fault code per record: k records per fault type, no record twice."""
    code = np.zeros(n, dtype=np.int64)
    order = rng.permutation(n)
    for fault in faults:
        free = order[code[order] == NONE]
        if fault in eligible:
            free = free[eligible[fault][free]]
        code[free[:k]] = fault
    return code


def plan_event_lines(
    rng: np.random.Generator, t_ms: np.ndarray, window: Window, rate: float, mixed_tz: bool
) -> LinePlan:
    n = len(t_ms)
    hour = window.hour_of(t_ms)
    k = int(round(rate * n))
    faults = [INVALID_JSON, UNKNOWN_TYPE, LATE, DUPLICATE] + ([MIXED_TZ] if mixed_tz else [])
    code = _pick_disjoint(rng, n, k, faults, {LATE: hour < window.n_hours - 1})
    param, cut = rng.random(n), rng.random(n)
    aux = np.zeros(n, dtype=np.int64)
    key = t_ms.copy()
    file_hour = hour.copy()

    late = np.flatnonzero(code == LATE)
    delay = np.where(rng.random(len(late)) < 0.9, rng.integers(1, 7, len(late)), 24)
    delay = np.clip(delay, 1, window.n_hours - 1 - hour[late])
    aux[late] = hour[late]
    file_hour[late] = hour[late] + delay
    # A late event arrives somewhere within the later hour's batch.
    key[late] = (
        window.start_ms + file_hour[late] * HOUR_MS + (rng.random(len(late)) * HOUR_MS).astype(np.int64)
    )
    tz = code == MIXED_TZ
    aux[tz] = MIXED_OFFSETS[rng.integers(len(MIXED_OFFSETS), size=int(tz.sum()))]

    # Duplicates: the same line again, in the same file (60%) or 1-3 hours later.
    src = np.flatnonzero(code == DUPLICATE)
    code[src] = NONE  # the original stays clean; the copy is the fault
    later = np.where(rng.random(len(src)) < 0.6, 0, rng.integers(1, 4, len(src)))
    dup_hour = np.minimum(hour[src] + later, window.n_hours - 1)
    hour_end = window.start_ms + (dup_hour + 1) * HOUR_MS
    dup_key = np.where(
        dup_hour == hour[src],
        t_ms[src] + (rng.random(len(src)) * (hour_end - t_ms[src])),
        hour_end - HOUR_MS + rng.random(len(src)) * HOUR_MS,
    ).astype(np.int64)
    item = np.r_[np.arange(n), src]
    all_hour = np.r_[file_hour, dup_hour]
    all_key = np.r_[key, np.minimum(dup_key, hour_end - 1)]
    all_code = np.r_[code, np.full(len(src), DUPLICATE)]
    all_aux = np.r_[aux, src]  # rewritten to the original's plan row below
    all_param = np.r_[param, rng.random(len(src))]
    all_cut = np.r_[cut, rng.random(len(src))]
    order = np.lexsort((np.arange(len(item)), all_key, all_hour))
    plan = LinePlan(
        item[order],
        all_hour[order],
        np.zeros(len(item), dtype=np.int64),
        all_code[order],
        all_param[order],
        all_cut[order],
        all_aux[order],
    )
    plan.line_number = _line_numbers(plan.hour)
    row_of_item = np.empty(n, dtype=np.int64)
    originals = plan.fault != DUPLICATE
    row_of_item[plan.item[originals]] = np.flatnonzero(originals)
    dups = plan.fault == DUPLICATE
    plan.aux[dups] = row_of_item[plan.item[dups]]
    return plan


def plan_log_lines(rng: np.random.Generator, t_ms: np.ndarray, window: Window, rate: float) -> LinePlan:
    """Access logs are written in time order; the only fault is a line cut short."""
    n = len(t_ms)
    code = _pick_disjoint(rng, n, int(round(rate * n)), [TRUNCATED], {})
    order = np.lexsort((np.arange(n), t_ms))
    hour = window.hour_of(t_ms)[order]
    return LinePlan(
        order,
        hour,
        _line_numbers(hour),
        code[order],
        rng.random(n),
        rng.random(n),
        np.zeros(n, dtype=np.int64),
    )


def plan_csv_faults(
    rng: np.random.Generator, n_rows: int, rate: float, mixed_tz: bool
) -> tuple[np.ndarray, ...]:
    """Fault code, variant and offset per CSV data row."""
    faults = [TOO_FEW, TOO_MANY, BAD_VALUE] + ([MIXED_TZ] if mixed_tz else [])
    code = _pick_disjoint(rng, n_rows, int(round(rate * n_rows)), faults, {})
    offsets = MIXED_OFFSETS[rng.integers(len(MIXED_OFFSETS), size=n_rows)]
    return code, rng.random(n_rows), np.where(code == MIXED_TZ, offsets, 0)


def _line_numbers(hour: np.ndarray) -> np.ndarray:
    starts = np.r_[0, np.flatnonzero(np.diff(hour)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(hour)]))
    return np.arange(len(hour)) - first + 1


def garble_json(line: str, param: float, cut: float) -> tuple[str, str]:
    """An NDJSON line that no longer parses: cut short, single-quoted, a lost comma or a stray brace.

    Every variant is rejected by strict parsers (Python's json) and lenient ones (DuckDB's json_valid,
    which accepts trailing commas, so a trailing comma is not used).
    """
    if param < 0.6:
        at = max(1, min(len(line) - 1, int(len(line) * (0.1 + 0.85 * cut))))
        return line[:at], f"truncated at character {at}"
    if param < 0.8:
        return line.replace('"', "'"), "single quotes instead of double quotes"
    if param < 0.9:
        return line.replace(',"', ' "', 1), "missing comma between fields"
    return line + "}", "stray closing brace after the object"


def truncate_log_line(line: str, cut: float) -> tuple[str, str]:
    """Cut within the request, status, bytes, referrer or user agent: the line still starts like a log line."""
    request_start = line.find('] "') + 3
    at = request_start + int((len(line) - 2 - request_start) * cut)
    at = max(request_start, min(len(line) - 2, at))
    return line[:at], f"cut at character {at}"
