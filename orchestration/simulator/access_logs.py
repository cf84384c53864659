"""Web server access log requests: the humans behind the tracker, their assets and 404s, and crawlers.

Every tracker page or product view is a GET at the same instant from the same IP and user agent; cart,
login, form and checkout actions are POSTs or GETs of their own. Static assets follow a page within a
second or two, mostly on the first page of a session (later pages hit the browser cache).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from orchestration.simulator.config import Window
from orchestration.simulator.events import (
    K_CART,
    K_CHECKOUT,
    K_FORM,
    K_LOGIN,
    K_PAGE,
    K_PRODUCT,
    K_PURCHASE,
    PG_CATEGORY,
    PG_CHECKOUT,
    PG_CONFIRMATION,
    PG_EXTERNAL,
    PG_PRODUCT,
    EventTable,
)
from orchestration.simulator.people import Population
from orchestration.simulator.reference_web import (
    BROKEN_PATHS,
    BROWSER_USER_AGENTS,
    CRAWLER_EXTRA_PATHS,
    CRAWLERS,
    STATIC_ASSETS,
)
from orchestration.simulator.sessions import FORM_SIGNUP, WEB, SessionPlan

GET, POST = 0, 1
PATH_PAGE, PATH_FIXED = 0, 1
REF_NONE = -2  # "-" in the log
ACTION_PATHS = ("/cart/add", "/checkout/complete", "/login", "/newsletter/subscribe", "/account/register")
FIXED_PATHS: tuple[str, ...] = (
    *ACTION_PATHS,
    *STATIC_ASSETS,
    *BROKEN_PATHS,
    *(p for p, _ in CRAWLER_EXTRA_PATHS),
)
USER_AGENTS: tuple[str, ...] = (*(ua for ua, _, _ in BROWSER_USER_AGENTS), *(ua for ua, _, _ in CRAWLERS))
_ASSET_BASE = len(ACTION_PATHS)
_BROKEN_BASE = _ASSET_BASE + len(STATIC_ASSETS)
_CRAWLER_PATH_BASE = _BROKEN_BASE + len(BROKEN_PATHS)
_DTYPES = {
    "method": np.int8,
    "path_kind": np.int8,
    "page_kind": np.int8,
    "page_arg": np.int32,
    "page_campaign": np.int16,
    "status": np.int16,
    "bytes": np.int32,
    "ref_kind": np.int8,
    "ref_arg": np.int32,
    "ref_campaign": np.int16,
    "http2": bool,
}


@dataclass
class AccessRequests:
    t_ms: np.ndarray
    ip: np.ndarray
    user_agent: np.ndarray  # index into USER_AGENTS
    method: np.ndarray
    path_kind: (
        np.ndarray
    )  # PATH_PAGE: page_kind/page_arg/page_campaign; PATH_FIXED: page_arg into FIXED_PATHS
    page_kind: np.ndarray
    page_arg: np.ndarray
    page_campaign: np.ndarray
    status: np.ndarray
    bytes: np.ndarray
    ref_kind: np.ndarray  # a page kind, PG_EXTERNAL (ref_arg into REFERRER_URLS) or REF_NONE
    ref_arg: np.ndarray
    ref_campaign: np.ndarray
    http2: np.ndarray

    @property
    def size(self) -> int:
        return len(self.t_ms)

    def take(self, index: np.ndarray) -> AccessRequests:
        return AccessRequests(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def _block(n: int, **columns) -> dict[str, np.ndarray]:
    defaults = dict(
        method=GET,
        path_kind=PATH_PAGE,
        page_kind=0,
        page_arg=-1,
        page_campaign=-1,
        status=200,
        bytes=0,
        ref_kind=REF_NONE,
        ref_arg=-1,
        ref_campaign=-1,
        http2=False,
    )
    out = {}
    for name, default in defaults.items():
        value = np.asarray(columns.get(name, default), dtype=_DTYPES[name])
        out[name] = np.broadcast_to(value, (n,)).copy() if value.ndim == 0 else value
    out["t_ms"] = np.asarray(columns["t_ms"], dtype=np.int64)
    out["ip"] = np.asarray(columns["ip"], dtype=np.uint32)
    out["user_agent"] = np.asarray(columns["user_agent"], dtype=np.int16)
    return out


def build_requests(
    rng: np.random.Generator,
    events: EventTable,
    sessions: SessionPlan,
    pop: Population,
    n_products: int,
    n_categories: int,
    window: Window,
) -> AccessRequests:
    web = np.flatnonzero(events.channel == WEB)
    e = events.take(web)
    session = e.session
    ip = sessions.ip[session]
    ua = pop.cookie_user_agent[sessions.ident[session]]
    http2 = rng.random(sessions.size) < 0.6
    h2 = http2[session]
    blocks = []
    n_web = len(web)

    # Pages: the tracker's views and the checkout page, at the same instant.
    page = np.isin(e.kind, [K_PAGE, K_PRODUCT, K_CHECKOUT])
    blocks.append(
        _block(
            int(page.sum()),
            t_ms=e.t_ms[page],
            ip=ip[page],
            user_agent=ua[page],
            page_kind=e.page_kind[page],
            page_arg=e.page_arg[page],
            page_campaign=e.page_campaign[page],
            bytes=rng.integers(18_000, 95_000, int(page.sum())),
            ref_kind=_external_none(e, page),
            ref_arg=e.ref_arg[page],
            ref_campaign=e.ref_campaign[page],
            http2=h2[page],
        )
    )
    # Actions: POST to an endpoint from the page the visitor is on.
    action_path = np.full(n_web, -1)
    action_path[e.kind == K_CART] = 0
    action_path[e.kind == K_PURCHASE] = 1
    action_path[e.kind == K_LOGIN] = 2
    action_path[e.kind == K_FORM] = np.where(e.form[e.kind == K_FORM] == FORM_SIGNUP, 4, 3)
    act = action_path >= 0
    purchase = e.kind[act] == K_PURCHASE
    blocks.append(
        _block(
            int(act.sum()),
            t_ms=e.t_ms[act] - np.where(purchase, 400, 0),
            ip=ip[act],
            user_agent=ua[act],
            method=POST,
            path_kind=PATH_FIXED,
            page_arg=action_path[act],
            status=np.where(e.kind[act] == K_CART, 200, 302),
            bytes=rng.integers(0, 600, int(act.sum())),
            ref_kind=np.where(purchase, PG_CHECKOUT, e.page_kind[act]),
            ref_arg=np.where(purchase, -1, e.page_arg[act]),
            ref_campaign=np.where(purchase, -1, e.page_campaign[act]),
            http2=h2[act],
        )
    )
    # The order confirmation page after the purchase POST.
    conf = e.kind == K_PURCHASE
    blocks.append(
        _block(
            int(conf.sum()),
            t_ms=e.t_ms[conf],
            ip=ip[conf],
            user_agent=ua[conf],
            page_kind=PG_CONFIRMATION,
            bytes=rng.integers(15_000, 40_000, int(conf.sum())),
            ref_kind=PG_CHECKOUT,
            http2=h2[conf],
        )
    )
    # Static assets: a few on a session's first page, rarely later.
    views = np.flatnonzero(np.isin(e.kind, [K_PAGE, K_PRODUCT]))
    first_page = e.ref_kind[views] == PG_EXTERNAL
    n_assets = np.where(
        first_page,
        np.minimum(1 + rng.poisson(0.8, len(views)), len(STATIC_ASSETS)),
        np.minimum(rng.poisson(0.1, len(views)), len(STATIC_ASSETS)),
    )
    owner = np.repeat(views, n_assets)
    slot = np.arange(len(owner)) - np.repeat(np.r_[0, np.cumsum(n_assets)[:-1]], n_assets)
    not_modified = rng.random(len(owner)) < 0.1  # revalidated from the browser cache: no body
    blocks.append(
        _block(
            len(owner),
            t_ms=e.t_ms[owner] + rng.integers(80, 1_500, len(owner)),
            ip=ip[owner],
            user_agent=ua[owner],
            path_kind=PATH_FIXED,
            page_arg=_ASSET_BASE + slot,
            status=np.where(not_modified, 304, 200),
            bytes=np.where(not_modified, 0, rng.integers(1_000, 250_000, len(owner))),
            ref_kind=e.page_kind[owner],
            ref_arg=e.page_arg[owner],
            ref_campaign=e.page_campaign[owner],
            http2=h2[owner],
        )
    )
    # Broken links and icon probes.
    broken = views[rng.random(len(views)) < 0.015]
    blocks.append(
        _block(
            len(broken),
            t_ms=e.t_ms[broken] + rng.integers(300, 2_000, len(broken)),
            ip=ip[broken],
            user_agent=ua[broken],
            path_kind=PATH_FIXED,
            page_arg=_BROKEN_BASE + rng.integers(len(BROKEN_PATHS), size=len(broken)),
            status=404,
            bytes=rng.integers(300, 1_200, len(broken)),
            ref_kind=e.page_kind[broken],
            ref_arg=e.page_arg[broken],
            ref_campaign=e.page_campaign[broken],
            http2=h2[broken],
        )
    )
    human = sum(len(b["t_ms"]) for b in blocks)
    blocks.append(_crawler_block(rng, max(1, int(0.06 * human)), n_products, n_categories, window))
    merged = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
    keep = (merged["t_ms"] >= window.start_ms) & (merged["t_ms"] < window.end_ms)
    order = np.argsort(merged["t_ms"][keep], kind="stable")
    return AccessRequests(**{f.name: merged[f.name][keep][order] for f in fields(AccessRequests)})


def _external_none(e: EventTable, mask: np.ndarray) -> np.ndarray:
    """An external referrer of index 0 is direct traffic: '-' in the log."""
    kind = e.ref_kind[mask]
    return np.where((kind == PG_EXTERNAL) & (e.ref_arg[mask] == 0), REF_NONE, kind)


def _crawler_block(
    rng: np.random.Generator, n: int, n_products: int, n_categories: int, window: Window
) -> dict[str, np.ndarray]:
    weights = np.array([w for _, w, _ in CRAWLERS])
    bot = rng.choice(len(CRAWLERS), size=n, p=weights / weights.sum())
    prefixes = np.array([[int(x) for x in prefix.split(".")] for _, _, prefix in CRAWLERS])
    ip = (
        (prefixes[bot, 0].astype(np.uint32) << 24)
        | (prefixes[bot, 1].astype(np.uint32) << 16)
        | rng.integers(0, 2**16, n).astype(np.uint32)
    )
    r = rng.random(n)
    path_kind = np.where(r < 0.85, PATH_PAGE, PATH_FIXED)
    page_kind = np.where(r < 0.6, PG_PRODUCT, PG_CATEGORY)
    extra = rng.integers(len(CRAWLER_EXTRA_PATHS), size=n)
    page_arg = np.where(
        path_kind == PATH_FIXED,
        _CRAWLER_PATH_BASE + extra,
        np.where(
            page_kind == PG_PRODUCT, rng.integers(n_products, size=n), rng.integers(n_categories, size=n)
        ),
    )
    extra_status = np.array([s for _, s in CRAWLER_EXTRA_PATHS])
    status = np.where(path_kind == PATH_FIXED, extra_status[extra], 200)
    t = window.start_ms + (rng.random(n) * (window.end_ms - window.start_ms)).astype(np.int64)
    return _block(
        n,
        t_ms=t,
        ip=ip,
        user_agent=len(BROWSER_USER_AGENTS) + bot,
        path_kind=path_kind,
        page_kind=page_kind,
        page_arg=page_arg,
        status=status,
        bytes=np.where(status == 200, rng.integers(2_000, 90_000, n), rng.integers(150, 600, n)),
    )
