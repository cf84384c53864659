"""The hidden population: personas, home countries, tastes, households, browser cookies and app devices.

Persons ``0 .. n_customers-1`` are CRM customers (registered); the rest are anonymous visitors who never
register. ``person_id`` in the ground truth is the index + 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.simulator import personas as P
from orchestration.simulator.catalog import Catalog, category_weights
from orchestration.simulator.config import HOUR_MS, Window
from orchestration.simulator.reference_people import COUNTRIES
from orchestration.simulator.reference_web import (
    APP_VERSIONS,
    BROWSER_USER_AGENTS,
    EMAIL_CLIENT_USER_AGENTS,
    HOME_IP_FIRST_OCTETS,
)

MAX_COOKIES = 4  # up to 3 own cookies plus one shared by a household partner
MAX_DEVICES = 3
HOUSEHOLD_SHARE = 0.03  # persons living with another simulated person (1.5% of persons are pairs)


@dataclass
class Population:
    persona: np.ndarray  # int, index into personas.PERSONAS
    is_registered: np.ndarray  # bool
    country: np.ndarray  # int, index into COUNTRIES
    favourites: np.ndarray  # (n, 3) category indices, -1 padded
    activity: np.ndarray  # individual multiplier of the persona's visit rate
    first_active_ms: np.ndarray  # window start, or the first visit of new and anonymous visitors
    focus_product: np.ndarray  # a product the person keeps coming back to, -1 if none
    home_ip: np.ndarray  # uint32
    partner: np.ndarray  # household partner person index, -1 if none
    cookies: np.ndarray  # (n, MAX_COOKIES) cookie indices, -1 padded; own cookies first
    devices: np.ndarray  # (n, MAX_DEVICES) device indices, -1 padded
    email_client: np.ndarray  # index into EMAIL_CLIENT_USER_AGENTS
    bad_email: np.ndarray  # bool: the address hard-bounces
    cookie_ids: np.ndarray  # str per cookie (anonymous_id)
    cookie_user_agent: np.ndarray  # index into BROWSER_USER_AGENTS
    cookie_owner: np.ndarray  # person who created the cookie
    device_ids: np.ndarray  # str per device
    device_platform: np.ndarray  # 0 ios, 1 android
    device_app_version: np.ndarray  # str
    device_owner: np.ndarray

    @property
    def size(self) -> int:
        return len(self.persona)

    @property
    def n_registered(self) -> int:
        return int(self.is_registered.sum())

    def timezone_names(self) -> list[str]:
        return [COUNTRIES[c].timezone for c in self.country]


def random_hex(rng: np.random.Generator, n: int, n_bytes: int) -> list[str]:
    blob = rng.integers(0, 256, size=(n, n_bytes), dtype=np.uint8).tobytes().hex()
    width = 2 * n_bytes
    return [blob[i * width : (i + 1) * width] for i in range(n)]


def as_uuid(hex32: str) -> str:
    """A v4-shaped UUID from 32 random hex digits."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _choose_favourites(rng: np.random.Generator, n: int) -> np.ndarray:
    # Gumbel-top-k: weighted sampling without replacement for all persons at once.
    keys = np.log(category_weights())[None, :] + rng.gumbel(size=(n, len(category_weights())))
    ranked = np.argsort(-keys, axis=1)[:, :3]
    k = rng.choice(np.array([1, 2, 3]), size=n, p=[0.35, 0.40, 0.25])
    return np.where(np.arange(3)[None, :] < k[:, None], ranked, -1)


