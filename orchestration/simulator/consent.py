"""Consent per person and purpose: the history before the window and the changes during it.

Email marketing consent decides who the ESP may mail; the ESP's unsubscribes feed back as opt-outs with
source ``esp_unsubscribe``. Records are kept on the person's primary contact.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.contacts import ContactTable, ContactUpdate
from orchestration.simulator.people import Population

PURPOSES = ("email_marketing", "tracking")
STATUSES = ("opt_in", "opt_out")
SOURCES = ("signup_form", "preference_center", "esp_unsubscribe", "cookie_banner", "crm_import")
EMAIL, TRACKING = 0, 1
OPT_IN, OPT_OUT = 0, 1
SIGNUP_FORM, PREFERENCE_CENTER, ESP_UNSUBSCRIBE, COOKIE_BANNER, CRM_IMPORT = range(5)


@dataclass
class ConsentRecords:
    person: np.ndarray
    t_ms: np.ndarray
    purpose: np.ndarray
    status: np.ndarray
    source: np.ndarray

    @property
    def size(self) -> int:
        return len(self.person)

    @staticmethod
    def build(person, t_ms, purpose, status, source) -> ConsentRecords:
        """Columns may be scalars (one value for all rows)."""
        columns = [
            np.atleast_1d(np.asarray(a, dtype=np.int64)) for a in (person, t_ms, purpose, status, source)
        ]
        return ConsentRecords(*[c.copy() for c in np.broadcast_arrays(*columns)])

    @staticmethod
    def concat(parts: list[ConsentRecords]) -> ConsentRecords:
        return ConsentRecords(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(ConsentRecords)}
        )


def history(
    rng: np.random.Generator, pop: Population, contacts: ContactTable, window: Window
) -> ConsentRecords:
    """Records before the window for customers existing at its start."""
    n_reg = pop.n_registered
    persona = pop.persona[:n_reg]
    created = contacts.created_ms[contacts.primary_of[:n_reg]]
    start = window.start_ms
    existing = np.flatnonzero(persona != P.NEW)
    c = created[existing]
    ever = rng.random(len(existing)) < P.param("p_email_opt_in")[persona[existing]]
    opt_in_t = np.minimum(c + rng.integers(0, 2 * DAY_MS, len(existing)), start - HOUR_MS)
    opt_in_source = np.where(rng.random(len(existing)) < 0.6, SIGNUP_FORM, CRM_IMPORT)
    later_out = ever & (rng.random(len(existing)) < 0.12)
    out_t = opt_in_t + (rng.random(len(existing)) * (start - opt_in_t)).astype(np.int64)
    out_source = np.where(rng.random(len(existing)) < 0.5, PREFERENCE_CENTER, ESP_UNSUBSCRIBE)
    never_out = ~ever & (rng.random(len(existing)) < 0.3)  # an explicit "no" from an old import
    tracking_in = rng.random(len(existing)) < 0.85
    tracking_t = np.minimum(c + 5_000, start - HOUR_MS)
    parts = [
        ConsentRecords.build(existing[ever], opt_in_t[ever], EMAIL, OPT_IN, opt_in_source[ever]),
        ConsentRecords.build(existing[later_out], out_t[later_out], EMAIL, OPT_OUT, out_source[later_out]),
        ConsentRecords.build(existing[never_out], c[never_out], EMAIL, OPT_OUT, CRM_IMPORT),
        ConsentRecords.build(
            existing, tracking_t, TRACKING, np.where(tracking_in, OPT_IN, OPT_OUT), COOKIE_BANNER
        ),
    ]
    return ConsentRecords.concat(parts)


def email_state_at(records: ConsentRecords, n_persons: int, t_ms: int) -> np.ndarray:
    """True where a person's latest email_marketing record before ``t_ms`` is an opt-in."""
    return EmailTimeline(np.zeros(n_persons, dtype=bool), records).opted_in(
        np.arange(n_persons), np.full(n_persons, t_ms, dtype=np.int64)
    )


