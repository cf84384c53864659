"""The email service provider: campaigns, sends and what recipients do with them.

Newsletters go out every three days at 07:00 UTC, a win-back to lapsed buyers once, and triggered mails
(welcome after signup, cart reminder three hours after an abandoned cart of a known visitor). A send goes
only to a person opted in to email marketing at that moment and not suppressed (hard bounce, complaint).

Sends are processed per person in time order, vectorized across people: the k-th candidate send of every
person in one step. A person's unsubscribe can only affect their own later sends, so this is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.consent import EMAIL, ESP_UNSUBSCRIBE, OPT_OUT, ConsentRecords, EmailTimeline
from orchestration.simulator.contacts import ContactTable
from orchestration.simulator.events import (
    K_CART,
    K_PURCHASE,
    PG_CATEGORY,
    PG_HOME,
    PG_PRODUCT,
    EventTable,
    choose_categories,
    choose_products,
)
from orchestration.simulator.people import Population
from orchestration.simulator.reference_web import GMAIL_CLIENT, REFERRER_URLS
from orchestration.simulator.sessions import FORM_NONE, WEB, SessionPlan, choose_cookie

SENT, DELIVERED, OPEN, CLICK, BOUNCE, UNSUBSCRIBE, SPAM = range(7)  # indices into ESP_EVENT_TYPES
NO_BOUNCE, HARD, SOFT = 0, 1, 2
NEWSLETTER, WINBACK, WELCOME, CART_REMINDER = range(4)
_OPEN_FACTOR = np.array([1.0, 0.8, 1.5, 1.3])
_CLICK_FACTOR = np.array([1.0, 1.2, 1.3, 1.8])
_NO_SUPPRESSION = np.iinfo(np.int64).max


@dataclass
class EspEvents:
    person: np.ndarray
    t_ms: np.ndarray
    kind: np.ndarray
    campaign: np.ndarray
    send: np.ndarray  # one message per send: events of a send share its message_id
    link_kind: np.ndarray  # page kind of a click's URL, -1 otherwise
    link_arg: np.ndarray
    bounce: np.ndarray

    @property
    def size(self) -> int:
        return len(self.t_ms)


@dataclass
class EspResult:
    events: EspEvents
    campaign_ids: list[str]
    n_sends: int
    unsubscribes: ConsentRecords
    click_sessions: SessionPlan


def abandoned_carts(events: EventTable, pop: Population) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, cart time, product) of sessions whose known visitor added to the cart and did not buy."""
    purchase_sessions = np.unique(events.session[events.kind == K_PURCHASE])
    cart = np.flatnonzero((events.kind == K_CART) & events.user_known & pop.is_registered[events.person])
    cart = cart[~np.isin(events.session[cart], purchase_sessions)]
    _, first = np.unique(events.session[cart], return_index=True)
    cart = cart[first]
    return events.person[cart], events.t_ms[cart], events.product[cart]


