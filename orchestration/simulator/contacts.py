"""CRM contacts: one primary contact per registered person plus sloppy duplicates, and their daily exports.

The primary contact is the person's oldest; its ``contact_id`` is the ``user_id`` the tracker and app send
after login. Duplicates (about 8% of persons have two contacts, 2% three) were created later, e.g. by a
guest checkout or a call-centre entry, and differ in typos, case, whitespace and formatting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from orchestration.extract.sources import SOURCES
from orchestration.simulator import identities as ids
from orchestration.simulator import personas as P
from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.people import Population
from orchestration.simulator.reference_people import COUNTRIES

CONTACT_COLUMNS = tuple(SOURCES["crm_contacts"].columns)  # the landing contract's header order
TEXT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "street",
    "city",
    "postcode",
    "country",
    "birth_date",
)
YEAR_MS = 365 * DAY_MS


@dataclass
class ContactTable:
    person: np.ndarray
    is_primary: np.ndarray
    created_ms: np.ndarray  # new visitors' primaries: set when they sign up
    updated_ms: np.ndarray  # state at creation / window start
    text: dict[str, list[str]]  # TEXT_FIELDS, one list entry per contact
    opt_in: np.ndarray  # marketing_opt_in as exported
    primary_of: np.ndarray  # per person: primary contact index, -1 for anonymous visitors
    identities: list[ids.Identity]  # per registered person
    contact_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    @property
    def size(self) -> int:
        return len(self.person)

    def assign_ids(self) -> None:
        """``C0000001`` is the oldest contact: ids follow creation time, as a CRM sequence does."""
        order = np.lexsort((np.arange(self.size), self.created_ms))
        contact_ids = np.empty(self.size, dtype=object)
        contact_ids[order] = [f"C{i + 1:07d}" for i in range(self.size)]
        self.contact_ids = contact_ids

    def canonical_email(self, person: int) -> str:
        return self.identities[person].email


@dataclass
class ContactUpdate:
    t_ms: int
    contact: int
    field: str  # a TEXT_FIELDS name, or "marketing_opt_in"
    value: object


def build_contacts(rng: np.random.Generator, pop: Population, window: Window) -> ContactTable:
    n_reg = pop.n_registered
    identities = ids.build_identities(rng, pop.country[:n_reg], pop.partner[:n_reg])
    start = window.start_ms
    persona = pop.persona[:n_reg]
    is_new = persona == P.NEW
    # Existing customers signed up up to six years ago; lapsed buyers long enough ago to have lapsed.
    oldest = start - 6 * YEAR_MS
    latest = np.where(persona == P.LAPSED, start - 300 * DAY_MS, start - DAY_MS)
    created = oldest + (rng.random(n_reg) * (latest - oldest)).astype(np.int64)
    created[is_new] = -1  # set at signup

    # 8% of all customers have 2 contacts, 2% 3; new visitors sign up once, so the others carry it.
    extra = rng.choice(np.array([0, 1, 2]), size=n_reg, p=[0.889, 0.089, 0.022])
    extra[is_new] = 0

    person_col, primary_col, created_col, updated_col = [], [], [], []
    text: dict[str, list[str]] = {f: [] for f in TEXT_FIELDS}
    used = {identity.email: p for p, identity in enumerate(identities)}
    for person in range(n_reg):
        identity = identities[person]
        country_index = int(pop.country[person])
        email = identity.email
        if rng.random() < 0.15:  # typed with a capital letter at signup
            email = email[:1].upper() + email[1:]
        phone = "" if rng.random() < 0.05 else ids.format_phone(rng, country_index, identity.phone_national)
        _append(
            text,
            email,
            identity.first_name,
            identity.last_name,
            phone,
            identity.street,
            identity.city,
            identity.postcode,
            identity.country,
            identity.birth_date,
        )
        person_col.append(person)
        primary_col.append(True)
        created_col.append(int(created[person]))
        touched = rng.random() < 0.4
        updated_col.append(
            int(created[person] + rng.random() * (start - created[person]))
            if touched and created[person] > 0
            else int(created[person])
        )
        for _ in range(int(extra[person])):
            dup_created = int(created[person] + rng.random() * (start - HOUR_MS - created[person]))
            _append(text, *_duplicate_fields(rng, identity, country_index, used, person))
            person_col.append(person)
            primary_col.append(False)
            created_col.append(dup_created)
            updated_col.append(dup_created)

    person_arr = np.array(person_col, dtype=np.int64)
    primary_of = np.full(pop.size, -1, dtype=np.int64)
    is_primary = np.array(primary_col, dtype=bool)
    primary_of[person_arr[is_primary]] = np.flatnonzero(is_primary)
    return ContactTable(
        person_arr,
        is_primary,
        np.array(created_col, dtype=np.int64),
        np.array(updated_col, dtype=np.int64),
        text,
        np.zeros(len(person_col), dtype=bool),
        primary_of,
        identities,
    )


def _append(text: dict[str, list[str]], *values: str) -> None:
    for name, value in zip(TEXT_FIELDS, values, strict=True):
        text[name].append(value)


def _duplicate_fields(
    rng: np.random.Generator, identity: ids.Identity, country_index: int, used: dict[str, int], person: int
) -> tuple[str, ...]:
    first = ids.name_typo(rng, identity.first_name) if rng.random() < 0.4 else identity.first_name
    last = ids.name_typo(rng, identity.last_name) if rng.random() < 0.3 else identity.last_name
    email = ids.email_variant(
        rng, identity.email, identity.first_name, identity.last_name, COUNTRIES[country_index].email_domains
    )
    normalized = email.strip().lower()
    while used.get(normalized, person) != person:  # a different address must not be someone else's
        local, _, domain = normalized.partition("@")
        email = normalized = f"{local}{rng.integers(1, 100)}@{domain}"
    used[normalized] = person
    r = rng.random()
    phone = (
        ids.format_phone(rng, country_index, identity.phone_national)
        if r < 0.6
        else ""
        if r < 0.8
        else ids.format_phone(rng, country_index, identity.phone_national)
    )
    r = rng.random()
    if r < 0.60:
        street, city, code = identity.street, identity.city, identity.postcode
    elif r < 0.85:
        street, city, code = ids.street_variant(rng, identity.street), identity.city, identity.postcode
    else:  # an old address: the person moved
        street, city, code = ids.address(rng, country_index)
    birth = identity.birth_date if rng.random() < 0.7 else ""
    return email, first, last, phone, street, city, code, identity.country, birth


def add_signup_times(contacts: ContactTable, pop: Population, signup_ms: np.ndarray) -> None:
    """New visitors' contacts are created when they submit the signup form (``signup_ms`` per person)."""
    primaries = contacts.primary_of[: pop.n_registered]
    missing = contacts.created_ms[primaries] < 0
    contacts.created_ms[primaries[missing]] = signup_ms[np.flatnonzero(missing)]
    contacts.updated_ms[primaries[missing]] = signup_ms[np.flatnonzero(missing)]


