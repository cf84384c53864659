"""CRM orders and order items: two years of history before the window, and the purchases in it.

In-window orders are exactly the tracker ``purchase`` and app ``in_app_purchase`` events: same order id,
same time, the items being the session's cart adds at the prices shown. History orders are drawn per
persona (loyal high spenders order often and expensively; lapsed buyers stopped at least 120 days ago).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.catalog import Catalog
from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.contacts import YEAR_MS, ContactTable
from orchestration.simulator.events import K_CART, K_PURCHASE, EventTable, choose_products
from orchestration.simulator.people import Population
from orchestration.simulator.sessions import APP

ORDER_STATUSES = ("completed", "cancelled", "refunded")
ORDER_CHANNELS = ("web", "app")
HISTORY_YEARS = 2
LAPSED_QUIET_DAYS = 120
# Extra items per order beyond the first (Poisson mean), per persona code.
_EXTRA_ITEMS = np.array([0.9, 1.2, 0.4, 0.6, 0.5])


@dataclass
class OrderTable:
    person: np.ndarray
    contact: np.ndarray
    t_ms: np.ndarray
    status: np.ndarray  # index into ORDER_STATUSES
    channel: np.ndarray  # index into ORDER_CHANNELS
    item_order: np.ndarray  # order index per item, items grouped by order
    item_product: np.ndarray
    item_quantity: np.ndarray
    item_price_cents: np.ndarray
    order_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    @property
    def size(self) -> int:
        return len(self.person)

    def totals_cents(self) -> np.ndarray:
        return (
            np.bincount(
                self.item_order, weights=self.item_quantity * self.item_price_cents, minlength=self.size
            )
            .round()
            .astype(np.int64)
        )


def _contact_for(
    rng: np.random.Generator, contacts: ContactTable, person: np.ndarray, t_ms: np.ndarray
) -> np.ndarray:
    """Usually the primary contact; sometimes a duplicate that existed by then (a guest checkout, say)."""
    counts = np.bincount(contacts.person, minlength=contacts.primary_of.size)
    primary = contacts.primary_of[person]
    extra = counts[person] - 1
    # Contacts of a person are stored together, primary first.
    slot = 1 + (rng.random(len(person)) * np.maximum(extra, 1)).astype(np.int64)
    candidate = np.where(extra > 0, primary + slot, primary)
    use_dup = (extra > 0) & (rng.random(len(person)) < 0.3) & (contacts.created_ms[candidate] < t_ms)
    return np.where(use_dup, candidate, primary)


def history_orders(
    rng: np.random.Generator, pop: Population, contacts: ContactTable, catalog: Catalog, window: Window
) -> OrderTable:
    n_reg = pop.n_registered
    persona = pop.persona[:n_reg]
    created = contacts.created_ms[contacts.primary_of[:n_reg]]
    start = window.start_ms
    existing = persona != P.NEW
    lo = np.maximum(created, start - HISTORY_YEARS * YEAR_MS)
    hi = np.where(persona == P.LAPSED, start - LAPSED_QUIET_DAYS * DAY_MS, start - HOUR_MS)
    span_years = np.where(existing, np.maximum(hi - lo, 0) / YEAR_MS, 0.0)
    rate = P.param("orders_per_year")[persona] * np.sqrt(pop.activity[:n_reg])
    count = rng.poisson(rate * span_years)
    must_have = existing & np.isin(persona, [P.LAPSED, P.LOYAL]) & (hi > lo)
    count = np.where(must_have, np.maximum(count, 1), count)
    person = np.repeat(np.arange(n_reg), count)
    t = lo[person] + (rng.random(len(person)) * (hi[person] - lo[person])).astype(np.int64)
    n_items = 1 + rng.poisson(_EXTRA_ITEMS[persona[person]])
    item_order = np.repeat(np.arange(len(person)), n_items)
    item_product = choose_products(rng, pop, catalog, person[item_order])
    multi = rng.random(len(item_order)) < P.param("p_multi_quantity")[persona[person[item_order]]]
    quantity = 1 + multi * (1 + rng.poisson(0.4, len(item_order)))
    # Bargain hunters bought much of their history on sale.
    p_sale = np.where(persona[person[item_order]] == P.BARGAIN, 0.5, 0.1)
    on_sale = rng.random(len(item_order)) < p_sale
    price = catalog.price_cents[item_product]
    price = np.where(on_sale, np.round(price * 0.8).astype(np.int64), price)
    has_device = pop.devices[person, 0] >= 0
    channel = np.where(has_device & (rng.random(len(person)) < 0.3), 1, 0)
    status = rng.choice(3, size=len(person), p=[0.90, 0.05, 0.05])
    return OrderTable(
        person,
        _contact_for(rng, contacts, person, t),
        t,
        status,
        channel,
        item_order,
        item_product,
        quantity,
        price,
    )


def window_orders(
    rng: np.random.Generator, events: EventTable, contacts: ContactTable
) -> tuple[OrderTable, np.ndarray]:
    """Orders of the purchase events, and per event the order index (-1 for non-purchases)."""
    purchase = np.flatnonzero(events.kind == K_PURCHASE)
    order_of_session = np.full(int(events.session.max(initial=-1)) + 1, -1, dtype=np.int64)
    order_of_session[events.session[purchase]] = np.arange(len(purchase))
    cart = np.flatnonzero(events.kind == K_CART)
    cart = cart[order_of_session[events.session[cart]] >= 0]
    item_order = order_of_session[events.session[cart]]
    grouped = np.argsort(item_order, kind="stable")
    cart, item_order = cart[grouped], item_order[grouped]
    person = events.person[purchase]
    status = rng.choice(3, size=len(purchase), p=[0.93, 0.05, 0.02])
    table = OrderTable(
        person,
        contacts.primary_of[person],
        events.t_ms[purchase],
        status,
        np.where(events.channel[purchase] == APP, 1, 0),
        item_order,
        events.product[cart],
        events.quantity[cart],
        events.price_cents[cart],
    )
    event_order = np.full(events.size, -1, dtype=np.int64)
    event_order[purchase] = np.arange(len(purchase))
    return table, event_order


def combine_orders(history: OrderTable, current: OrderTable) -> tuple[OrderTable, np.ndarray]:
    """History then window orders, with ids ``O00000001``... in order of time. Returns the window offset map."""
    offset = history.size
    merged = OrderTable(
        np.concatenate([history.person, current.person]),
        np.concatenate([history.contact, current.contact]),
        np.concatenate([history.t_ms, current.t_ms]),
        np.concatenate([history.status, current.status]),
        np.concatenate([history.channel, current.channel]),
        np.concatenate([history.item_order, current.item_order + offset]),
        np.concatenate([history.item_product, current.item_product]),
        np.concatenate([history.item_quantity, current.item_quantity]),
        np.concatenate([history.item_price_cents, current.item_price_cents]),
    )
    order = np.lexsort((np.arange(merged.size), merged.t_ms))
    ids = np.empty(merged.size, dtype=object)
    ids[order] = [f"O{i + 1:08d}" for i in range(merged.size)]
    merged.order_ids = ids
    return merged, np.arange(current.size) + offset
