"""Vectorized cleaning of CRM contacts before probabilistic matching.

Everything here is a pure function of the input frame: no I/O, no randomness, no clock. The output has
one row per input row, in input order, with the columns listed in ``STANDARDIZED_COLUMNS``; every
missing, blank or placeholder value becomes a real null so that Splink's null levels (not its "else"
level) see it. A null that looks like a value ("n/a" matching "n/a") would add false evidence.
"""

from __future__ import annotations

import re

import pandas as pd

CONTACT_COLUMNS = (
    "contact_id",
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

STANDARDIZED_COLUMNS = (
    "contact_id",
    "first_name",
    "last_name",
    "email",
    "email_local",
    "email_domain",
    "email_local_is_name",
    "phone_digits",
    "phone_national",
    "street",
    "street_words",
    "city",
    "postcode",
    "country",
    "birth_date",
)

# Placeholders people and import scripts type when a field is unknown. Compared after lower-casing
# and trimming; a placeholder must never count as agreement between two records.
JUNK_TEXT = frozenset(
    {
        "",
        "-",
        "--",
        ".",
        "?",
        "0",
        "x",
        "xx",
        "xxx",
        "na",
        "n/a",
        "n.a.",
        "none",
        "null",
        "nil",
        "nan",
        "unknown",
        "unbekannt",
        "test",
        "tbd",
        "missing",
        "not provided",
        "no name",
    }
)
JUNK_EMAILS = frozenset(
    {
        "test@test.com",
        "test@example.com",
        "a@a.com",
        "x@x.com",
        "no@email.com",
        "noemail@noemail.com",
        "none@none.com",
        "na@na.com",
        "unknown@unknown.com",
        "email@email.com",
        "noreply@noreply.com",
    }
)
# Whole domains reserved for examples and tests (RFC 2606) never identify a person.
JUNK_EMAIL_DOMAINS = frozenset({"example.com", "example.org", "example.net", "test.com", "invalid"})
# Phone numbers that are typed to get past a mandatory field.
JUNK_PHONE_NATIONAL = frozenset(
    {"123456789", "234567890", "987654321", "000000000", "111111111", "999999999"}
)
# A national significant number has at least this many digits everywhere we ship to.
MIN_PHONE_DIGITS = 7
# The last nine digits are the part of a number that every written form shares: "+44 7700 900123",
# "0044 7700 900123" and "07700 900123" all end in 700900123, whatever the length of the country code
# or whether a trunk 0 was typed. Ten digits would keep the trunk 0 of national forms.
PHONE_KEY_DIGITS = 9

# Letters that Unicode decomposition (NFKD) does not reduce to ASCII.
_FOLD_TABLE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "ı": "i",
    }
)

# Street-type abbreviations, matched as whole words after punctuation is gone. Applied to both sides
# of every comparison, so a rare wrong expansion (a "st" that meant "saint") is harmless.
_STREET_WORDS = {
    "st": "street",
    "str": "strasse",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "cres": "crescent",
    "cct": "circuit",
    "hwy": "highway",
    "pde": "parade",
    "tce": "terrace",
    "blvd": "boulevard",
}
_STREET_WORD_PATTERN = re.compile(r"\b(" + "|".join(sorted(_STREET_WORDS, key=len, reverse=True)) + r")\b")
# German compounds: "hauptstr" is "hauptstrasse"; "str" glued to the end of a word.
_GLUED_STRASSE = re.compile(r"(?<=[a-z])str\b")


def _as_text(values: pd.Series) -> pd.Series:
    """Object-free string series with real nulls, whatever dtype the caller handed in."""
    return values.astype("string")


def _null_junk(values: pd.Series, junk: frozenset[str]) -> pd.Series:
    return values.mask(values.isin(junk))


def fold_accents(values: pd.Series) -> pd.Series:
    """'Müller' -> 'Muller', 'Straße' -> 'Strasse': ASCII letters that compare across spellings."""
    values = _as_text(values).str.translate(_FOLD_TABLE).str.normalize("NFKD")
    return values.str.encode("ascii", errors="ignore").str.decode("ascii").astype("string")


