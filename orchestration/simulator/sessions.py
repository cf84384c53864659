"""Session plans: who visits when, on which channel and identifier, before any event is generated.

Sessions of one person are at least ``MIN_SESSION_GAP_MS`` apart and last at most about an hour, so a
30-minute inactivity rule downstream recovers exactly the true sessions (the app exports no session id).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.clock import OffsetTable, diurnal_times
from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.people import Population
from orchestration.simulator.reference_web import EXTERNAL_REFERRERS, MOBILE_IP_FIRST_OCTETS

MIN_SESSION_GAP_MS = 2 * HOUR_MS
WEB, APP = 0, 1
FORM_NONE, FORM_SIGNUP, FORM_NEWSLETTER = 0, 1, 2
# Cookie choice: the first cookie (main browser) is used most.
_COOKIE_WEIGHTS = np.array([0.7, 0.2, 0.1, 0.15])


@dataclass
class SessionPlan:
    person: np.ndarray
    channel: np.ndarray  # WEB / APP
    start_ms: np.ndarray
    ident: np.ndarray  # cookie index (web) or device index (app)
    ip: np.ndarray  # uint32, web only
    can_login: np.ndarray  # registered and (for new visitors) signed up before this session
    login_early: np.ndarray  # web: logs in after the first page; app: first session on the device
    form: np.ndarray  # FORM_*
    landing_product: np.ndarray  # email click sessions: the product linked, else -1
    landing_category: np.ndarray  # email click sessions: the category linked, else -1
    campaign: np.ndarray  # email click sessions: campaign index (utm_campaign), else -1
    referrer: np.ndarray  # index into EXTERNAL_REFERRERS of the first page, -1 direct / email app

    @property
    def size(self) -> int:
        return len(self.person)

    def take(self, index: np.ndarray) -> SessionPlan:
        return SessionPlan(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(plans: list[SessionPlan]) -> SessionPlan:
        return SessionPlan(
            **{f.name: np.concatenate([getattr(p, f.name) for p in plans]) for f in fields(SessionPlan)}
        )


def gap_filter(person: np.ndarray, start_ms: np.ndarray, blocked: np.ndarray | None = None) -> np.ndarray:
    """Indices (sorted by person, time) of sessions kept so that a person's sessions are well apart.

    ``blocked`` sessions are always kept (they exist already); a free session too close to a neighbour goes.
    """
    blocked = np.zeros(len(person), dtype=bool) if blocked is None else blocked
    keep = np.lexsort((~blocked, start_ms, person))
    while True:  # dropping one session can expose no new conflict, but a far neighbour: repeat until stable
        p, t, b = person[keep], start_ms[keep], blocked[keep]
        same = np.r_[False, p[1:] == p[:-1]]
        close_prev = same & (np.r_[0, np.diff(t)] < MIN_SESSION_GAP_MS)
        close_next = np.r_[close_prev[1:], False]
        drop = ~b & (close_prev | (close_next & np.r_[b[1:], False]))
        if not drop.any():
            return keep
        keep = keep[~drop]


def organic_sessions(
    rng: np.random.Generator, pop: Population, window: Window, offsets: OffsetTable
) -> tuple[SessionPlan, np.ndarray]:
    """Organic visits of everyone, and each new visitor's signup time (-1 for others)."""
    n = pop.size
    persona = pop.persona
    rate = P.param("visits_per_day")[persona] * pop.activity
    rate = np.where(pop.is_registered, rate, rate * P.ANONYMOUS_VISIT_FACTOR)
    is_new = pop.is_registered & (persona == P.NEW)
    first_visit = np.where(
        pop.is_registered & ~is_new, -1, diurnal_times(rng, pop.first_active_ms, pop.country, offsets)
    )
    first_visit = np.where(
        first_visit >= 0, np.clip(first_visit, window.start_ms, window.end_ms - HOUR_MS), -1
    )
    active_from = np.where(first_visit >= 0, first_visit, window.start_ms)
    active_days = (window.end_ms - active_from) / DAY_MS
    n_sessions = rng.poisson(rate * active_days)
    person = np.repeat(np.arange(n), n_sessions)
    t = active_from[person] + (rng.random(len(person)) * (window.end_ms - active_from[person])).astype(
        np.int64
    )
    t = diurnal_times(rng, t, pop.country[person], offsets)
    keep = (t >= active_from[person]) & (t < window.end_ms)
    person, t = person[keep], t[keep]
    # The first visit of new and anonymous visitors is a session of its own.
    firsts = np.flatnonzero(first_visit >= 0)
    person = np.concatenate([firsts, person])
    t = np.concatenate([first_visit[firsts], t])
    blocked = np.r_[np.ones(len(firsts), dtype=bool), np.zeros(len(t) - len(firsts), dtype=bool)]
    order = gap_filter(person, t, blocked)
    person, t = person[order], t[order]

    # New visitors sign up in their first session (40%) or a later one.
    signup_ms = np.full(n, -1, dtype=np.int64)
    counts = np.bincount(person, minlength=n)
    first_row = np.r_[0, np.cumsum(counts)[:-1]]
    signup_row = np.full(n, -1, dtype=np.int64)
    new_people = np.flatnonzero(is_new & (counts > 0))
    # Only sessions starting an hour before the end qualify, so the signup form is inside the window.
    early_enough = np.bincount(person[t < window.end_ms - HOUR_MS], minlength=n)
    later = rng.random(len(new_people)) >= 0.4
    pick = np.where(later, (rng.random(len(new_people)) * early_enough[new_people]).astype(np.int64), 0)
    signup_row[new_people] = first_row[new_people] + pick
    row_in_person = np.arange(len(person)) - first_row[person]
    signup_index = signup_row[person] - first_row[person]
    form = np.where(is_new[person] & (row_in_person == signup_index), FORM_SIGNUP, FORM_NONE)
    can_login = pop.is_registered[person] & ~(is_new[person] & (row_in_person <= signup_index))
    plan = _complete_plan(rng, pop, person, t, can_login, form)
    signup_ms[person[form == FORM_SIGNUP]] = t[form == FORM_SIGNUP]  # refined to the form event later
    return plan, signup_ms


