"""Turning records into export lines with DuckDB: NDJSON via ``to_json(struct_pack(...))``, logs via printf.

Python's ``json.dumps`` per event is too slow for ten million lines; DuckDB formats a day of lines in a
fraction of a second. Identifiers and URLs live in small lookup tables joined by integer index, so the
per-day frames handed over are purely numeric. Every query ends in ``ORDER BY ord``: output order never
depends on DuckDB's threads.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from orchestration.simulator import events as E
from orchestration.simulator.access_logs import FIXED_PATHS, USER_AGENTS
from orchestration.simulator.catalog import CATEGORY_NAMES, Catalog, search_terms
from orchestration.simulator.config import ESP_EVENT_TYPES, SHOP_URL, UNKNOWN_EVENT_TYPES
from orchestration.simulator.esp import CLICK, OPEN
from orchestration.simulator.reference_web import EMAIL_CLIENT_USER_AGENTS, REFERRER_URLS

_PAGE_STRIDE = 1_000_000
UTM = "utm_source=tailor_esp&utm_medium=email&utm_campaign="


def page_key(kind: np.ndarray, arg: np.ndarray) -> np.ndarray:
    """One integer per page (or external referrer) for joining the ``pages`` lookup."""
    return kind.astype(np.int64) * _PAGE_STRIDE + arg.astype(np.int64) + 1


def page_paths(catalog: Catalog) -> dict[int, str | None]:
    terms, _ = search_terms()
    paths: dict[int, str | None] = {}

    def put(kind: int, arg: int, path: str | None) -> None:
        paths[int(page_key(np.array([kind]), np.array([arg]))[0])] = path

    for kind, path in (
        (E.PG_HOME, "/"),
        (E.PG_SALE, "/sale"),
        (E.PG_ACCOUNT, "/account"),
        (E.PG_CART, "/cart"),
        (E.PG_CHECKOUT, "/checkout"),
        (E.PG_CONFIRMATION, "/checkout/confirmation"),
        (E.PG_REGISTER, "/account/register"),
    ):
        put(kind, -1, path)
    for index, name in enumerate(CATEGORY_NAMES):
        put(E.PG_CATEGORY, index, f"/c/{name}")
    for index, term in enumerate(terms):
        put(E.PG_SEARCH, index, f"/search?q={term.replace(' ', '+')}")
    for index, product_id in enumerate(catalog.product_ids):
        put(E.PG_PRODUCT, index, f"/p/{product_id}")
    for index, url in enumerate(REFERRER_URLS):
        put(E.PG_EXTERNAL, index, url)
    return paths


def sql_uuid(hi: str, lo: str) -> str:
    return (
        f"printf('%08x-%04x-4%03x-%04x-%012x', {hi} >> 32, ({hi} >> 16) & 65535::UBIGINT, "
        f"{hi} & 4095::UBIGINT, (({lo} >> 48) & 16383::UBIGINT) | 32768::UBIGINT, "
        f"{lo} & 281474976710655::UBIGINT)"
    )


def _url(alias: str, campaign_alias: str) -> str:
    """Absolute shop URL of a page, with the email campaign's UTM parameters on landing pages."""
    return (
        f"CASE WHEN {alias}.path IS NULL THEN NULL ELSE '{SHOP_URL}' || {alias}.path || "
        f"coalesce(CASE WHEN contains({alias}.path, '?') THEN '&' ELSE '?' END || '{UTM}' || "
        f"{campaign_alias}.campaign_id, '') END"
    )


_IP = "printf('%d.%d.%d.%d', d.ip >> 24, (d.ip >> 16) & 255, (d.ip >> 8) & 255, d.ip & 255)"
_TS = "make_timestamp(d.t_ms * 1000)"
_OFFSET = "printf('%s%02d:%02d', CASE WHEN d.tz < 0 THEN '-' ELSE '+' END, abs(d.tz) // 60, abs(d.tz) % 60)"
_LOCAL_TS = f"strftime({_TS} + to_minutes(d.tz), '%Y-%m-%dT%H:%M:%S.%g') || {_OFFSET}"
_PAGE_JOINS = """
    LEFT JOIN pages pg ON pg.key = d.page_key
    LEFT JOIN pages rf ON rf.key = d.ref_key
    LEFT JOIN campaigns pc ON pc.idx = d.page_campaign
    LEFT JOIN campaigns rc ON rc.idx = d.ref_campaign"""


def sql_case(column: str, names: dict[int, str]) -> str:
    whens = " ".join(f"WHEN {code} THEN '{name}'" for code, name in names.items())
    return f"CASE {column} {whens} END"