def _pair_households(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    n_pairs = int(round(n * HOUSEHOLD_SHARE / 2))
    chosen = rng.choice(n, size=2 * n_pairs, replace=False)
    return chosen[:n_pairs], chosen[n_pairs:]


def build_population(
    rng: np.random.Generator, n_customers: int, n_anonymous: int, window: Window, catalog: Catalog
) -> Population:
    n = n_customers + n_anonymous
    is_registered = np.arange(n) < n_customers
    persona = np.empty(n, dtype=np.int64)
    persona[:n_customers] = rng.choice(len(P.PERSONAS), size=n_customers, p=P.persona_shares())
    anon_codes = np.array(list(P.ANONYMOUS_PERSONA_MIX))
    anon_p = np.array(list(P.ANONYMOUS_PERSONA_MIX.values()))
    persona[n_customers:] = rng.choice(anon_codes, size=n_anonymous, p=anon_p / anon_p.sum())

    weights = np.array([c.weight for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())
    favourites = _choose_favourites(rng, n)
    activity = rng.gamma(2.0, 0.5, size=n)  # mean 1: some people visit far more often than others

    window_ms = window.end_ms - window.start_ms
    first_active = np.full(n, window.start_ms, dtype=np.int64)
    new_mask = is_registered & (persona == P.NEW)
    first_active[new_mask] = window.start_ms + (rng.random(new_mask.sum()) * 0.85 * window_ms).astype(
        np.int64
    )
    anon_mask = ~is_registered
    first_active[anon_mask] = window.start_ms + (
        rng.random(anon_mask.sum()) * max(window_ms - 2 * HOUR_MS, HOUR_MS)
    ).astype(np.int64)

    # High interest: a product in the first favourite category, at the person's price level.
    has_focus = rng.random(n) < P.param("p_focus_product")[persona]
    position = rng.beta(P.param("price_beta_a")[persona], P.param("price_beta_b")[persona])
    focus = np.where(has_focus, catalog.pick(favourites[:, 0], position), -1)

    octets = np.array(HOME_IP_FIRST_OCTETS)[rng.integers(len(HOME_IP_FIRST_OCTETS), size=n)]
    home_ip = (octets.astype(np.uint32) << 24) | rng.integers(1, 2**24 - 1, size=n).astype(np.uint32)

    # Browser cookies: 1-3 per person, each with its own browser.
    n_cookies = rng.choice(np.array([1, 2, 3]), size=n, p=[0.55, 0.30, 0.15])
    cookie_owner = np.repeat(np.arange(n), n_cookies)
    ua_weights = np.array([u[1] for u in BROWSER_USER_AGENTS])
    cookie_ua = rng.choice(len(BROWSER_USER_AGENTS), size=len(cookie_owner), p=ua_weights / ua_weights.sum())
    cookie_ids = np.array([as_uuid(h) for h in random_hex(rng, len(cookie_owner), 16)], dtype=object)
    cookies = _padded(cookie_owner, n, MAX_COOKIES)

    # App devices: registered people only (the app requires an account), 0-2 each.
    n_devices = np.where(is_registered, np.minimum(rng.poisson(P.param("mean_devices")[persona]), 2), 0)
    device_owner = np.repeat(np.arange(n), n_devices)
    person_platform = (rng.random(n) < 0.45).astype(np.int64)  # 0 ios, 1 android
    device_platform = person_platform[device_owner]
    hexes = random_hex(rng, len(device_owner), 16)
    # iOS vendor ids are upper-case UUIDs, Android ids 16 lower-case hex digits.
    device_ids = np.array(
        [as_uuid(h).upper() if plat == 0 else h[:16] for h, plat in zip(hexes, device_platform, strict=True)],
        dtype=object,
    )
    version_pick = rng.choice(3, size=len(device_owner), p=[0.6, 0.3, 0.1])
    device_app_version = np.array(
        [
            APP_VERSIONS["ios" if plat == 0 else "android"][v]
            for plat, v in zip(device_platform, version_pick, strict=True)
        ],
        dtype=object,
    )
    devices = _padded(device_owner, n, MAX_DEVICES)

    # Households: the partner lives at the same address (same home IP) and shares a cookie or a device.
    partner = np.full(n, -1, dtype=np.int64)
    first, second = _pair_households(rng, n)
    partner[first], partner[second] = second, first
    country[second] = country[first]
    home_ip[second] = home_ip[first]
    share_device = (rng.random(len(first)) < 0.35) & (devices[first, 0] >= 0) & is_registered[second]
    for a, b, by_device in zip(first, second, share_device, strict=True):
        if by_device:
            devices[b, np.argmax(devices[b] < 0)] = devices[a, 0]
        else:
            cookies[b, np.argmax(cookies[b] < 0)] = cookies[a, 0]

    ec_weights = np.array([u[1] for u in EMAIL_CLIENT_USER_AGENTS])
    return Population(
        persona=persona,
        is_registered=is_registered,
        country=country,
        favourites=favourites,
        activity=activity,
        first_active_ms=first_active,
        focus_product=focus,
        home_ip=home_ip,
        partner=partner,
        cookies=cookies,
        devices=devices,
        email_client=rng.choice(len(ec_weights), size=n, p=ec_weights / ec_weights.sum()),
        bad_email=is_registered & (rng.random(n) < 0.02),
        cookie_ids=cookie_ids,
        cookie_user_agent=cookie_ua,
        cookie_owner=cookie_owner,
        device_ids=device_ids,
        device_platform=device_platform,
        device_app_version=device_app_version,
        device_owner=device_owner,
    )


def _padded(owner: np.ndarray, n: int, width: int) -> np.ndarray:
    """Owner-sorted item indices as an (n, width) table, -1 padded."""
    table = np.full((n, width), -1, dtype=np.int64)
    counts = np.bincount(owner, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(owner)) - starts[owner]
    table[owner, slot] = np.arange(len(owner))
    return table
