"""Generating the simulated world, in the order people and systems react to each other.

Organic sessions produce signups, newsletter forms and abandoned carts; those drive consent and the ESP;
email clicks produce more sessions; all sessions produce orders. Each step draws from its own generator
derived from the seed, so the world is a pure function of the configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.simulator import consent as C
from orchestration.simulator.catalog import Catalog, build_catalog
from orchestration.simulator.clock import OffsetTable
from orchestration.simulator.config import SimulationConfig, Window, derived_rng
from orchestration.simulator.contacts import (
    ContactTable,
    ContactUpdate,
    add_signup_times,
    build_contacts,
    profile_updates,
)
from orchestration.simulator.esp import EspResult, abandoned_carts, simulate_esp
from orchestration.simulator.events import K_FORM, EventTable, generate_events
from orchestration.simulator.orders import OrderTable, combine_orders, history_orders, window_orders
from orchestration.simulator.people import Population, build_population
from orchestration.simulator.sessions import (
    FORM_NEWSLETTER,
    FORM_SIGNUP,
    SessionPlan,
    gap_filter,
    mark_newsletter_forms,
    organic_sessions,
)


@dataclass
class World:
    window: Window
    catalog: Catalog
    offsets: OffsetTable
    pop: Population
    contacts: ContactTable
    signup_ms: np.ndarray  # per person, -1 unless they signed up in the window
    sessions: SessionPlan  # organic sessions first, then email-click sessions
    events: EventTable  # web and app events, session by session
    event_order: np.ndarray  # per event: order index of a purchase, -1 otherwise
    orders: OrderTable  # history and window, ids assigned
    esp: EspResult
    consent: C.ConsentRecords  # history, window changes and ESP unsubscribes
    contact_updates: list[ContactUpdate]


def _form_times(events: EventTable, form: int, n_persons: int) -> np.ndarray:
    times = np.full(n_persons, -1, dtype=np.int64)
    rows = np.flatnonzero((events.kind == K_FORM) & (events.form == form))
    times[events.person[rows]] = events.t_ms[rows]
    return times


def build_world(config: SimulationConfig, advance: Callable[[str], None]) -> World:
    window = Window(config.start_date, config.days)

    def rng(step: str) -> np.random.Generator:
        return derived_rng(config.seed, step)

    catalog = build_catalog(rng("catalog"), config.scale)
    offsets = OffsetTable(window)
    pop = build_population(rng("population"), config.n_customers, config.n_anonymous, window, catalog)
    contacts = build_contacts(rng("contacts"), pop, window)
    consent_history = C.history(rng("consent_history"), pop, contacts, window)
    opted_in_at_start = C.email_state_at(consent_history, pop.size, window.start_ms)
    advance("people")

    organic, _ = organic_sessions(rng("sessions"), pop, window, offsets)
    mark_newsletter_forms(rng("newsletter_forms"), organic, pop.is_registered & ~opted_in_at_start)
    organic_events = generate_events(rng("organic_events"), organic, pop, catalog, window)
    signup_ms = _form_times(organic_events, FORM_SIGNUP, pop.size)
    newsletter_ms = _form_times(organic_events, FORM_NEWSLETTER, pop.size)
    add_signup_times(contacts, pop, signup_ms)
    contacts.assign_ids()
    contacts.opt_in[contacts.primary_of[: pop.n_registered]] = opted_in_at_start[: pop.n_registered]
    advance("organic sessions")

    consent_window = C.window_changes(
        rng("consent_window"), pop, opted_in_at_start, signup_ms, newsletter_ms, window
    )
    timeline = C.EmailTimeline(
        np.zeros(pop.size, dtype=bool), C.ConsentRecords.concat([consent_history, consent_window])
    )
    carts = abandoned_carts(organic_events, pop)
    esp = simulate_esp(rng("esp"), pop, contacts, timeline, signup_ms, carts, catalog, window)
    advance("email")

    # Email clicks become sessions unless the person is already browsing then.
    both = SessionPlan.concat([organic, esp.click_sessions])
    kept = gap_filter(both.person, both.start_ms, np.arange(both.size) < organic.size)
    clicks = esp.click_sessions.take(np.sort(kept[kept >= organic.size]) - organic.size)
    click_events = generate_events(
        rng("click_events"), clicks, pop, catalog, window, session_offset=organic.size
    )
    events = EventTable.concat([organic_events, click_events])
    del organic_events, click_events
    advance("click sessions")

    current_orders, purchase_order = window_orders(rng("order_status"), events, contacts)
    history = history_orders(rng("order_history"), pop, contacts, catalog, window)
    orders, order_index = combine_orders(history, current_orders)
    consent = C.ConsentRecords.concat([consent_history, consent_window, esp.unsubscribes])
    updates = profile_updates(rng("contact_updates"), contacts, pop, window)
    updates += C.contact_opt_in_updates(consent, contacts, window)
    advance("orders")
    return World(
        window=window,
        catalog=catalog,
        offsets=offsets,
        pop=pop,
        contacts=contacts,
        signup_ms=signup_ms,
        sessions=SessionPlan.concat([organic, clicks]),
        events=events,
        event_order=np.where(purchase_order >= 0, order_index[np.maximum(purchase_order, 0)], -1),
        orders=orders,
        esp=esp,
        consent=consent,
        contact_updates=updates,
    )
