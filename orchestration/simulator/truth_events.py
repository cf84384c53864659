"""``events.parquet``: every true tracker, app and ESP event before faults, with the person behind it.

Built with the renderer's DuckDB lookups so identifiers are formatted exactly as in the exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from orchestration.simulator import events as E
from orchestration.simulator import faults as F
from orchestration.simulator.config import ESP_EVENT_TYPES
from orchestration.simulator.render import Renderer, sql_case, sql_uuid

_CHUNK = 250_000  # events per query and parquet row group: bounded memory
TRACKER_TYPES = {
    E.K_PAGE: "page_view",
    E.K_PRODUCT: "product_view",
    E.K_CART: "add_to_cart",
    E.K_CHECKOUT: "checkout_start",
    E.K_PURCHASE: "purchase",
    E.K_FORM: "form_submit",
    E.K_LOGIN: "login",
}
APP_TYPES = {
    E.K_PAGE: "screen_view",
    E.K_PRODUCT: "screen_view",
    E.K_CHECKOUT: "screen_view",
    E.K_BUTTON: "button_tap",
    E.K_CART: "add_to_cart",
    E.K_PURCHASE: "in_app_purchase",
    E.K_LOGIN: "login",
}


def clean_plan(n: int) -> F.LinePlan:
    """Every record once, in order, without faults: the frame builders then give the true events."""
    zeros = np.zeros(n, dtype=np.int64)
    return F.LinePlan(np.arange(n), zeros, zeros.copy(), zeros.copy(), np.zeros(n), np.zeros(n), zeros.copy())


def _sql(source: str) -> str:
    if source == "web_tracker_events":
        return f"""SELECT {sql_uuid("d.hi", "d.lo")} AS event_id, '{source}' AS source,
            {sql_case("d.kind", TRACKER_TYPES)} AS event_type, d.t_ms AS occurred_at, d.person + 1 AS person_id,
            ck.anonymous_id, NULL AS device_id, CASE WHEN d.email_known THEN pe.email END AS email,
            CASE WHEN d.user_known THEN pe.user_id END AS user_id, {sql_uuid("d.s_hi", "d.s_lo")} AS session_id,
            pr.product_id, o.order_id, pc.campaign_id
            FROM d LEFT JOIN cookies ck ON ck.idx = d.cookie LEFT JOIN persons pe ON pe.idx = d.person
            LEFT JOIN products pr ON pr.idx = d.product LEFT JOIN orders o ON o.idx = d.order_idx
            LEFT JOIN campaigns pc ON pc.idx = d.page_campaign ORDER BY d.ord"""
    if source == "app_events":
        return f"""SELECT upper({sql_uuid("d.hi", "d.lo")}) AS event_id, '{source}' AS source,
            {sql_case("d.kind", APP_TYPES)} AS event_type, d.t_ms AS occurred_at, d.person + 1 AS person_id,
            NULL AS anonymous_id, dv.device_id, NULL AS email, CASE WHEN d.user_known THEN pe.user_id END AS user_id,
            {sql_uuid("d.s_hi", "d.s_lo")} AS session_id, pr.product_id, o.order_id, NULL AS campaign_id
            FROM d LEFT JOIN devices dv ON dv.idx = d.device LEFT JOIN persons pe ON pe.idx = d.person
            LEFT JOIN products pr ON pr.idx = d.product LEFT JOIN orders o ON o.idx = d.order_idx ORDER BY d.ord"""
    return f"""SELECT printf('%016x%08x', d.hi, d.lo >> 32) AS event_id, '{source}' AS source,
        {sql_case("d.kind", dict(enumerate(ESP_EVENT_TYPES)))} AS event_type, d.t_ms AS occurred_at,
        d.person + 1 AS person_id, NULL AS anonymous_id, NULL AS device_id, pe.esp_email AS email,
        NULL AS user_id, NULL AS session_id, pr.product_id, NULL AS order_id, c.campaign_id
        FROM d LEFT JOIN persons pe ON pe.idx = d.person LEFT JOIN campaigns c ON c.idx = d.campaign
        LEFT JOIN products pr ON pr.idx = d.link_product ORDER BY d.ord"""


def true_event_tables(
    renderer: Renderer, source: str, n: int, make_frame: Callable[[F.LinePlan, slice], pd.DataFrame]
) -> Iterator[pa.Table]:
    plan = clean_plan(n)
    for start in range(0, n, _CHUNK):
        frame = make_frame(plan, slice(start, min(n, start + _CHUNK)))
        renderer.con.register("d", frame)
        try:
            table = renderer.con.sql(_sql(source)).to_arrow_table()
        finally:
            renderer.con.unregister("d")
        occurred = pa.array(table.column("occurred_at").to_numpy().astype(np.int64)).cast(
            pa.timestamp("ms", tz="UTC")
        )
        yield table.set_column(table.schema.get_field_index("occurred_at"), "occurred_at", occurred)
