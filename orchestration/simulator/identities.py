"""Names, addresses, phones and emails of registered persons, and the messy variants duplicates carry.

A person's *identity* is what is true about them; each CRM contact is a (possibly sloppy) copy of it.
Everything here is per person or per contact (~100k at scale 1), so plain Python loops are fast enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from orchestration.simulator.reference_people import (
    COUNTRIES,
    FIRST_NAMES,
    LAST_NAMES,
    NUMBER_FIRST_LANGUAGES,
    STREET_ABBREVIATIONS,
    STREETS,
    TRANSLITERATION,
)

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# For names keep spaces and apostrophes (de Jong, O'Brien); only letters are transliterated.
_NAME_TRANSLITERATION = {k: v for k, v in TRANSLITERATION.items() if chr(k) not in " '"}


@dataclass
class Identity:
    first_name: str
    last_name: str
    email: str  # canonical: lower case, no whitespace
    phone_national: str  # mobile number without trunk prefix, e.g. "1511234567"
    street: str
    city: str
    postcode: str
    country: str  # ISO code
    birth_date: str  # YYYY-MM-DD or ""


def _pick(rng: np.random.Generator, items) -> str:
    return items[int(rng.integers(len(items)))]


def postcode(rng: np.random.Generator, style: str, prefix: str) -> str:
    if style == "digits5":
        return prefix + "".join(str(d) for d in rng.integers(0, 10, 5 - len(prefix)))
    if style == "digits4":
        return prefix + "".join(str(d) for d in rng.integers(0, 10, 4 - len(prefix)))
    if style == "nl":
        return f"{prefix}{rng.integers(10, 100)} {_pick(rng, _LETTERS)}{_pick(rng, _LETTERS)}"
    # gb: outward code + inward code, e.g. "SW1 4AB"
    return f"{prefix}{rng.integers(1, 20)} {rng.integers(1, 10)}{_pick(rng, _LETTERS)}{_pick(rng, _LETTERS)}"


def address(rng: np.random.Generator, country_index: int) -> tuple[str, str, str]:
    country = COUNTRIES[country_index]
    number = str(int(rng.integers(1, 200)))
    if rng.random() < 0.1:
        number += _pick(rng, "abc")
    street_name = _pick(rng, STREETS[country.language])
    street = (
        f"{number} {street_name}" if country.language in NUMBER_FIRST_LANGUAGES else f"{street_name} {number}"
    )
    city, prefix = country.cities[int(rng.integers(len(country.cities)))]
    return street, city, postcode(rng, country.postcode_style, prefix)


def email_local_part(rng: np.random.Generator, first: str, last: str) -> str:
    f = first.translate(TRANSLITERATION).lower()
    last_ascii = last.translate(TRANSLITERATION).lower()
    pattern = rng.random()
    if pattern < 0.45:
        return f"{f}.{last_ascii}"
    if pattern < 0.60:
        return f"{f}{last_ascii}"
    if pattern < 0.72:
        return f"{f[0]}.{last_ascii}"
    if pattern < 0.85:
        return f"{f}_{last_ascii}{rng.integers(60, 100)}"
    return f"{last_ascii}.{f}"


def build_identities(rng: np.random.Generator, country: np.ndarray, partner: np.ndarray) -> list[Identity]:
    """One identity per registered person (``country`` and ``partner`` are per registered person)."""
    identities: list[Identity] = []
    used_emails: set[str] = set()
    earliest = date(1950, 1, 1)
    for person, country_index in enumerate(country):
        c = COUNTRIES[int(country_index)]
        first = _pick(rng, FIRST_NAMES[c.language])
        last = _pick(rng, LAST_NAMES[c.language])
        street, city, code = address(rng, int(country_index))
        mate = int(partner[person])
        if 0 <= mate < person:
            # The second partner of a household: same address, mostly the same last name.
            home = identities[mate]
            street, city, code = home.street, home.city, home.postcode
            if rng.random() < 0.7:
                last = home.last_name
        local = email_local_part(rng, first, last)
        domain = _pick(rng, c.email_domains)
        email = f"{local}@{domain}"
        while email in used_emails:  # two Anna Müllers must not share an address
            email = f"{local}{rng.integers(1, 1000)}@{domain}"
        used_emails.add(email)
        prefix = _pick(rng, c.mobile_prefixes)
        phone = prefix + "".join(str(d) for d in rng.integers(0, 10, 10 - len(prefix)))
        birth = (
            ""
            if rng.random() < 0.12
            else (earliest + timedelta(days=int(rng.integers(0, 58 * 365)))).isoformat()
        )
        identities.append(Identity(first, last, email, phone, street, city, code, c.code, birth))
    return identities


def format_phone(rng: np.random.Generator, country_code_index: int, national: str) -> str:
    """The same number in one of the ways people and systems write phone numbers."""
    c = COUNTRIES[country_code_index]
    cc = c.phone_code
    if cc == "1":  # North America: area code + 7 digits
        area, rest = national[:3], national[3:10]
        return (
            f"({area}) {rest[:3]}-{rest[3:]}",
            f"+1 {area} {rest[:3]} {rest[3:]}",
            f"{area}-{rest[:3]}-{rest[3:]}",
            f"+1{area}{rest}",
        )[int(rng.integers(4))]
    prefix_len = next((len(p) for p in c.mobile_prefixes if national.startswith(p)), 3)
    head, tail = national[:prefix_len], national[prefix_len:]
    styles = (
        f"+{cc} {head} {tail}",
        f"0{head} {tail}",
        f"+{cc}{head}{tail}",
        f"00{cc} {head} {tail}",
        f"0{head}/{tail}",
        f"+{cc} (0){head} {tail}",
        f"(0{head}) {tail[:3]}-{tail[3:]}",
    )
    return styles[int(rng.integers(len(styles)))]


def name_typo(rng: np.random.Generator, name: str) -> str:
    """A realistic slip: swapped, dropped or doubled letter, transliteration, case, stray whitespace."""
    op = int(rng.integers(7))
    if len(name) < 3:
        op = 5
    i = int(rng.integers(1, len(name) - 1)) if len(name) >= 3 else 0
    if op == 0:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == 1:
        return name[:i] + name[i + 1 :]
    if op == 2:
        return name[:i] + name[i] + name[i:]
    if op == 3:
        transliterated = name.translate(_NAME_TRANSLITERATION)  # Müller -> Mueller
        return transliterated if transliterated != name else name.lower()
    if op == 4:
        return name.upper()
    if op == 5:
        return name.lower()
    return f"{name} " if rng.random() < 0.5 else f" {name}"


def email_variant(
    rng: np.random.Generator, email: str, first: str, last: str, domains: tuple[str, ...]
) -> str:
    """Another contact's email for the same person: case, whitespace, or a different address."""
    r = rng.random()
    local, _, domain = email.partition("@")
    if r < 0.35:
        return (
            f"{local[:1].upper()}{local[1:]}@{domain.capitalize()}" if rng.random() < 0.5 else email.upper()
        )
    if r < 0.55:
        return f" {email}" if rng.random() < 0.5 else f"{email} "
    if r < 0.80:
        other = _pick(rng, domains)
        return f"{email_local_part(rng, first, last)}@{other}"
    return email


def street_variant(rng: np.random.Generator, street: str) -> str:
    for long, short in STREET_ABBREVIATIONS:
        if long in street and long != short:
            return street.replace(long, short)
    return street.lower() if rng.random() < 0.5 else street