def profile_updates(
    rng: np.random.Generator, contacts: ContactTable, pop: Population, window: Window
) -> list[ContactUpdate]:
    """Moves and new phone numbers of existing customers during the window."""
    updates: list[ContactUpdate] = []
    existing = np.flatnonzero(
        contacts.is_primary & (contacts.created_ms >= 0) & (contacts.created_ms < window.start_ms)
    )
    span = window.end_ms - window.start_ms
    for contact in existing[rng.random(len(existing)) < 0.015]:
        t = int(window.start_ms + rng.random() * span)
        street, city, code = ids.address(rng, int(pop.country[contacts.person[contact]]))
        for name, value in (("street", street), ("city", city), ("postcode", code)):
            updates.append(ContactUpdate(t, int(contact), name, value))
    for contact in existing[rng.random(len(existing)) < 0.01]:
        t = int(window.start_ms + rng.random() * span)
        person = int(contacts.person[contact])
        prefix = COUNTRIES[int(pop.country[person])].mobile_prefixes[0]
        national = prefix + "".join(str(d) for d in rng.integers(0, 10, 10 - len(prefix)))
        updates.append(
            ContactUpdate(t, int(contact), "phone", ids.format_phone(rng, int(pop.country[person]), national))
        )
    return updates


def daily_contact_frames(
    contacts: ContactTable, updates: list[ContactUpdate], window: Window
) -> list[pd.DataFrame]:
    """One frame per day: the first holds every contact existing by its end, later ones the created/updated.

    A contact appears at most once per file, in its state at the end of that day (the export time).
    """
    text = {name: np.array(values, dtype=object) for name, values in contacts.text.items()}
    opt_in = contacts.opt_in.copy()
    updated = contacts.updated_ms.copy()
    by_day: dict[int, list[ContactUpdate]] = {}
    for update in sorted(updates, key=lambda u: (u.t_ms, u.contact, u.field)):
        by_day.setdefault(int((update.t_ms - window.start_ms) // DAY_MS), []).append(update)
    created_day = np.where(contacts.created_ms >= 0, (contacts.created_ms - window.start_ms) // DAY_MS, 10**9)
    frames = []
    for day in range(window.days):
        touched = set()
        for update in by_day.get(day, []):
            if update.field == "marketing_opt_in":
                opt_in[update.contact] = bool(update.value)
            else:
                text[update.field][update.contact] = str(update.value)
            updated[update.contact] = max(updated[update.contact], update.t_ms)
            touched.add(update.contact)
        chosen = created_day <= day if day == 0 else created_day == day
        if touched:
            chosen[np.array(sorted(touched))] = True
        rows = np.flatnonzero(chosen)
        rows = rows[np.argsort(contacts.contact_ids[rows].astype(str), kind="stable")]
        frame = pd.DataFrame({"contact_id": contacts.contact_ids[rows]})
        for name in TEXT_FIELDS:
            frame[name] = text[name][rows]
        frame["created_at"] = contacts.created_ms[rows]
        frame["updated_at"] = updated[rows]
        frame["marketing_opt_in"] = opt_in[rows]
        frames.append(frame[list(CONTACT_COLUMNS)])
    return frames
