"""Session plans to events, vectorized: views, cart adds, checkout, purchase, login, forms, app taps.

The funnel per session: 1..20 page or product views with exponential dwell times; each product view may
add to the cart; a session with a cart may check out and then purchase (registered people only); web
visitors log in early or at checkout; forms (signup, newsletter) identify the visitor by email.
Events are built as numpy arrays per kind and sorted once; no Python loop runs per event.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.catalog import Catalog, category_weights
from orchestration.simulator.config import Window
from orchestration.simulator.people import Population
from orchestration.simulator.reference_web import APP_BUTTONS
from orchestration.simulator.sessions import APP, FORM_NEWSLETTER, FORM_SIGNUP, SessionPlan

# Event kinds shared by web and app (the exported names differ per source).
K_PAGE, K_PRODUCT, K_CART, K_CHECKOUT, K_PURCHASE, K_FORM, K_LOGIN, K_BUTTON = range(8)
# Page kinds; page_arg is a product index (PRODUCT), a category index (CATEGORY) or a search term (SEARCH).
(
    PG_HOME,
    PG_CATEGORY,
    PG_SEARCH,
    PG_SALE,
    PG_ACCOUNT,
    PG_CART,
    PG_PRODUCT,
    PG_CHECKOUT,
    PG_CONFIRMATION,
    PG_REGISTER,
) = range(10)
PG_EXTERNAL = -1  # referrer outside the shop: ref_arg indexes REFERRER_URLS
_NO_TIME = np.iinfo(np.int64).max
_LATER_PAGES = np.array([PG_CATEGORY, PG_SEARCH, PG_HOME, PG_SALE, PG_ACCOUNT, PG_CART])
_LATER_PAGE_P = np.array([0.45, 0.20, 0.15, 0.10, 0.05, 0.05])
_TERMS_PER_CATEGORY = 3
_DTYPES = {
    "t_ms": np.int64,
    "channel": np.int8,
    "kind": np.int8,
    "quantity": np.int16,
    "form": np.int8,
    "button": np.int8,
    "page_kind": np.int8,
    "page_campaign": np.int16,
    "ref_kind": np.int8,
    "ref_campaign": np.int16,
    "user_known": bool,
    "email_known": bool,
}


@dataclass
class EventTable:
    session: np.ndarray
    person: np.ndarray
    channel: np.ndarray
    t_ms: np.ndarray
    kind: np.ndarray
    product: np.ndarray  # -1 where no single product applies
    quantity: np.ndarray
    price_cents: np.ndarray
    form: np.ndarray  # FORM_* on K_FORM events
    button: np.ndarray  # APP_BUTTONS index on K_BUTTON events
    page_kind: np.ndarray
    page_arg: np.ndarray
    page_campaign: np.ndarray  # utm_campaign on the landing page of an email click, -1 otherwise
    ref_kind: np.ndarray
    ref_arg: np.ndarray
    ref_campaign: np.ndarray
    user_known: np.ndarray  # after login: user_id is sent
    email_known: np.ndarray  # after login or a form: email is sent

    def __post_init__(self) -> None:
        # Millions of rows: the narrowest type that holds each column keeps memory to a few hundred MB.
        for f in fields(self):
            setattr(self, f.name, np.asarray(getattr(self, f.name), dtype=_DTYPES.get(f.name, np.int32)))

    @property
    def size(self) -> int:
        return len(self.t_ms)

    def take(self, index: np.ndarray) -> EventTable:
        return EventTable(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(tables: list[EventTable]) -> EventTable:
        return EventTable(
            **{f.name: np.concatenate([getattr(t, f.name) for t in tables]) for f in fields(EventTable)}
        )


def choose_categories(rng: np.random.Generator, pop: Population, person: np.ndarray) -> np.ndarray:
    """Mostly one of the person's favourite categories, sometimes anything."""
    fav = pop.favourites[person]
    n_fav = (fav >= 0).sum(axis=1)
    slot = (rng.random(len(person)) * n_fav).astype(np.int64)
    own = fav[np.arange(len(person)), slot]
    other = rng.choice(len(category_weights()), size=len(person), p=category_weights())
    return np.where(rng.random(len(person)) < 0.8, own, other)


def choose_products(
    rng: np.random.Generator, pop: Population, catalog: Catalog, person: np.ndarray
) -> np.ndarray:
    persona = pop.persona[person]
    position = rng.beta(P.param("price_beta_a")[persona], P.param("price_beta_b")[persona])
    product = catalog.pick(choose_categories(rng, pop, person), position)
    focus = pop.focus_product[person]
    return np.where((focus >= 0) & (rng.random(len(person)) < 0.5), focus, product)


