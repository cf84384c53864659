"""Hidden personas: the behaviour parameters that make segments, RFM and models have something to find.

Each parameter is a rate or probability per persona; :func:`param` returns it as an array indexed by
persona code so the session and ESP generators can look rates up for millions of rows at once.
"""

from __future__ import annotations

import numpy as np

PERSONAS = ("bargain_hunter", "loyal_high_spender", "window_shopper", "lapsed_buyer", "new_visitor")
BARGAIN, LOYAL, WINDOW, LAPSED, NEW = range(len(PERSONAS))


# One value per persona, in PERSONAS order:
#        bargain_hunter, loyal_high_spender, window_shopper, lapsed_buyer, new_visitor
PERSONA_PARAMS: dict[str, tuple[float, float, float, float, float]] = {
    # share of registered customers
    "share": (0.25, 0.12, 0.28, 0.25, 0.10),
    # organic sessions per active day (mean; people vary around it)
    "visits_per_day": (0.18, 0.26, 0.15, 0.03, 0.14),
    # page + product views per session (mean)
    "views_per_session": (7.5, 7.0, 6.5, 4.0, 6.0),
    # share of views that are product pages
    "p_product_view": (0.70, 0.65, 0.60, 0.60, 0.60),
    # cart add per product view
    "p_cart_add": (0.075, 0.110, 0.040, 0.030, 0.070),
    # checkout per session with a cart add
    "p_checkout": (0.45, 0.55, 0.20, 0.15, 0.40),
    # purchase per checkout (lapsed buyers never buy in the window)
    "p_purchase": (0.72, 0.85, 0.30, 0.0, 0.60),
    # position in a category's price range ~ Beta(a, b): a high a means expensive taste
    "price_beta_a": (1.1, 3.0, 1.5, 1.5, 1.5),
    "price_beta_b": (3.5, 1.3, 1.5, 1.5, 1.5),
    # cart adds with a quantity above 1
    "p_multi_quantity": (0.35, 0.25, 0.10, 0.10, 0.15),
    # web sessions that log in early (before any checkout)
    "p_login": (0.55, 0.80, 0.30, 0.40, 0.50),
    # sessions in the app, for people with an app device
    "app_share": (0.40, 0.55, 0.30, 0.15, 0.35),
    # app devices per person (Poisson mean, at most 2)
    "mean_devices": (0.8, 1.1, 0.6, 0.4, 0.7),
    # people who keep coming back to one product (high interest)
    "p_focus_product": (0.30, 0.20, 0.15, 0.05, 0.15),
    # opens per delivered email, clicks per opened email
    "open_rate": (0.38, 0.48, 0.18, 0.06, 0.35),
    "click_rate": (0.35, 0.30, 0.12, 0.10, 0.20),
    # orders per year in the history before the window
    "orders_per_year": (5.0, 10.0, 0.4, 3.0, 0.0),
    # ever opted in to email marketing
    "p_email_opt_in": (0.85, 0.90, 0.55, 0.60, 0.70),
}

# Anonymous visitors (never registered) behave like these personas, with fewer visits.
ANONYMOUS_PERSONA_MIX = {WINDOW: 0.8, BARGAIN: 0.2}
ANONYMOUS_VISIT_FACTOR = 0.5


def param(name: str) -> np.ndarray:
    """One parameter for all personas, indexable by an array of persona codes."""
    return np.array(PERSONA_PARAMS[name], dtype=np.float64)


def persona_shares() -> np.ndarray:
    shares = param("share")
    return shares / shares.sum()