def _complete_plan(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    t: np.ndarray,
    can_login: np.ndarray,
    form: np.ndarray,
) -> SessionPlan:
    m = len(person)
    persona = pop.persona[person]
    has_device = pop.devices[person, 0] >= 0
    channel = np.where(
        has_device & can_login & (form == FORM_NONE) & (rng.random(m) < P.param("app_share")[persona]),
        APP,
        WEB,
    )
    ident = np.where(channel == APP, choose_device(rng, pop, person), choose_cookie(rng, pop, person))
    mobile_octet = np.array(MOBILE_IP_FIRST_OCTETS)[rng.integers(len(MOBILE_IP_FIRST_OCTETS), size=m)]
    mobile_ip = (mobile_octet.astype(np.uint32) << 24) | rng.integers(1, 2**24 - 1, size=m).astype(np.uint32)
    ip = np.where(rng.random(m) < 0.75, pop.home_ip[person], mobile_ip)
    login_early = np.where(
        channel == WEB,
        can_login & (rng.random(m) < P.param("p_login")[persona]),
        first_use_of_device(person, ident, t, channel),
    )
    ref_p = np.array([w for _, w in EXTERNAL_REFERRERS])
    referrer = rng.choice(len(ref_p), size=m, p=ref_p / ref_p.sum())
    none = np.full(m, -1, dtype=np.int64)
    return SessionPlan(
        person, channel, t, ident, ip, can_login, login_early, form, none, none.copy(), none.copy(), referrer
    )


def choose_cookie(rng: np.random.Generator, pop: Population, person: np.ndarray) -> np.ndarray:
    slots = pop.cookies[person]
    weights = np.where(slots >= 0, _COOKIE_WEIGHTS[None, :], 0.0)
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(person)) * cumulative[:, -1]
    slot = (u[:, None] >= cumulative).sum(axis=1)
    return slots[np.arange(len(person)), np.minimum(slot, slots.shape[1] - 1)]


def choose_device(rng: np.random.Generator, pop: Population, person: np.ndarray) -> np.ndarray:
    slots = pop.devices[person]
    count = (slots >= 0).sum(axis=1)
    slot = (rng.random(len(person)) * np.maximum(count, 1)).astype(np.int64)
    return slots[np.arange(len(person)), slot]


def first_use_of_device(
    person: np.ndarray, ident: np.ndarray, t: np.ndarray, channel: np.ndarray
) -> np.ndarray:
    """App sessions that are a person's first on that device: the app asks them to log in once."""
    key_ident = np.where(channel == APP, ident, -1)
    order = np.lexsort((t, key_ident, person))
    p, d = person[order], key_ident[order]
    first = np.r_[True, (p[1:] != p[:-1]) | (d[1:] != d[:-1])]
    result = np.zeros(len(person), dtype=bool)
    result[order] = first & (d >= 0)
    return result


def mark_newsletter_forms(
    rng: np.random.Generator, plan: SessionPlan, candidates: np.ndarray, p_subscribe: float = 0.12
) -> None:
    """Some registered people who are not subscribed fill in the newsletter form in one of their sessions."""
    eligible = np.flatnonzero(
        candidates[plan.person] & plan.can_login & (plan.channel == WEB) & (plan.form == FORM_NONE)
    )
    if len(eligible) == 0:
        return
    # One random eligible session per person: shuffle, then keep the first occurrence of each person.
    shuffled = eligible[rng.permutation(len(eligible))]
    _, first = np.unique(plan.person[shuffled], return_index=True)
    chosen = shuffled[first]
    chosen = chosen[rng.random(len(chosen)) < p_subscribe]
    plan.form[chosen] = FORM_NEWSLETTER
