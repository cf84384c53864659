"""The sandbox: analyst-edited templates cannot reach Python internals or change the data."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from renderers.environment import TemplateFiles, html_environment, text_environment
from renderers.filters import MissingValueError, fallback
from renderers.model import Product

ATTACKS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__ }}",
    "{{ products.__class__ }}",
    "{{ product.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ products.append(1) }}",  # immutable sandbox: the data cannot be changed
    "{{ ''.format.__self__ }}",
    "{{ '{0.__class__}'.format(product) }}",
]


@pytest.fixture(scope="module")
def environments():
    files = TemplateFiles()
    return html_environment(files), text_environment(files)


@pytest.mark.parametrize("source", ATTACKS)
def test_sandbox_refuses_internals(environments, source):
    context = {"products": [], "product": Product("P1", "Tent", 1, "https://x", None)}
    for environment in environments:
        with pytest.raises((SecurityError, UndefinedError)):
            environment.from_string(source).render(context)


def test_product_fields_are_readable_and_nothing_else(environments):
    product = Product("P1", "Tent", 1, "https://x", None)
    html, _ = environments
    assert html.from_string("{{ product.name }}").render(product=product) == "Tent"
    with pytest.raises(SecurityError):
        html.from_string("{{ product.__slots__ }}").render(product=product)


def test_undefined_names_raise_instead_of_printing_nothing(environments):
    for environment in environments:
        with pytest.raises(UndefinedError):
            environment.from_string("Hi {{ nickname }}").render()


def test_none_is_never_printed(environments):
    for environment in environments:
        with pytest.raises(MissingValueError):
            environment.from_string("Hi {{ first_name }}").render(first_name=None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "there"), ("", "there"), ("  \t", "there"), ("Lena", "Lena"), (" Lena ", " Lena "), (0, 0)],
)
def test_fallback_treats_null_empty_and_blank_alike(value, expected):
    assert fallback(value, "there") == expected


def test_html_environment_escapes_and_text_environment_does_not(environments):
    html, text = environments
    assert html.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    assert text.from_string("{{ x }}").render(x="<b>&") == "<b>&"
    # data is never rendered as a template, in either part
    assert text.from_string("{{ x }}").render(x="{{ 7*7 }}") == "{{ 7*7 }}"