def generate_events(
    rng: np.random.Generator,
    plan: SessionPlan,
    pop: Population,
    catalog: Catalog,
    window: Window,
    session_offset: int = 0,
) -> EventTable:
    m = plan.size
    persona = pop.persona[plan.person]
    mean_views = P.param("views_per_session")[persona]
    n_views = 1 + np.minimum(rng.poisson(np.maximum(mean_views - 1, 0)), 19)
    n_views = np.where(plan.form == FORM_SIGNUP, np.maximum(n_views, 3), n_views)

    # --- views: times by cumulative dwell ---
    vs = np.repeat(np.arange(m), n_views)
    first_view = np.r_[0, np.cumsum(n_views)[:-1]]
    last_view = first_view + n_views - 1
    pos = np.arange(len(vs)) - first_view[vs]
    dwell = np.clip(rng.exponential(40_000, len(vs)), 4_000, 180_000).astype(np.int64)
    before = np.cumsum(dwell) - dwell
    vt = plan.start_ms[vs] + before - before[first_view][vs]
    v_person = plan.person[vs]
    is_product = rng.random(len(vs)) < P.param("p_product_view")[pop.persona[v_person]]
    is_product[first_view] = rng.random(m) < 0.3  # search-engine landings on product pages
    page_kind = np.where(
        is_product, PG_PRODUCT, _LATER_PAGES[rng.choice(len(_LATER_PAGES), size=len(vs), p=_LATER_PAGE_P)]
    )
    page_kind[first_view] = np.where(
        is_product[first_view],
        PG_PRODUCT,
        rng.choice(np.array([PG_HOME, PG_CATEGORY, PG_SALE]), size=m, p=[0.55, 0.3, 0.15]),
    )
    category = choose_categories(rng, pop, v_person)
    page_arg = np.where(page_kind == PG_CATEGORY, category, -1)
    page_arg = np.where(
        page_kind == PG_SEARCH,
        category * _TERMS_PER_CATEGORY + rng.integers(_TERMS_PER_CATEGORY, size=len(vs)),
        page_arg,
    )
    page_arg = np.where(page_kind == PG_PRODUCT, choose_products(rng, pop, catalog, v_person), page_arg)
    # Email clicks land where the link pointed; signups go through the registration page.
    landing_p, landing_c = plan.landing_product, plan.landing_category
    fv = first_view
    page_kind[fv] = np.where(landing_p >= 0, PG_PRODUCT, np.where(landing_c >= 0, PG_CATEGORY, page_kind[fv]))
    page_arg[fv] = np.where(landing_p >= 0, landing_p, np.where(landing_c >= 0, landing_c, page_arg[fv]))
    signup = plan.form == FORM_SIGNUP
    page_kind[first_view[signup] + 1] = PG_REGISTER
    page_arg[first_view[signup] + 1] = -1
    page_campaign = np.full(len(vs), -1, dtype=np.int64)
    page_campaign[fv] = plan.campaign
    # Referrer of a view: the previous view, or outside the shop for the first one.
    prev = np.arange(len(vs)) - 1
    ref_kind = np.where(pos > 0, page_kind[prev], PG_EXTERNAL)
    ref_arg = np.where(pos > 0, page_arg[prev], plan.referrer[vs])
    ref_campaign = np.where(pos > 0, page_campaign[prev], -1)
    view_kind = np.where(page_kind == PG_PRODUCT, K_PRODUCT, K_PAGE)
    view_product = np.where(page_kind == PG_PRODUCT, page_arg, -1)

    # --- cart adds on product views ---
    v_persona = pop.persona[v_person]
    cart = np.flatnonzero((view_kind == K_PRODUCT) & (rng.random(len(vs)) < P.param("p_cart_add")[v_persona]))
    c_session = vs[cart]
    multi = rng.random(len(cart)) < P.param("p_multi_quantity")[v_persona[cart]]
    quantity = 1 + multi * (1 + rng.poisson(0.4, len(cart)))
    c_product = view_product[cart]

    # --- checkout, purchase, login, forms ---
    has_cart = np.bincount(c_session, minlength=m) > 0
    checkout = has_cart & (rng.random(m) < P.param("p_checkout")[persona])
    t_checkout = vt[last_view] + (dwell[last_view] * 0.8).astype(np.int64)
    can_buy = plan.can_login | signup
    purchase = checkout & can_buy & (rng.random(m) < P.param("p_purchase")[persona])
    t_purchase = t_checkout + rng.integers(60_000, 300_000, size=m)
    login_t = np.full(m, _NO_TIME, dtype=np.int64)
    form_t = np.full(m, _NO_TIME, dtype=np.int64)
    early = plan.login_early & ~signup
    login_t[early] = vt[first_view[early]] + dwell[first_view[early]] // 2
    second = first_view[signup] + 1
    form_t[signup] = vt[second] + (dwell[second] * 0.7).astype(np.int64)
    login_t[signup] = vt[second] + (dwell[second] * 0.85).astype(np.int64)
    newsletter = plan.form == FORM_NEWSLETTER
    form_t[newsletter] = vt[last_view[newsletter]] + (dwell[last_view[newsletter]] * 0.7).astype(np.int64)
    late = purchase & (login_t == _NO_TIME) & (plan.channel != APP)
    login_t[late] = t_checkout[late] + 20_000
    # App sessions on a device used before are already logged in from the first event.
    app_logged_in = (plan.channel == APP) & ~plan.login_early

    # --- app button taps ---
    taps = np.flatnonzero((plan.channel[vs] == APP) & (rng.random(len(vs)) < 0.15))

    parts = []

    def part(rows_session, t, kind, product=None, quantity_=None, form=None, button=None, view=None):
        k = len(rows_session)
        parts.append(
            dict(
                session=rows_session,
                t_ms=t,
                kind=np.full(k, kind),
                product=np.full(k, -1) if product is None else product,
                quantity=np.zeros(k, dtype=np.int64) if quantity_ is None else quantity_,
                form=np.zeros(k, dtype=np.int64) if form is None else form,
                button=np.full(k, -1) if button is None else button,
                view=np.full(k, -1) if view is None else view,
            )
        )

    part(vs, vt, K_PAGE, product=view_product, view=np.arange(len(vs)))
    part(
        c_session,
        vt[cart] + (dwell[cart] * 0.6).astype(np.int64),
        K_CART,
        product=c_product,
        quantity_=quantity,
    )
    sessions = np.arange(m)
    part(sessions[checkout], t_checkout[checkout], K_CHECKOUT)
    part(sessions[purchase], t_purchase[purchase], K_PURCHASE)
    has_login = login_t != _NO_TIME
    part(sessions[has_login], login_t[has_login], K_LOGIN)
    has_form = form_t != _NO_TIME
    part(sessions[has_form], form_t[has_form], K_FORM, form=plan.form[has_form])
    part(
        vs[taps],
        vt[taps] + (dwell[taps] * 0.3).astype(np.int64),
        K_BUTTON,
        button=rng.integers(len(APP_BUTTONS), size=len(taps)),
    )
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    kind = merged["kind"]
    kind = np.where((kind == K_PAGE) & (merged["product"] >= 0), K_PRODUCT, kind)
    order = np.lexsort((kind, merged["t_ms"], merged["session"]))
    merged = {key: value[order] for key, value in merged.items()}
    kind = kind[order]
    keep = merged["t_ms"] < window.end_ms
    merged = {key: value[keep] for key, value in merged.items()}
    kind = kind[keep]

    s = merged["session"]
    t = merged["t_ms"]
    # The page an event happens on is the latest view before it (every session starts with a view).
    current = np.maximum.accumulate(merged["view"])
    e_page_kind = page_kind[current].copy()
    e_page_arg = page_arg[current].copy()
    e_page_campaign = page_campaign[current].copy()
    e_ref_kind = ref_kind[current].copy()
    e_ref_arg = ref_arg[current].copy()
    e_ref_campaign = ref_campaign[current].copy()
    is_checkout, is_purchase = kind == K_CHECKOUT, kind == K_PURCHASE
    e_ref_kind[is_checkout], e_ref_arg[is_checkout] = (
        page_kind[current][is_checkout],
        page_arg[current][is_checkout],
    )
    e_ref_campaign[is_checkout] = -1
    e_page_kind[is_checkout], e_page_arg[is_checkout], e_page_campaign[is_checkout] = PG_CHECKOUT, -1, -1
    e_ref_kind[is_purchase], e_ref_arg[is_purchase], e_ref_campaign[is_purchase] = PG_CHECKOUT, -1, -1
    e_page_kind[is_purchase], e_page_arg[is_purchase], e_page_campaign[is_purchase] = PG_CONFIRMATION, -1, -1
    price = np.where(merged["product"] >= 0, catalog.price_cents[np.maximum(merged["product"], 0)], 0)
    identified_t = np.minimum(login_t, form_t)
    return EventTable(
        session=s + session_offset,
        person=plan.person[s],
        channel=plan.channel[s],
        t_ms=t,
        kind=kind,
        product=merged["product"],
        quantity=merged["quantity"],
        price_cents=price,
        form=merged["form"],
        button=merged["button"],
        page_kind=e_page_kind,
        page_arg=e_page_arg,
        page_campaign=e_page_campaign,
        ref_kind=e_ref_kind,
        ref_arg=e_ref_arg,
        ref_campaign=e_ref_campaign,
        user_known=app_logged_in[s] | (t >= login_t[s]),
        email_known=app_logged_in[s] | (t >= identified_t[s]),
    )