def normalize_text(values: pd.Series) -> pd.Series:
    """Lower case, accents folded, punctuation to spaces, whitespace collapsed; blank or junk -> null."""
    values = _null_junk(fold_accents(values).str.lower().str.strip(), JUNK_TEXT)
    # Apostrophes join ("o'brien" is "obrien"); other punctuation separates ("anne-marie" is two words).
    values = values.str.replace(r"['`´’]", "", regex=True)
    values = values.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    return _null_junk(values, JUNK_TEXT)


def normalize_name(values: pd.Series) -> pd.Series:
    """Person names: ``normalize_text`` plus digits removed (a digit in a name is a keying error)."""
    values = normalize_text(values).str.replace(r"[0-9]+", " ", regex=True)
    values = values.str.replace(r"\s+", " ", regex=True).str.strip()
    return _null_junk(values, JUNK_TEXT)


def normalize_email(values: pd.Series) -> pd.DataFrame:
    """Columns email, email_local, email_domain.

    Case and all whitespace are dropped, a "+tag" in the local part is dropped (plus addressing routes
    to the same mailbox), and dots in Gmail local parts are dropped (Gmail ignores them). A value
    without exactly one "@" keeps its cleaned text in ``email`` (a mistyped address still carries
    evidence for fuzzy comparison) but has no local part or domain.
    """
    email = fold_accents(values).str.lower().str.replace(r"\s+", "", regex=True)
    email = email.str.replace(r"^mailto:", "", regex=True)
    email = _null_junk(email, JUNK_TEXT | JUNK_EMAILS)
    parts = email.str.extract(r"^(?P<local>[^@]+)@(?P<domain>[^@]+)$")
    local = parts["local"].astype("string").str.replace(r"\+.*$", "", regex=True)
    domain = parts["domain"].astype("string").str.strip(".")
    domain = domain.replace({"googlemail.com": "gmail.com"})
    is_gmail = domain.eq("gmail.com").fillna(False)
    local = local.mask(is_gmail, local.str.replace(".", "", regex=False))
    local = local.mask(local.eq("").fillna(False))
    junk_domain = domain.isin(JUNK_EMAIL_DOMAINS)
    rebuilt = (local + "@" + domain).astype("string")
    email = email.mask(rebuilt.notna(), rebuilt).mask(junk_domain)
    return pd.DataFrame(
        {
            "email": email,
            "email_local": local.mask(junk_domain),
            "email_domain": domain.mask(junk_domain),
        },
        index=values.index,
    )


def email_local_is_name(email_local: pd.Series, first_name: pd.Series, last_name: pd.Series) -> pd.Series:
    """True where the mailbox name is only the person's name ("john.smith", "smithj", "jsmith").

    Such a mailbox name says nothing the name comparison has not said already: two different John
    Smiths at two providers both get "john.smith". A digit or any other word makes it specific again.
    """
    handle = email_local.str.replace(r"[._\-]", "", regex=True)
    first = first_name.str.replace(" ", "", regex=False)
    last = last_name.str.replace(" ", "", regex=False)
    spellings = [first + last, last + first, first.str[:1] + last, last + first.str[:1], first + last.str[:1]]
    is_name = pd.Series(False, index=email_local.index)
    for spelling in spellings:
        is_name |= handle.eq(spelling).fillna(False)
    return is_name


def normalize_phone(values: pd.Series) -> pd.DataFrame:
    """Columns phone_digits (every digit typed) and phone_national (the last nine digits).

    The "(0)" that some people write after a country code is a trunk prefix, not part of the number,
    so it is removed before the digits are taken. Numbers with fewer than ``MIN_PHONE_DIGITS`` digits
    and typed placeholders ("123456789", all one digit) become null.
    """
    text = _as_text(values).str.replace(r"\(\s*0\s*\)", "", regex=True)
    digits = text.str.replace(r"\D+", "", regex=True)
    digits = digits.mask(digits.str.len().lt(MIN_PHONE_DIGITS).fillna(True))
    national = digits.str[-PHONE_KEY_DIGITS:]
    one_digit_repeated = national.str.fullmatch(r"(\d)\1*").fillna(False)
    junk = national.isin(JUNK_PHONE_NATIONAL) | one_digit_repeated
    return pd.DataFrame(
        {"phone_digits": digits.mask(junk), "phone_national": national.mask(junk)}, index=values.index
    )