def _candidates(window: Window, pop: Population, signup_ms: np.ndarray, carts) -> tuple:
    n_reg = pop.n_registered
    people, times, kinds, campaign, link_arg, names = [], [], [], [], [], []
    registered = np.arange(n_reg)
    for day in range(1, window.days, 3):
        names.append(f"NL-{window.day_label(day).replace('-', '')}")
        people.append(registered)
        times.append(np.full(n_reg, window.start_ms + day * DAY_MS + 7 * HOUR_MS))
        kinds.append(np.full(n_reg, NEWSLETTER))
        campaign.append(np.full(n_reg, len(names) - 1))
        link_arg.append(np.full(n_reg, -1))
    if window.days >= 10:
        names.append(f"WB-{window.day_label(9).replace('-', '')}")
        lapsed = registered[pop.persona[:n_reg] == P.LAPSED]
        people.append(lapsed)
        times.append(np.full(len(lapsed), window.start_ms + 9 * DAY_MS + 9 * HOUR_MS))
        kinds.append(np.full(len(lapsed), WINBACK))
        campaign.append(np.full(len(lapsed), len(names) - 1))
        link_arg.append(np.full(len(lapsed), -1))
    names.append("TRG-WELCOME")
    signed = np.flatnonzero(signup_ms >= 0)
    people.append(signed)
    times.append(signup_ms[signed] + 10 * 60_000)
    kinds.append(np.full(len(signed), WELCOME))
    campaign.append(np.full(len(signed), len(names) - 1))
    link_arg.append(np.full(len(signed), -1))
    names.append("TRG-CART")
    cart_person, cart_t, cart_product = carts
    # At most one reminder per person and day.
    _, first = np.unique(cart_person * 1000 + (cart_t - window.start_ms) // DAY_MS, return_index=True)
    people.append(cart_person[first])
    times.append(cart_t[first] + 3 * HOUR_MS)
    kinds.append(np.full(len(first), CART_REMINDER))
    campaign.append(np.full(len(first), len(names) - 1))
    link_arg.append(cart_product[first])
    return (
        np.concatenate(people),
        np.concatenate(times).astype(np.int64),
        np.concatenate(kinds),
        np.concatenate(campaign),
        np.concatenate(link_arg),
        names,
    )


def simulate_esp(
    rng: np.random.Generator,
    pop: Population,
    contacts: ContactTable,
    timeline: EmailTimeline,
    signup_ms: np.ndarray,
    carts,
    catalog,
    window: Window,
) -> EspResult:
    person, t, kind, campaign, link_arg, names = _candidates(window, pop, signup_ms, carts)
    # Newsletter mails leave over 20 minutes, not all in the same second.
    t = t + np.where(kind <= WINBACK, rng.integers(0, 20 * 60_000, len(t)), 0)
    keep = t < window.end_ms
    person, t, kind, campaign, link_arg = person[keep], t[keep], kind[keep], campaign[keep], link_arg[keep]
    order = np.lexsort((t, person))
    person, t, kind, campaign, link_arg = (
        person[order],
        t[order],
        kind[order],
        campaign[order],
        link_arg[order],
    )
    counts = np.bincount(person, minlength=pop.size)
    rank = np.arange(len(person)) - np.r_[0, np.cumsum(counts)[:-1]][person]
    created = contacts.created_ms[contacts.primary_of[np.arange(pop.size)]]
    suppressed_from = np.full(pop.size, _NO_SUPPRESSION, dtype=np.int64)
    out = {k: [] for k in ("person", "t_ms", "kind", "campaign", "send", "link_kind", "link_arg", "bounce")}
    unsub_person, unsub_t, clicks = [], [], []
    n_sends = 0
    for k in range(int(rank.max(initial=-1)) + 1):
        batch = np.flatnonzero(rank == k)
        p, bt = person[batch], t[batch]
        ok = (created[p] >= 0) & (created[p] <= bt) & (bt < suppressed_from[p]) & timeline.opted_in(p, bt)
        batch, p, bt = batch[ok], p[ok], bt[ok]
        send = n_sends + np.arange(len(batch))
        n_sends += len(batch)
        result = _outcomes(
            rng, pop, catalog, p, bt, kind[batch], campaign[batch], link_arg[batch], send, window
        )
        for key in out:
            out[key].append(result[key])
        unsub = result["kind"] == UNSUBSCRIBE
        unsub_person.append(result["person"][unsub])
        unsub_t.append(result["t_ms"][unsub])
        timeline.add(result["person"][unsub], result["t_ms"][unsub], False)
        stop = (result["bounce"] == HARD) | (result["kind"] == SPAM) | unsub
        np.minimum.at(suppressed_from, result["person"][stop], result["t_ms"][stop])
        first_click = (result["kind"] == CLICK) & result["first_click"]
        clicks.append(
            {key: result[key][first_click] for key in ("person", "t_ms", "campaign", "link_kind", "link_arg")}
        )
    merged = {key: np.concatenate(v) if v else np.zeros(0, dtype=np.int64) for key, v in out.items()}
    order = np.lexsort((merged["kind"], merged["send"], merged["t_ms"]))
    events = EspEvents(**{key: merged[key][order] for key in out})
    unsubscribes = ConsentRecords.build(
        np.concatenate(unsub_person or [np.zeros(0)]),
        np.concatenate(unsub_t or [np.zeros(0)]),
        EMAIL,
        OPT_OUT,
        ESP_UNSUBSCRIBE,
    )
    return EspResult(events, names, n_sends, unsubscribes, _click_sessions(rng, pop, clicks, window))


def _outcomes(rng, pop, catalog, person, t, kind, campaign, link_arg, send, window) -> dict[str, np.ndarray]:
    n = len(person)
    persona = pop.persona[person]
    hard = pop.bad_email[person]
    soft = ~hard & (rng.random(n) < 0.015)
    delivered = ~hard & ~soft
    t_delivery = t + rng.integers(1_000, 30_000, n)
    opened = delivered & (
        rng.random(n) < np.minimum(P.param("open_rate")[persona] * _OPEN_FACTOR[kind], 0.95)
    )
    t_open = t_delivery + np.minimum(rng.lognormal(np.log(1.5 * HOUR_MS), 1.2, n), 3 * DAY_MS).astype(
        np.int64
    )
    reopened = opened & (rng.random(n) < 0.25)
    t_reopen = t_open + np.minimum(rng.lognormal(np.log(4 * HOUR_MS), 1.0, n), 2 * DAY_MS).astype(np.int64)
    clicked = opened & (rng.random(n) < np.minimum(P.param("click_rate")[persona] * _CLICK_FACTOR[kind], 0.9))
    t_click = t_open + rng.integers(5_000, 300_000, n)
    p_unsub = np.where(persona == P.LAPSED, 0.03, 0.006)
    unsubscribed = opened & ~clicked & (rng.random(n) < p_unsub)
    t_unsub = t_open + rng.integers(10_000, 200_000, n)
    complained = delivered & ~opened & (rng.random(n) < 0.001)
    t_complaint = t_delivery + rng.integers(HOUR_MS, DAY_MS, n)
    # Where clicks lead: the reminded product, or a personal pick from the mail's product block.
    link_kind = np.where(
        kind == CART_REMINDER,
        PG_PRODUCT,
        np.where(kind == WELCOME, PG_HOME, np.where(rng.random(n) < 0.8, PG_PRODUCT, PG_CATEGORY)),
    )
    picked = np.where(
        link_kind == PG_PRODUCT,
        choose_products(rng, pop, catalog, person),
        choose_categories(rng, pop, person),
    )
    link = np.where(kind == CART_REMINDER, link_arg, np.where(link_kind == PG_HOME, -1, picked))
    rows = [
        (np.ones(n, bool), t, SENT, NO_BOUNCE, False),
        (delivered, t_delivery, DELIVERED, NO_BOUNCE, False),
        (hard, t_delivery, BOUNCE, HARD, False),
        (soft, t_delivery, BOUNCE, SOFT, False),
        (opened, t_open, OPEN, NO_BOUNCE, False),
        (reopened, t_reopen, OPEN, NO_BOUNCE, False),
        (clicked, t_click, CLICK, NO_BOUNCE, True),
        (unsubscribed, t_unsub, UNSUBSCRIBE, NO_BOUNCE, False),
        (complained, t_complaint, SPAM, NO_BOUNCE, False),
    ]
    # A second click on the same link a bit later.
    again = clicked & (rng.random(n) < 0.15)
    rows.append((again, t_click + rng.integers(30_000, 600_000, n), CLICK, NO_BOUNCE, False))
    result = {
        k: []
        for k in (
            "person",
            "t_ms",
            "kind",
            "campaign",
            "send",
            "link_kind",
            "link_arg",
            "bounce",
            "first_click",
        )
    }
    for mask, when, event_kind, bounce, is_first_click in rows:
        mask = mask & (when < window.end_ms)
        m = int(mask.sum())
        is_click = event_kind == CLICK
        result["person"].append(person[mask])
        result["t_ms"].append(when[mask])
        result["kind"].append(np.full(m, event_kind))
        result["campaign"].append(campaign[mask])
        result["send"].append(send[mask])
        result["link_kind"].append(link_kind[mask] if is_click else np.full(m, -1))
        result["link_arg"].append(link[mask] if is_click else np.full(m, -1))
        result["bounce"].append(np.full(m, bounce))
        result["first_click"].append(np.full(m, is_first_click))
    return {k: np.concatenate(v) for k, v in result.items()}


def _click_sessions(
    rng: np.random.Generator, pop: Population, clicks: list[dict], window: Window
) -> SessionPlan:
    """Most first clicks open the shop in the browser a few seconds later."""
    c = {
        key: np.concatenate([part[key] for part in clicks]) if clicks else np.zeros(0, dtype=np.int64)
        for key in ("person", "t_ms", "campaign", "link_kind", "link_arg")
    }
    chosen = rng.random(len(c["person"])) < 0.7
    c = {key: value[chosen] for key, value in c.items()}
    start = c["t_ms"] + rng.integers(2_000, 10_000, len(c["t_ms"]))
    keep = start < window.end_ms
    c = {key: value[keep] for key, value in c.items()}
    start = start[keep]
    person = c["person"]
    m = len(person)
    ip = np.where(
        rng.random(m) < 0.6,
        pop.home_ip[person],
        (np.uint32(46) << np.uint32(24)) | rng.integers(1, 2**24 - 1, size=m).astype(np.uint32),
    )
    webmail = pop.email_client[person] == GMAIL_CLIENT
    referrer = np.where(webmail, len(REFERRER_URLS) - 1, 0)
    return SessionPlan(
        person=person,
        channel=np.full(m, WEB),
        start_ms=start,
        ident=choose_cookie(rng, pop, person),
        ip=ip.astype(np.uint32),
        can_login=np.ones(m, dtype=bool),
        login_early=rng.random(m) < P.param("p_login")[pop.persona[person]],
        form=np.full(m, FORM_NONE),
        landing_product=np.where(c["link_kind"] == PG_PRODUCT, c["link_arg"], -1),
        landing_category=np.where(c["link_kind"] == PG_CATEGORY, c["link_arg"], -1),
        campaign=c["campaign"],
        referrer=referrer,
    )
