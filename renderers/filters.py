"""Filters templates may use, and the rule that a null value is never printed."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup


class MissingValueError(ValueError):
    """A template printed a value that is None: a nullable field used without a fallback."""


def fallback(value: object, default: object) -> object:
    """``{{ first_name | fallback("there") }}``: the default when the value is null, empty or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return value


def money(value: Decimal | float | int) -> str:
    """A catalog price as shown in emails (the shop sells in euros)."""
    return f"€{value:,.2f}"


def money_html(value: Decimal | float | int) -> Markup:
    """:func:`money` for the HTML part: the euro sign as a reference keeps the HTML ASCII (faster)."""
    return Markup(f"&#8364;{value:,.2f}")


def refuse_none(value: object) -> object:
    """The environments' ``finalize``: Jinja would print None as "None"; in an email it is a missing token."""
    if value is None:
        raise MissingValueError("a template printed a null value: use `| fallback(...)` or an `{% if %}`")
    return value


FILTERS = {"fallback": fallback, "money": money}
HTML_FILTERS = FILTERS | {"money": money_html}
