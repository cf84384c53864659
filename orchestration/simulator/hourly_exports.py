"""The hourly exports (tracker, app, ESP NDJSON and gzip access logs), written one day at a time.

Per source, a :class:`~orchestration.simulator.faults.LinePlan` fixes which record goes on which line of
which hourly file (late and duplicate lines included); each day's lines are then rendered by DuckDB in
one query, the few faulted lines are garbled in Python, and the day's 24 files are written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.simulator import faults as F
from orchestration.simulator.access_logs import AccessRequests
from orchestration.simulator.clock import offset_suffix
from orchestration.simulator.config import UNKNOWN_EVENT_TYPES, Window
from orchestration.simulator.esp import EspEvents
from orchestration.simulator.events import PG_PRODUCT, EventTable
from orchestration.simulator.render import page_key
from orchestration.simulator.sessions import SessionPlan
from orchestration.simulator.writers import FileSink, hourly_path


@dataclass
class EventIds:
    """Random 128 bits per record (event ids) and per session (session ids), drawn once."""

    hi: np.ndarray
    lo: np.ndarray

    @staticmethod
    def draw(rng: np.random.Generator, n: int) -> EventIds:
        return EventIds(
            rng.integers(0, 2**64, n, dtype=np.uint64), rng.integers(0, 2**64, n, dtype=np.uint64)
        )


def _unknown_index(plan: F.LinePlan, rows: slice, table: str) -> np.ndarray:
    names = UNKNOWN_EVENT_TYPES.get(table, ())
    fault = plan.fault[rows]
    return np.where(fault == F.UNKNOWN_TYPE, (plan.param[rows] * max(len(names), 1)).astype(np.int64), -1)


def tracker_frame(
    plan: F.LinePlan,
    rows: slice,
    e: EventTable,
    ids: EventIds,
    session_ids: EventIds,
    sessions: SessionPlan,
    cookie_ua: np.ndarray,
    event_order: np.ndarray,
) -> pd.DataFrame:
    item = plan.item[rows]
    session = e.session[item]
    cookie = sessions.ident[session]
    return pd.DataFrame(
        {
            "ord": np.arange(len(item)),
            "hi": ids.hi[item],
            "lo": ids.lo[item],
            "s_hi": session_ids.hi[session],
            "s_lo": session_ids.lo[session],
            "kind": e.kind[item],
            "unknown": _unknown_index(plan, rows, "web_tracker_events"),
            "t_ms": e.t_ms[item],
            "tz": np.where(plan.fault[rows] == F.MIXED_TZ, plan.aux[rows], 0),
            "cookie": cookie,
            "person": e.person[item],
            "user_known": e.user_known[item],
            "email_known": e.email_known[item],
            "page_key": page_key(e.page_kind[item], e.page_arg[item]),
            "page_campaign": e.page_campaign[item],
            "ref_key": page_key(e.ref_kind[item], e.ref_arg[item]),
            "ref_campaign": e.ref_campaign[item],
            "ua": cookie_ua[cookie],
            "ip": sessions.ip[session].astype(np.int64),
            "product": e.product[item],
            "quantity": e.quantity[item],
            "order_idx": event_order[item],
            "form": e.form[item],
        }
    )


def app_frame(
    plan: F.LinePlan,
    rows: slice,
    e: EventTable,
    ids: EventIds,
    sessions: SessionPlan,
    device_offset_minutes: np.ndarray,
    event_order: np.ndarray,
) -> pd.DataFrame:
    item = plan.item[rows]
    return pd.DataFrame(
        {
            "ord": np.arange(len(item)),
            "hi": ids.hi[item],
            "lo": ids.lo[item],
            "kind": e.kind[item],
            "unknown": _unknown_index(plan, rows, "app_events"),
            "t_ms": e.t_ms[item],
            "tz": device_offset_minutes[item],
            "device": sessions.ident[e.session[item]],
            "person": e.person[item],
            "user_known": e.user_known[item],
            "page_kind": e.page_kind[item],
            "product": e.product[item],
            "quantity": e.quantity[item],
            "order_idx": event_order[item],
        }
    )


def esp_frame(
    plan: F.LinePlan, rows: slice, e: EspEvents, ids: EventIds, message_ids: np.ndarray
) -> pd.DataFrame:
    item = plan.item[rows]
    return pd.DataFrame(
        {
            "ord": np.arange(len(item)),
            "hi": ids.hi[item],
            "lo": ids.lo[item],
            "kind": e.kind[item],
            "unknown": _unknown_index(plan, rows, "esp_events"),
            "t_ms": e.t_ms[item],
            "person": e.person[item],
            "campaign": e.campaign[item],
            "msg": message_ids[e.send[item]],
            "page_key": page_key(e.link_kind[item], e.link_arg[item]),
            "bounce": e.bounce[item],
            "link_product": np.where(e.link_kind[item] == PG_PRODUCT, e.link_arg[item], -1),
        }
    )


def access_frame(plan: F.LinePlan, rows: slice, r: AccessRequests) -> pd.DataFrame:
    item = plan.item[rows]
    return pd.DataFrame(
        {
            "ord": np.arange(len(item)),
            "t_ms": r.t_ms[item],
            "ip": r.ip[item].astype(np.int64),
            "user_agent": r.user_agent[item],
            "method": r.method[item],
            "path_kind": r.path_kind[item],
            "page_key": page_key(r.page_kind[item], r.page_arg[item]),
            "page_arg": r.page_arg[item],
            "page_campaign": r.page_campaign[item],
            "status": r.status[item],
            "bytes": r.bytes[item],
            "ref_kind": r.ref_kind[item],
            "ref_key": page_key(r.ref_kind[item], r.ref_arg[item]),
            "ref_campaign": r.ref_campaign[item],
            "http2": r.http2[item],
        }
    )


def write_hourly_source(
    sink: FileSink,
    table: str,
    plan: F.LinePlan,
    window: Window,
    make_frame: Callable[[slice], pd.DataFrame],
    render: Callable[[pd.DataFrame], list[str]],
    true_type: Callable[[int], str],
    on_day: Callable[[int], None] | None = None,
) -> list[tuple]:
    """Write every hourly file of one source (empty hours too); return its planted faults."""
    faults: list[tuple] = []
    hour_starts = np.searchsorted(plan.hour, np.arange(window.n_hours + 1))
    unknown_names = UNKNOWN_EVENT_TYPES.get(table, ())
    for day in range(window.days):
        a, b = int(hour_starts[day * 24]), int(hour_starts[(day + 1) * 24])
        rows = slice(a, b)
        lines = render(make_frame(rows)) if b > a else []
        for i in np.flatnonzero(plan.fault[rows] != F.NONE):
            row = a + int(i)
            fault = int(plan.fault[row])
            detail = ""
            if fault == F.INVALID_JSON:
                lines[i], detail = F.garble_json(lines[i], float(plan.param[row]), float(plan.cut[row]))
            elif fault == F.TRUNCATED:
                lines[i], detail = F.truncate_log_line(lines[i], float(plan.cut[row]))
            elif fault == F.UNKNOWN_TYPE:
                name = unknown_names[int(plan.param[row] * len(unknown_names))]
                detail = f"{name} (true type {true_type(int(plan.item[row]))})"
            elif fault == F.DUPLICATE:
                original = int(plan.aux[row])
                detail = (
                    f"duplicate of {hourly_path(table, window, int(plan.hour[original]))}:"
                    f"{int(plan.line_number[original])}"
                )
            elif fault == F.LATE:
                detail = (
                    f"true hour {window.hour_label(int(plan.aux[row]))}, "
                    f"{int(plan.hour[row] - plan.aux[row])} h late"
                )
            elif fault == F.MIXED_TZ:
                detail = f"offset {offset_suffix(int(plan.aux[row]))}"
            relative = hourly_path(table, window, int(plan.hour[row]))
            faults.append((table, relative, int(plan.line_number[row]), F.FAULT_NAMES[fault], detail))
        for hour in range(day * 24, (day + 1) * 24):
            h_a, h_b = int(hour_starts[hour]) - a, int(hour_starts[hour + 1]) - a
            sink.write(table, hourly_path(table, window, hour), lines[h_a:h_b])
        if on_day is not None:
            on_day(day)
    return faults
