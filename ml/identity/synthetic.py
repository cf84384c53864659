"""Generated CRM contacts with a known answer key, for benchmarks at sizes no public fixture has.

People get a name from skewed frequency lists (so common names really are common), a birth date, an
email, a phone number and an address. About a third of them appear as two or three contacts, each copy
damaged the way CRM exports are: typos, case and whitespace, swapped first/last name, other phone
formatting, abbreviated street types, blanks, a new email or a move. Households (same surname, address
and often landline, different person) are planted so that precision is tested too.
Everything is drawn from one seeded numpy generator, so a seed gives the same contacts every time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.identity.standardize import CONTACT_COLUMNS


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "oliver george harry noah jack leo arthur muhammad oscar charlie jacob thomas henry william freddie "
    "alfie theo archie joshua james max lucas isaac ethan samuel daniel adam david michael peter paul "
    "john robert richard mark andrew stephen christopher anthony kevin jan lukas felix jonas leon finn "
    "olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya emily poppy ella evie charlotte "
    "sienna daisy willow sophie anna sarah laura emma hannah julia lena marie lea clara maria elena "
    "susan margaret helen karen linda elizabeth jennifer catherine rachel rebecca victoria natalie zoe "
    "chloe jessica lucy amy megan katie holly alice eleanor florence matilda millie ruby scarlett"
)
LAST_NAMES = _words(
    "smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright "
    "walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper "
    "hill ward morris moore clark lee king baker harrison morgan allen james scott phillips watson davis "
    "parker price bennett young griffiths mitchell kelly cook carter richardson bailey collins bell shaw "
    "murphy miller cox richards khan marshall anderson simpson ellis adams singh begum wilkinson foster "
    "chapman powell webb rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills "
    "barnes knight lloyd butler russell barker fisher stevens jenkins dixon fletcher mueller schmidt "
    "schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf schroeder neumann"
)
# Syllables for the long tail of rare surnames that no list covers.
SYLLABLES = _words(
    "ab al an ar be ber bo da del dor ek el en er fa fen gar ha hel in ka kel la lin lo ma mar mer na nor o ra "
    "ren ro sa sel ta ter to u va ven wa win za"
)
STREET_NAMES = _words(
    "high station church park victoria green manor mill school queens kings york west north south "
    "london castle bridge chapel oak elm cedar maple willow meadow orchard spring river lake hill "
    "garden forest sunny rose ash birch linden haupt bahnhof dorf berg"
)
STREET_TYPES = (
    ("street", "st"),
    ("road", "rd"),
    ("avenue", "ave"),
    ("lane", "ln"),
    ("drive", "dr"),
    ("close", "close"),
)
CITIES = _words(
    "london birmingham manchester leeds glasgow liverpool bristol sheffield edinburgh cardiff leicester "
    "nottingham coventry bradford belfast brighton hull plymouth derby southampton york oxford cambridge "
    "norwich exeter bath chester durham lincoln bolton reading"
)
EMAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "hotmail.com",
    "icloud.com",
    "btinternet.com",
    "gmx.de",
    "web.de",
)


def _zipf_choice(
    rng: np.random.Generator, values: tuple[str, ...], size: int, exponent: float = 1.0
) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(values) + 1) ** exponent
    return rng.choice(np.array(values, dtype=object), size=size, p=weights / weights.sum())


def _rare_surnames(rng: np.random.Generator, size: int) -> np.ndarray:
    parts = rng.choice(np.array(SYLLABLES, dtype=object), size=(size, 3))
    return parts[:, 0] + parts[:, 1] + parts[:, 2]


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    last = _zipf_choice(rng, LAST_NAMES, n, 0.8)
    last = np.where(rng.random(n) < 0.35, _rare_surnames(rng, n), last)
    first = _zipf_choice(rng, FIRST_NAMES, n, 0.6)
    days = rng.integers(0, (pd.Timestamp("2006-12-31") - pd.Timestamp("1940-01-01")).days, n)
    birth = (pd.Timestamp("1940-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d").to_numpy()
    number = rng.integers(1, 300, n).astype(str)
    kind = rng.integers(0, len(STREET_TYPES), n)
    street_name = _zipf_choice(rng, STREET_NAMES, n, 0.5)
    street = number + " " + street_name + " " + np.array([STREET_TYPES[k][0] for k in kind], dtype=object)
    city_index = np.minimum(rng.zipf(1.6, n) - 1, len(CITIES) - 1)
    city = np.array(CITIES, dtype=object)[city_index]
    # UK-shaped postcodes: about 20 districts a city, 4,000 unit codes a district.
    outward = "P" + city_index.astype(str) + "D" + rng.integers(1, 21, n).astype(str)
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    inward = (
        rng.integers(0, 10, n).astype(str) + letters[rng.integers(0, 20, n)] + letters[rng.integers(0, 20, n)]
    )
    postcode = outward.astype(object) + " " + inward
    phone = "7" + pd.Series(rng.integers(0, 10**9, n)).astype(str).str.zfill(9).to_numpy()
    handle = np.where(rng.random(n) < 0.5, first + "." + last, first[:] + rng.integers(1, 99, n).astype(str))
    email = pd.Series(handle + "@" + _zipf_choice(rng, EMAIL_DOMAINS, n, 0.7))
    # An address belongs to one person: a second "john.smith@gmail.com" gets a number, as providers do.
    taken = email.duplicated()
    email[taken] = (
        pd.Series(handle)[taken]
        + pd.Series(np.arange(n))[taken].astype(str)
        + "@"
        + email[taken].str.split("@").str[1]
    )
    email = email.to_numpy()
    return pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "birth_date": birth,
            "street": street,
            "street_kind": kind,
            "city": city,
            "postcode": postcode,
            "phone": phone,
            "email": email,
        }
    )


def _plant_households(rng: np.random.Generator, people: pd.DataFrame, share: float) -> pd.DataFrame:
    """Turn a share of people into relatives of the person before them: same surname and address."""
    n = len(people)
    relative = np.flatnonzero(rng.random(n) < share)
    relative = relative[relative > 0]
    head = relative - 1
    for column in ("last_name", "street", "street_kind", "city", "postcode"):
        people.loc[relative, column] = people.loc[head, column].to_numpy()
    shares_landline = rng.random(len(relative)) < 0.5
    people.loc[relative[shares_landline], "phone"] = people.loc[head[shares_landline], "phone"].to_numpy()
    shares_email = rng.random(len(relative)) < 0.1
    people.loc[relative[shares_email], "email"] = people.loc[head[shares_email], "email"].to_numpy()
    return people


def _typo(rng: np.random.Generator, values: pd.Series, rate: float) -> pd.Series:
    """Replace, drop or double one letter in a share of the values."""
    out = values.copy()
    hit = np.flatnonzero((rng.random(len(values)) < rate) & values.notna().to_numpy())
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i, kind, pos, letter in zip(
        hit, rng.integers(0, 3, len(hit)), rng.random(len(hit)), rng.integers(0, 26, len(hit)), strict=True
    ):
        text = out.iat[i]
        if len(text) < 3:
            continue
        p = 1 + int(pos * (len(text) - 1))
        if kind == 0:
            out.iat[i] = text[:p] + letters[letter] + text[p + 1 :]
        elif kind == 1:
            out.iat[i] = text[:p] + text[p + 1 :]
        else:
            out.iat[i] = text[:p] + text[p] + text[p:]
    return out


def _blank(rng: np.random.Generator, values: pd.Series, rate: float) -> pd.Series:
    return values.mask(rng.random(len(values)) < rate)


def _case_and_space(rng: np.random.Generator, values: pd.Series, rate: float) -> pd.Series:
    pick = rng.random(len(values))
    out = values.mask(pick < rate / 2, values.str.upper())
    out = out.mask((pick >= rate / 2) & (pick < rate), " " + values.str.title() + "  ")
    return out.mask(pick >= rate, values.str.title())


def _format_phone(rng: np.random.Generator, national: pd.Series) -> pd.Series:
    style = rng.integers(0, 5, len(national))
    formats = [
        "+44 " + national.str[:4] + " " + national.str[4:],
        "0" + national.str[:4] + " " + national.str[4:],
        "0044-" + national.str[:4] + "-" + national.str[4:],
        "(0" + national.str[:4] + ") " + national.str[4:7] + " " + national.str[7:],
        "+44 (0) " + national,
    ]
    return pd.Series(np.choose(style, [f.to_numpy() for f in formats]), index=national.index)


def _abbreviate_street(rng: np.random.Generator, contacts: pd.DataFrame, rate: float) -> pd.Series:
    street = contacts["street"].copy()
    hit = rng.random(len(street)) < rate
    for kind, (full, short) in enumerate(STREET_TYPES):
        rows = hit & contacts["street_kind"].eq(kind).to_numpy()
        street[rows] = street[rows].str.replace(f" {full}$", f" {short}.", regex=True)
    return street


def _damage_copies(rng: np.random.Generator, copies: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    n = len(copies)
    copies = copies.copy()
    for column in ("first_name", "last_name"):
        copies[column] = _typo(rng, copies[column], 0.15)
    swap = rng.random(n) < 0.04
    copies.loc[swap, ["first_name", "last_name"]] = copies.loc[swap, ["last_name", "first_name"]].to_numpy()
    new_email = rng.random(n) < 0.15
    copies.loc[new_email, "email"] = (
        copies.loc[new_email, "first_name"]
        + rng.integers(100, 999, new_email.sum()).astype(str)
        + "@outlook.com"
    )
    copies["email"] = _typo(rng, copies["email"], 0.05)
    new_phone = rng.random(n) < 0.1
    copies.loc[new_phone, "phone"] = (
        "7" + pd.Series(rng.integers(0, 10**9, new_phone.sum())).astype(str).str.zfill(9).to_numpy()
    )
    moved = rng.random(n) < 0.1
    elsewhere = rng.integers(0, len(people), moved.sum())
    for column in ("street", "street_kind", "city", "postcode"):
        copies.loc[moved, column] = people[column].to_numpy()[elsewhere]
    copies["street"] = _typo(rng, _abbreviate_street(rng, copies, 0.3), 0.05)
    copies["birth_date"] = copies["birth_date"].mask(
        rng.random(n) < 0.03, copies["birth_date"].str[:8] + "01"
    )
    return copies


def generate_contacts(
    people: int, seed: int = 0, duplicate_share: float = 0.3
) -> tuple[pd.DataFrame, pd.Series]:
    """CRM contacts for ``people`` people, and the answer key (contact_id -> person number).

    A share ``duplicate_share`` of the people get one or two extra contacts, so the number of contacts
    is about ``people * (1 + 1.25 * duplicate_share)``.
    """
    rng = np.random.default_rng(seed)
    base = _plant_households(rng, _people(rng, people), share=0.05)
    base["person"] = np.arange(people)
    extra = np.where(rng.random(people) < duplicate_share, np.where(rng.random(people) < 0.25, 2, 1), 0)
    copies = base.loc[np.repeat(np.arange(people), extra)].reset_index(drop=True)
    contacts = pd.concat([base, _damage_copies(rng, copies, base)], ignore_index=True)
    contacts = contacts.sample(frac=1.0, random_state=rng.integers(0, 2**31)).reset_index(drop=True)

    n = len(contacts)
    contacts["contact_id"] = [f"C{i:08d}" for i in range(n)]
    contacts["first_name"] = _case_and_space(rng, contacts["first_name"], 0.3)
    contacts["last_name"] = _case_and_space(rng, contacts["last_name"], 0.3)
    contacts["email"] = contacts["email"].mask(rng.random(n) < 0.2, contacts["email"].str.upper())
    contacts["phone"] = _blank(rng, _format_phone(rng, contacts["phone"]), 0.25)
    contacts["street"] = _blank(rng, contacts["street"].str.title(), 0.1)
    contacts["postcode"] = _blank(rng, contacts["postcode"].str.upper(), 0.1)
    contacts["city"] = _blank(rng, contacts["city"].str.title(), 0.05)
    contacts["birth_date"] = _blank(rng, contacts["birth_date"], 0.15)
    contacts["email"] = _blank(rng, contacts["email"], 0.1)
    contacts["country"] = "GB"
    truth = pd.Series(contacts["person"].to_numpy(), index=contacts["contact_id"].to_numpy(), name="person")
    return contacts[list(CONTACT_COLUMNS)].astype("string"), truth
