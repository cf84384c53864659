"""The Fellegi-Sunter model of a CRM contact: Splink comparisons over standardized columns.

Each comparison lists its levels from most to least specific; Splink assigns a pair to the first level
whose SQL holds. Names are compared as one (first, last) unit because CRM forms swap them often
("Watson, Noah"): comparing first-vs-first and last-vs-last alone would turn a swap into two strong
disagreements.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl

# Jaro-Winkler similarity at which two names count as "the same name, mistyped": 0.9 takes
# "Thedore"/"Theodore" (0.94) and keeps "Anna"/"Anne" (0.88) apart. Short names suffer both ways
# ("Jon"/"Joan" is 0.93, "Mliie"/"Millie" 0.89); the other fields then decide.
NAME_JW = 0.9
EMAIL_JW = 0.88
STREET_JW = 0.9
STREET_WORD_JACCARD = 0.5
CITY_JW = 0.88


def _jw(left: str, right: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({left}, {right}) >= {threshold}"


def _one_edit(left: str, right: str) -> str:
    """At most one typed character wrong, missing, extra, or two swapped (Damerau-Levenshtein <= 1).

    DuckDB's damerau_levenshtein is several times slower than levenshtein, and a swap is levenshtein
    2, so the cheap test runs first and lets only near-equal pairs through to the costly one.
    """
    return f"(levenshtein({left}, {right}) <= 2 and damerau_levenshtein({left}, {right}) <= 1)"


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label)


def name_comparison() -> cl.CustomComparison:
    f_l, f_r, s_l, s_r = "first_name_l", "first_name_r", "last_name_l", "last_name_r"
    any_part_missing = f"({f_l} is null or {f_r} is null or {s_l} is null or {s_r} is null)"
    # Either orientation; SQL three-valued logic makes a comparison with a null part false.
    straight_fuzzy = f"({_jw(f_l, f_r, NAME_JW)} and {_jw(s_l, s_r, NAME_JW)})"
    crossed_fuzzy = f"({_jw(f_l, s_r, NAME_JW)} and {_jw(s_l, f_r, NAME_JW)})"
    some_part_fuzzy = " or ".join(
        _jw(a, b, NAME_JW) for a, b in ((f_l, f_r), (s_l, s_r), (f_l, s_r), (s_l, f_r))
    )
    levels = [
        _level(
            f"({f_l} is null and {s_l} is null) or ({f_r} is null and {s_r} is null)", "no name on a side"
        ).configure(is_null_level=True),
        _level(f"{f_l} = {f_r} and {s_l} = {s_r}", "exact first and last name"),
        _level(f"{f_l} = {s_r} and {s_l} = {f_r}", "first and last name swapped"),
        _level(f"{straight_fuzzy} or {crossed_fuzzy}", f"both names Jaro-Winkler >= {NAME_JW}"),
        _level(f"{any_part_missing} and ({some_part_fuzzy})", "one name agrees, the other is missing"),
        _level(_jw(s_l, s_r, NAME_JW), "last name agrees, first name differs"),
        _level(_jw(f_l, f_r, NAME_JW), "first name agrees, last name differs"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        levels, output_column_name="name", comparison_description="first and last name"
    )


def birth_date_comparison() -> cl.DateOfBirthComparison:
    # Exact, one typed digit off, within a month, a year, ten years: entry errors in dates are mostly
    # one wrong digit or a day/month confusion, which the Levenshtein level catches.
    return cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d")


def email_comparison() -> cl.CustomComparison:
    # A mailbox name that is just the person's name ("john.smith") at two providers is what two
    # different John Smiths look like; it gets a level of its own, ahead of the fuzzy levels that
    # would otherwise count it as strong evidence.
    name_handles_elsewhere = (
        "email_local_is_name_l and email_local_is_name_r and email_domain_l <> email_domain_r"
    )
    levels = [
        cll.NullLevel("email"),
        cll.ExactMatchLevel("email").configure(tf_adjustment_column="email"),
        _level(name_handles_elsewhere, "both mailbox names are the person's name, other domains"),
        _level("email_local_l = email_local_r", "same mailbox name, other domain"),
        _level(_jw("email_l", "email_r", EMAIL_JW), f"email Jaro-Winkler >= {EMAIL_JW}"),
        _level(_jw("email_local_l", "email_local_r", EMAIL_JW), f"mailbox name Jaro-Winkler >= {EMAIL_JW}"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="email", comparison_description="email address")


def phone_comparison() -> cl.CustomComparison:
    levels = [
        cll.NullLevel("phone_national"),
        cll.ExactMatchLevel("phone_national"),
        _level(_one_edit("phone_national_l", "phone_national_r"), "one digit off or two swapped"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="phone", comparison_description="phone number")


def address_comparison() -> cl.CustomComparison:
    """Street, postcode and city as one comparison.

    They are far from independent (a street and postcode pin down the city; two relatives share all
    three), so separate comparisons would add the same evidence up to three times and merge households.
    """
    # Word overlap catches reordered address lines ("chant street durraween" / "durraween chant street")
    # that defeat Jaro-Winkler, which reads the text left to right. street_words holds each contact's
    # distinct words without street types ("street", "road"), so the cheap list_has_any test is false
    # for most pairs and spares them the costly intersection.
    words_l, words_r = "street_words_l", "street_words_r"
    word_jaccard = (
        f"len(list_intersect({words_l}, {words_r})) / len(list_distinct(list_concat({words_l}, {words_r})))"
    )
    street_agrees = (
        f"(street_l = street_r or {_jw('street_l', 'street_r', STREET_JW)}"
        f" or (list_has_any({words_l}, {words_r}) and {word_jaccard} >= {STREET_WORD_JACCARD}))"
    )
    postcode_agrees = f"(postcode_l = postcode_r or {_one_edit('postcode_l', 'postcode_r')})"
    city_agrees = f"(city_l = city_r or {_jw('city_l', 'city_r', CITY_JW)})"
    side_has_no_address = "(street_{s} is null and postcode_{s} is null and city_{s} is null)"
    levels = [
        _level(
            f"{side_has_no_address.format(s='l')} or {side_has_no_address.format(s='r')}",
            "no address on a side",
        ).configure(is_null_level=True),
        # Levels for each combination of parts that agree, so that EM learns how rare each combination
        # is: where the city follows from the postcode, "all three" is no rarer than "street and
        # postcode"; where the parts are independent (FEBRL), it is, and it gets more weight.
        _level(
            "street_l = street_r and postcode_l = postcode_r and city_l = city_r",
            "street, postcode, city exact",
        ),
        _level(f"{street_agrees} and {postcode_agrees} and {city_agrees}", "street, postcode, city agree"),
        _level(f"{street_agrees} and {postcode_agrees}", "street and postcode agree"),
        _level(f"{street_agrees} and {city_agrees}", "street and city agree"),
        _level(f"{postcode_agrees} and {city_agrees}", "postcode and city agree"),
        _level(f"{street_agrees}", "street agrees"),
        _level(f"{postcode_agrees}", "postcode agrees"),
        # Only the city left to compare: a shared "london" says far less than a shared "peterborough".
        _level("city_l = city_r", "same city only").configure(tf_adjustment_column="city"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="address", comparison_description="postal address")


def contact_comparisons() -> list:
    return [
        name_comparison(),
        birth_date_comparison(),
        email_comparison(),
        phone_comparison(),
        address_comparison(),
    ]