def normalize_street(values: pd.Series) -> pd.Series:
    """'12 Main St.' -> '12 main street', 'Hauptstr. 5' -> 'hauptstrasse 5'."""
    values = normalize_text(values)
    values = values.str.replace(_GLUED_STRASSE, "strasse", regex=True)
    return values.str.replace(_STREET_WORD_PATTERN, lambda m: _STREET_WORDS[m.group(1)], regex=True)


# Words every other street has; two streets sharing only these share nothing.
STREET_TYPE_WORDS = frozenset(_STREET_WORDS.values()) | {"close", "way", "walk", "row", "the", "of"}


def street_words(street: pd.Series) -> pd.Series:
    """The distinct words of a normalized street, street types left out: the basis of word overlap."""

    def words(text: object) -> list[str] | None:
        if not isinstance(text, str):
            return None
        kept = sorted({w for w in text.split(" ") if w not in STREET_TYPE_WORDS})
        return kept or None

    return street.astype(object).map(words)


def normalize_postcode(values: pd.Series) -> pd.Series:
    """Upper case with spaces and punctuation removed: 'sw1a 1aa' and 'SW1A-1AA' are 'SW1A1AA'."""
    values = fold_accents(values).str.upper().str.replace(r"[^A-Z0-9]+", "", regex=True)
    all_zeros = values.str.fullmatch(r"0+").fillna(False)
    return _null_junk(values.mask(all_zeros), frozenset(j.upper() for j in JUNK_TEXT))


def normalize_country(values: pd.Series) -> pd.Series:
    values = fold_accents(values).str.strip().str.upper()
    return _null_junk(values, frozenset(j.upper() for j in JUNK_TEXT))


# Dates before this are typed placeholders ("1900-01-01") or keying errors, not customers' birthdays.
EARLIEST_BIRTH_DATE = pd.Timestamp("1900-01-02")
LATEST_BIRTH_DATE = pd.Timestamp("2100-01-01")


def normalize_birth_date(values: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` text (or dates) to datetime64 at day precision; anything else -> NaT."""
    text = _as_text(values).str.strip().str[:10]
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    in_range = parsed.ge(EARLIEST_BIRTH_DATE) & parsed.lt(LATEST_BIRTH_DATE)
    return parsed.where(in_range).astype("datetime64[s]")


def standardize_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Return the matching view of ``contacts``: the columns of ``STANDARDIZED_COLUMNS``.

    Columns absent from the input are treated as entirely null, so a source with fewer fields (or a
    test fixture) goes through the same code. ``contact_id`` is kept as trimmed text and must be set.
    """
    frame = contacts.reset_index(drop=True)
    empty = pd.Series(pd.NA, index=frame.index, dtype="string")

    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else empty

    contact_id = _as_text(column("contact_id")).str.strip()
    if contact_id.isna().any() or contact_id.eq("").any():
        raise ValueError("every contact needs a contact_id")
    out = pd.DataFrame({"contact_id": contact_id})
    out["first_name"] = normalize_name(column("first_name"))
    out["last_name"] = normalize_name(column("last_name"))
    out = out.join(normalize_email(column("email")))
    out["email_local_is_name"] = email_local_is_name(out["email_local"], out["first_name"], out["last_name"])
    out = out.join(normalize_phone(column("phone")))
    out["street"] = normalize_street(column("street"))
    out["street_words"] = street_words(out["street"])
    out["city"] = normalize_text(column("city"))
    out["postcode"] = normalize_postcode(column("postcode"))
    out["country"] = normalize_country(column("country"))
    out["birth_date"] = normalize_birth_date(column("birth_date"))
    return out[list(STANDARDIZED_COLUMNS)]
