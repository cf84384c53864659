"""Hidden personas: the behaviour parameters that make segments, RFM and models have something to find.

Each parameter is a rate or probability per persona; :func:`param` returns it as an array aligned with the
persona codes so the session and ESP generators can look rates up for millions of rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

PERSONAS = ("bargain_hunter", "loyal_high_spender", "window_shopper", "lapsed_buyer", "new_visitor")
BARGAIN, LOYAL, WINDOW, LAPSED, NEW = range(len(PERSONAS))


@dataclass(frozen=True)
class Persona:
    share: float  # of registered customers
    visits_per_day: float  # organic sessions per active day (mean; people vary around it)
    views_per_session: float  # page + product views (mean)
    p_product_view: float  # share of views that are product pages
    p_cart_add: float  # per product view
    p_checkout: float  # per session with a cart add
    p_purchase: float  # per checkout (lapsed buyers never buy in the window)
    price_beta_a: float  # position in a category's price range ~ Beta(a, b): high a = expensive taste
    price_beta_b: float
    p_multi_quantity: float  # cart adds with quantity > 1
    p_login: float  # web sessions that log in early (before any checkout)
    app_share: float  # sessions in the app, for people with an app device
    mean_devices: float  # app devices per person (0-2)
    p_focus_product: float  # people who keep coming back to one product (high interest)
    open_rate: float  # per delivered email
    click_rate: float  # per opened email
    orders_per_year: float  # order history before the window
    p_email_opt_in: float  # ever opted in to email marketing


PERSONA_PARAMS: tuple[Persona, ...] = (
    # bargain_hunter: many views, cheap products, multiple quantities, click on deals.
    Persona(
        0.25, 0.20, 8.0, 0.70, 0.075, 0.45, 0.72, 1.1, 3.5, 0.35, 0.55, 0.30, 0.6, 0.30, 0.38, 0.35, 5.0, 0.85
    ),
    # loyal_high_spender: frequent, logs in, buys expensive products, opens most emails.
    Persona(
        0.12,
        0.28,
        7.0,
        0.65,
        0.110,
        0.55,
        0.85,
        3.0,
        1.3,
        0.25,
        0.80,
        0.45,
        0.9,
        0.20,
        0.48,
        0.30,
        10.0,
        0.90,
    ),
    # window_shopper: browses a lot, rarely buys.
    Persona(
        0.28, 0.16, 7.0, 0.60, 0.040, 0.20, 0.30, 1.5, 1.5, 0.10, 0.30, 0.20, 0.4, 0.15, 0.18, 0.12, 0.4, 0.55
    ),
    # lapsed_buyer: bought before the window, barely visits, does not buy now.
    Persona(
        0.25, 0.03, 4.0, 0.60, 0.030, 0.15, 0.00, 1.5, 1.5, 0.10, 0.40, 0.10, 0.3, 0.05, 0.06, 0.10, 3.0, 0.60
    ),
    # new_visitor: first visit and signup during the window.
    Persona(
        0.10, 0.15, 6.0, 0.60, 0.070, 0.40, 0.60, 1.5, 1.5, 0.15, 0.50, 0.25, 0.4, 0.15, 0.35, 0.20, 0.0, 0.70
    ),
)

# Anonymous visitors (never registered) behave like these personas, with fewer visits.
ANONYMOUS_PERSONA_MIX = {WINDOW: 0.8, BARGAIN: 0.2}
ANONYMOUS_VISIT_FACTOR = 0.5


def param(name: str) -> np.ndarray:
    """One parameter for all personas, indexable by an array of persona codes."""
    if name not in {f.name for f in fields(Persona)}:
        raise KeyError(name)
    return np.array([getattr(p, name) for p in PERSONA_PARAMS], dtype=np.float64)


def persona_shares() -> np.ndarray:
    shares = param("share")
    return shares / shares.sum()