class EmailTimeline:
    """Email-marketing consent over time: the initial state plus dated changes, queried for many sends."""

    def __init__(self, initial: np.ndarray, records: ConsentRecords):
        self.initial = initial
        email = records.purpose == EMAIL
        self.person = records.person[email]
        self.t_ms = records.t_ms[email]
        self.opt_in = records.status[email] == OPT_IN
        self._index()

    def _index(self) -> None:
        order = np.lexsort((self.t_ms, self.person))
        self.person, self.t_ms, self.opt_in = self.person[order], self.t_ms[order], self.opt_in[order]
        self._keys = self.person.astype(np.int64) * (1 << 42) + self.t_ms

    def add(self, person: np.ndarray, t_ms: np.ndarray, opt_in: bool) -> None:
        self.person = np.concatenate([self.person, person])
        self.t_ms = np.concatenate([self.t_ms, t_ms])
        self.opt_in = np.concatenate([self.opt_in, np.full(len(person), opt_in)])
        self._index()

    def opted_in(self, person: np.ndarray, t_ms: np.ndarray) -> np.ndarray:
        keys = person.astype(np.int64) * (1 << 42) + t_ms
        at = np.searchsorted(self._keys, keys, side="right") - 1
        found = (at >= 0) & (self.person[np.maximum(at, 0)] == person)
        return np.where(found, self.opt_in[np.maximum(at, 0)], self.initial[person])


def window_changes(
    rng: np.random.Generator,
    pop: Population,
    state_at_start: np.ndarray,
    signup_ms: np.ndarray,
    newsletter_ms: np.ndarray,
    window: Window,
) -> ConsentRecords:
    """Consent given or withdrawn during the window outside the ESP: signups, newsletter forms, preferences."""
    n_reg = pop.n_registered
    signups = np.flatnonzero(signup_ms[:n_reg] >= 0)
    wants_email = rng.random(len(signups)) < P.param("p_email_opt_in")[pop.persona[signups]]
    tracking_in = rng.random(len(signups)) < 0.85
    forms = np.flatnonzero(newsletter_ms[:n_reg] >= 0)
    opted = np.flatnonzero(state_at_start[:n_reg])
    leaving = opted[rng.random(len(opted)) < 0.004]
    span = window.end_ms - window.start_ms
    leave_t = window.start_ms + (rng.random(len(leaving)) * span).astype(np.int64)
    existing = np.flatnonzero(pop.persona[:n_reg] != P.NEW)
    toggling = existing[rng.random(len(existing)) < 0.003]
    toggle_t = window.start_ms + (rng.random(len(toggling)) * span).astype(np.int64)
    return ConsentRecords.concat(
        [
            ConsentRecords.build(
                signups[wants_email], signup_ms[signups[wants_email]] + 1_000, EMAIL, OPT_IN, SIGNUP_FORM
            ),
            ConsentRecords.build(
                signups,
                signup_ms[signups] + 2_000,
                TRACKING,
                np.where(tracking_in, OPT_IN, OPT_OUT),
                COOKIE_BANNER,
            ),
            ConsentRecords.build(forms, newsletter_ms[forms] + 1_000, EMAIL, OPT_IN, SIGNUP_FORM),
            ConsentRecords.build(leaving, leave_t, EMAIL, OPT_OUT, PREFERENCE_CENTER),
            ConsentRecords.build(toggling, toggle_t, TRACKING, OPT_OUT, COOKIE_BANNER),
        ]
    )


def contact_opt_in_updates(
    records: ConsentRecords, contacts: ContactTable, window: Window
) -> list[ContactUpdate]:
    """The CRM mirrors email consent in ``marketing_opt_in`` of the primary contact."""
    email = np.flatnonzero(
        (records.purpose == EMAIL) & (records.t_ms >= window.start_ms) & (records.t_ms < window.end_ms)
    )
    return [
        ContactUpdate(
            int(records.t_ms[i]),
            int(contacts.primary_of[records.person[i]]),
            "marketing_opt_in",
            bool(records.status[i] == OPT_IN),
        )
        for i in email
    ]