class Renderer:
    def __init__(self, catalog: Catalog, lookups: dict[str, pd.DataFrame]):
        self.con = duckdb.connect()
        self.con.execute("SET threads = 2; SET TimeZone = 'UTC'; SET enable_progress_bar = false")
        paths = page_paths(catalog)
        tables = {
            "pages": pd.DataFrame(
                {"key": np.array(list(paths), dtype=np.int64), "path": list(paths.values())}
            ),
            "fixed_paths": pd.DataFrame({"idx": np.arange(len(FIXED_PATHS)), "path": list(FIXED_PATHS)}),
            "user_agents": pd.DataFrame({"idx": np.arange(len(USER_AGENTS)), "ua": list(USER_AGENTS)}),
            "email_clients": pd.DataFrame(
                {
                    "idx": np.arange(len(EMAIL_CLIENT_USER_AGENTS)),
                    "ua": [u for u, _ in EMAIL_CLIENT_USER_AGENTS],
                }
            ),
            "products": pd.DataFrame(
                {
                    "idx": np.arange(catalog.size),
                    "product_id": catalog.product_ids,
                    "category": np.array(CATEGORY_NAMES, dtype=object)[catalog.category],
                    "price_cents": catalog.price_cents,
                }
            ),
            **lookups,
        }
        for table, names in UNKNOWN_EVENT_TYPES.items():
            tables[f"unknown_{table}"] = pd.DataFrame({"idx": np.arange(len(names)), "name": list(names)})
        for name, frame in tables.items():
            self.con.register(f"{name}_src", pa.Table.from_pandas(frame, preserve_index=False))
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_src")
            self.con.unregister(f"{name}_src")
        # Amounts travel as integer cents and become exact decimals only here.
        self.con.execute(
            "CREATE TABLE products_d AS SELECT idx, product_id, category, "
            "(price_cents / 100)::DECIMAL(12,2) AS price FROM products"
        )
        self.con.execute(
            "CREATE TABLE orders AS SELECT idx, order_id, "
            "(revenue_cents / 100)::DECIMAL(12,2) AS revenue FROM order_totals"
        )

    def _lines(self, sql: str, frame: pd.DataFrame) -> list[str]:
        self.con.register("d", frame)
        try:
            return self.con.sql(sql).to_arrow_table().column(0).to_pylist()
        finally:
            self.con.unregister("d")

    def tracker(self, frame: pd.DataFrame) -> list[str]:
        types = {
            E.K_PAGE: "page_view",
            E.K_PRODUCT: "product_view",
            E.K_CART: "add_to_cart",
            E.K_CHECKOUT: "checkout_start",
            E.K_PURCHASE: "purchase",
            E.K_FORM: "form_submit",
            E.K_LOGIN: "login",
        }
        props = f"""CASE d.kind
            WHEN {E.K_PRODUCT} THEN to_json(struct_pack(product_id := pr.product_id, category := pr.category,
                                                     price := pr.price))
            WHEN {E.K_CART} THEN to_json(struct_pack(product_id := pr.product_id, category := pr.category,
                                                  price := pr.price, quantity := d.quantity))
            WHEN {E.K_PURCHASE} THEN to_json(struct_pack(order_id := o.order_id, revenue := o.revenue))
            WHEN {E.K_FORM} THEN to_json(struct_pack(form_id := CASE d.form WHEN 1 THEN 'signup'
                                                                        ELSE 'newsletter' END))
            ELSE '{{}}'::JSON END"""
        sql = f"""
        SELECT to_json(struct_pack(
            event_id := {sql_uuid("d.hi", "d.lo")},
            event_type := coalesce(u.name, {sql_case("d.kind", types)}),
            occurred_at := CASE WHEN d.tz = 0 THEN strftime({_TS}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE {_LOCAL_TS} END,
            anonymous_id := ck.anonymous_id,
            session_id := {sql_uuid("d.s_hi", "d.s_lo")},
            user_id := CASE WHEN d.user_known THEN pe.user_id END,
            email := CASE WHEN d.email_known THEN pe.email END,
            page_url := {_url("pg", "pc")},
            referrer := CASE WHEN d.ref_key < 0 THEN rf.path ELSE {_url("rf", "rc")} END,
            user_agent := ua.ua,
            ip := {_IP},
            properties := {props}
        ))
        FROM d
        LEFT JOIN unknown_web_tracker_events u ON u.idx = d.unknown
        LEFT JOIN cookies ck ON ck.idx = d.cookie
        LEFT JOIN persons pe ON pe.idx = d.person
        LEFT JOIN products_d pr ON pr.idx = d.product
        LEFT JOIN orders o ON o.idx = d.order_idx
        LEFT JOIN user_agents ua ON ua.idx = d.ua
        {_PAGE_JOINS}
        ORDER BY d.ord"""
        return self._lines(sql, frame)

    def app(self, frame: pd.DataFrame) -> list[str]:
        names = {
            E.K_PAGE: "screen_view",
            E.K_PRODUCT: "screen_view",
            E.K_CHECKOUT: "screen_view",
            E.K_BUTTON: "button_tap",
            E.K_CART: "add_to_cart",
            E.K_PURCHASE: "in_app_purchase",
            E.K_LOGIN: "login",
        }
        screens = {
            E.PG_HOME: "home",
            E.PG_CATEGORY: "category",
            E.PG_SEARCH: "search",
            E.PG_SALE: "sale",
            E.PG_ACCOUNT: "account",
            E.PG_CART: "cart",
            E.PG_PRODUCT: "product",
            E.PG_CHECKOUT: "checkout",
            E.PG_CONFIRMATION: "order_confirmation",
            E.PG_REGISTER: "register",
        }
        sql = f"""
        SELECT to_json(struct_pack(
            event_id := upper({sql_uuid("d.hi", "d.lo")}),
            event_name := coalesce(u.name, {sql_case("d.kind", names)}),
            timestamp := {_LOCAL_TS},
            device_id := dv.device_id,
            user_id := CASE WHEN d.user_known THEN pe.user_id END,
            platform := dv.platform,
            app_version := dv.app_version,
            screen := {sql_case("d.page_kind", screens)},
            product_id := pr.product_id,
            price := pr.price,
            quantity := CASE WHEN d.kind = {E.K_CART} THEN d.quantity END,
            order_id := o.order_id,
            revenue := o.revenue
        ))
        FROM d
        LEFT JOIN unknown_app_events u ON u.idx = d.unknown
        LEFT JOIN devices dv ON dv.idx = d.device
        LEFT JOIN persons pe ON pe.idx = d.person
        LEFT JOIN products_d pr ON pr.idx = d.product
        LEFT JOIN orders o ON o.idx = d.order_idx
        ORDER BY d.ord"""
        return self._lines(sql, frame)

    def esp(self, frame: pd.DataFrame) -> list[str]:
        kinds = dict(enumerate(ESP_EVENT_TYPES))
        sql = f"""
        SELECT to_json(struct_pack(
            event_id := printf('%016x%08x', d.hi, d.lo >> 32),
            event := coalesce(u.name, {sql_case("d.kind", kinds)}),
            timestamp := (d.t_ms // 1000)::BIGINT,
            email := pe.esp_email,
            campaign_id := c.campaign_id,
            message_id := printf('%016x@mail.tailorshop.example', d.msg),
            url := CASE WHEN d.kind = {CLICK} THEN {_url("pg", "c")} END,
            bounce_type := CASE d.bounce WHEN 1 THEN 'hard' WHEN 2 THEN 'soft' END,
            user_agent := CASE WHEN d.kind IN ({OPEN}, {CLICK}) THEN ec.ua END
        ))
        FROM d
        LEFT JOIN unknown_esp_events u ON u.idx = d.unknown
        LEFT JOIN persons pe ON pe.idx = d.person
        LEFT JOIN campaigns c ON c.idx = d.campaign
        LEFT JOIN pages pg ON pg.key = d.page_key
        LEFT JOIN email_clients ec ON ec.idx = pe.email_client
        ORDER BY d.ord"""
        return self._lines(sql, frame)

    def access(self, frame: pd.DataFrame) -> list[str]:
        sql = f"""
        SELECT printf('%s - - [%s] "%s %s %s" %d %d "%s" "%s"',
            {_IP},
            strftime({_TS} + INTERVAL 1 HOUR, '%d/%b/%Y:%H:%M:%S +0100'),
            CASE d.method WHEN 0 THEN 'GET' ELSE 'POST' END,
            CASE WHEN d.path_kind = 0 THEN substr({_url("pg", "pc")}, {len(SHOP_URL) + 1}) ELSE fp.path END,
            CASE WHEN d.http2 THEN 'HTTP/2.0' ELSE 'HTTP/1.1' END,
            d.status, d.bytes,
            CASE WHEN d.ref_kind = -2 THEN '-' WHEN d.ref_kind = -1 THEN coalesce(rf.path, '-')
                 ELSE {_url("rf", "rc")} END,
            ua.ua)
        FROM d
        LEFT JOIN fixed_paths fp ON fp.idx = d.page_arg
        LEFT JOIN user_agents ua ON ua.idx = d.user_agent
        {_PAGE_JOINS}
        ORDER BY d.ord"""
        return self._lines(sql, frame)
