"""standardize_contacts on the values CRM exports really contain."""

import pandas as pd
import pytest

from ml.identity.standardize import (
    STANDARDIZED_COLUMNS,
    normalize_birth_date,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_postcode,
    normalize_street,
    standardize_contacts,
)


def values(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def test_names_are_trimmed_lower_case_and_accent_folded():
    raw = pd.Series(["  José ", "MÜLLER", "Anne-Marie", "O'Brien", "Straße", "Łukasz", "ÆSA  Ødegård"])
    assert values(normalize_name(raw)) == [
        "jose",
        "muller",
        "anne marie",
        "obrien",
        "strasse",
        "lukasz",
        "aesa odegard",
    ]


@pytest.mark.parametrize(
    "junk", ["", "   ", "n/a", "N/A", "unknown", "Unknown ", "none", "NULL", "-", "?", "0", "test"]
)
def test_placeholders_and_blanks_become_null(junk):
    assert values(normalize_name(pd.Series([junk]))) == [None]


def test_email_is_normalized_and_split():
    raw = pd.Series(
        [" John.Doe+news@GoogleMail.com ", "ANNA@Example.org", "test@test.com", "not-an-email", "  ", None]
    )
    out = normalize_email(raw)
    assert values(out["email"]) == ["johndoe@gmail.com", None, None, "not-an-email", None, None]
    assert values(out["email_local"]) == ["johndoe", None, None, None, None, None]
    assert values(out["email_domain"]) == ["gmail.com", None, None, None, None, None]


def test_email_plus_tag_is_dropped_but_dots_only_at_gmail():
    out = normalize_email(pd.Series(["j.doe+shop@web.de", "j.doe@gmail.com"]))
    assert values(out["email"]) == ["j.doe@web.de", "jdoe@gmail.com"]


def test_phone_formats_of_one_number_share_the_national_key():
    raw = pd.Series(
        ["+44 (0) 7700 900123", "0044 7700 900123", "07700-900123", "(07700) 900 123", "+447700900123"]
    )
    national = normalize_phone(raw)["phone_national"]
    assert national.nunique() == 1
    assert national.iloc[0] == "700900123"


@pytest.mark.parametrize("junk", ["123", "n/a", "", "0000000000", "1111111", "+49 123456789", None])
def test_short_or_placeholder_phones_become_null(junk):
    out = normalize_phone(pd.Series([junk], dtype="object"))
    assert values(out["phone_national"]) == [None]
    assert values(out["phone_digits"]) == [None]


def test_street_abbreviations_and_punctuation():
    raw = pd.Series(["12 Main St.", "Hauptstr. 5", "Hauptstraße 5", "4 Elm Rd", "  7, Rue de l'Église "])
    assert values(normalize_street(raw)) == [
        "12 main street",
        "hauptstrasse 5",
        "hauptstrasse 5",
        "4 elm road",
        "7 rue de leglise",
    ]


def test_postcodes_lose_case_spaces_and_punctuation():
    raw = pd.Series(["sw1a 1aa", "SW1A-1AA", " 80331 ", "00000", "n/a"])
    assert values(normalize_postcode(raw)) == ["SW1A1AA", "SW1A1AA", "80331", None, None]


def test_birth_dates_parse_iso_and_reject_the_rest():
    raw = pd.Series(["1980-02-29", "1981-02-29", "29.02.1980", "", "1900-01-01", "1975-07-01T00:00:00", None])
    parsed = normalize_birth_date(raw)
    assert [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in parsed] == [
        "1980-02-29",
        None,
        None,
        None,
        None,
        "1975-07-01",
        None,
    ]


def test_standardize_contacts_output_shape_and_missing_columns():
    contacts = pd.DataFrame({"contact_id": [" C1 ", "C2"], "first_name": ["Ann", "n/a"]})
    out = standardize_contacts(contacts)
    assert list(out.columns) == list(STANDARDIZED_COLUMNS)
    assert values(out["contact_id"]) == ["C1", "C2"]
    assert values(out["first_name"]) == ["ann", None]
    assert out["email"].isna().all() and out["birth_date"].isna().all()


def test_mailbox_named_after_the_person_is_flagged():
    contacts = pd.DataFrame(
        {
            "contact_id": ["1", "2", "3", "4"],
            "first_name": ["John", "John", "John", "John"],
            "last_name": ["Smith", "Smith", "Smith", "Smith"],
            "email": ["john.smith@gmail.com", "smithj@web.de", "john.smith84@gmail.com", "jsmith@x.org"],
        }
    )
    assert standardize_contacts(contacts)["email_local_is_name"].tolist() == [True, True, False, True]


def test_contact_id_is_required():
    with pytest.raises(ValueError, match="contact_id"):
        standardize_contacts(pd.DataFrame({"contact_id": ["C1", None]}))
