"""Rendering one planned send (a ``payload_inputs`` row) into a :class:`RenderedEmail`.

A :class:`Renderer` loads and compiles every campaign template once (CSS is inlined into the sources as
they load), works out what is the same for every recipient once (company, links), and then per recipient
only runs the compiled templates over the row. The fields a template sees are the row's columns plus the
ones derived here: ``products``, ``unsubscribe_url``, ``preferences_url``, ``shop_url``, ``company_name``,
``company_address``, ``subject`` and (HTML part) ``preheader``. ``renderers.lint`` checks templates against
exactly this list (:data:`DERIVED_FIELDS`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

from jinja2 import Template, TemplateError, nodes
from jinja2.utils import concat

from renderers.environment import (
    STYLESHEET,
    TemplateFiles,
    html_environment,
    sources_digest,
    text_environment,
    used_sources,
)
from renderers.fragments import RememberedText, inputs_of
from renderers.model import Product, RenderedEmail

PRODUCT_SLOTS = 3
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058


# Field name -> (nullable, attributes of each list item or object: name -> nullable).
DERIVED_FIELDS: dict[str, tuple[bool, dict[str, bool] | None]] = {
    "products": (False, {"id": False, "name": False, "price": False, "url": False, "image_url": True}),
    "unsubscribe_url": (False, None),
    "preferences_url": (False, None),
    "shop_url": (False, None),
    "company_name": (False, None),
    "company_address": (False, None),
    "subject": (False, None),
    "preheader": (False, None),
}


class EmailSettingsLike(Protocol):
    company_name: str
    company_address: str
    unsubscribe_base_url: str
    preferences_url: str


class RenderError(ValueError):
    """A planned send could not be rendered (names the person and template, never the address)."""


@dataclass(frozen=True)
class CompiledCampaign:
    name: str
    html: Template
    text: Template
    preheader: RememberedText
    version: str


_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def single_line(value: str) -> str:
    # Subjects go into a mail header: a line break from data must never start a new header.
    return _LINE_BREAKS.sub(" ", value).strip()


def tidy_text(text: str) -> str:
    """The plain-text part without the blank lines that skipped blocks leave behind."""
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def products_of(row: Mapping[str, object]) -> tuple[Product, ...]:
    """The row's complete product slots, in rank order (a slot without name, price or URL is skipped)."""
    products = []
    for slot in range(1, PRODUCT_SLOTS + 1):
        name, price, url = (
            row[f"product_{slot}_name"],
            row[f"product_{slot}_price"],
            row[f"product_{slot}_url"],
        )
        if name is None or price is None or url is None:
            continue
        products.append(
            Product(row[f"product_{slot}_id"], name, price, url, row[f"product_{slot}_image_url"])
        )
    return tuple(products)  # a tuple: hashable, so blocks can be remembered by it


def unsubscribe_url(base_url: str, token: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}token={quote(token, safe='')}"


def shop_url_from(preferences_url: str) -> str:
    # Settings have no shop address yet: the site the preference center lives on is the shop.
    parts = urlsplit(preferences_url)
    return f"{parts.scheme}://{parts.netloc}/"


class Renderer:
    """Loads and compiles every campaign template once; :meth:`render` turns one row into one email."""

    def __init__(self, email_settings: EmailSettingsLike, templates_dir: Path | None = None):
        self.files = TemplateFiles(templates_dir)
        self.email_settings = email_settings
        self._static = {
            "company_name": email_settings.company_name,
            "company_address": email_settings.company_address,
            "preferences_url": email_settings.preferences_url,
            "shop_url": shop_url_from(email_settings.preferences_url),
        }
        self._html_env = html_environment(self.files, fixed_values=self._static)
        self._text_env = text_environment(self.files, fixed_values=self._static)
        self.campaigns = {name: self._compile(name) for name in self.files.campaign_names()}
        self._subjects: dict[str, RememberedText] = {}

    def _compile(self, name: str) -> CompiledCampaign:
        template_name = f"campaigns/{name}"
        try:
            html = self._html_env.get_template(template_name)
            text = self._text_env.get_template(template_name)
        except TemplateError as error:
            raise RenderError(f"template {name!r} does not compile: {error}") from error
        sources = used_sources(self.files, template_name) + [self.files.root / STYLESHEET]
        return CompiledCampaign(
            name, html, text, self._preheader(template_name, text), sources_digest(self.files.root, sources)
        )

    def _preheader(self, template_name: str, text: Template) -> RememberedText:
        """The campaign's ``{% block preheader %}``, rendered as text, once per distinct input."""
        if "preheader" not in text.blocks:
            raise RenderError(f"{template_name} has no {{% block preheader %}}")
        source, _, _ = self._text_env.loader.get_source(self._text_env, template_name)
        ast = self._text_env.parse(source)
        block = next(b for b in ast.find_all(nodes.Block) if b.name == "preheader")
        render_block = text.blocks["preheader"]

        def render(context: Mapping[str, object]) -> str:
            return single_line(concat(render_block(text.new_context(dict(context)))))

        return RememberedText(render, inputs_of(block.body, self._text_env))

    def _subject(self, subject_line: str) -> RememberedText:
        subject = self._subjects.get(subject_line)
        if subject is None:  # subject lines come from campaign meta: a handful per batch
            template = self._text_env.from_string(subject_line)
            inputs = inputs_of(self._text_env.parse(subject_line).body, self._text_env)
            subject = RememberedText(lambda context: single_line(template.render(context)), inputs)
            self._subjects[subject_line] = subject
        return subject

    def context(self, row: Mapping[str, object]) -> dict[str, object]:
        """Everything a template may use for this row: its columns and the derived fields."""
        return {
            **row,
            **self._static,  # after the row: blocks reading these were rendered with them at compile time
            "products": products_of(row),
            "unsubscribe_url": unsubscribe_url(
                self.email_settings.unsubscribe_base_url, row["unsubscribe_token"]
            ),
        }

    def render(self, row: Mapping[str, object]) -> RenderedEmail:
        campaign = self.campaigns.get(row["template"])
        if campaign is None:
            raise RenderError(f"no template {row['template']!r} in {self.files.root / 'campaigns'}")
        context = self.context(row)
        try:
            context["subject"] = subject = self._subject(row["subject_line"])(context)
            context["preheader"] = preheader = campaign.preheader(context)
            # What Template.render does, minus a copy of the context.
            html = concat(campaign.html.root_render_func(campaign.html.new_context(context)))
            text = tidy_text(concat(campaign.text.root_render_func(campaign.text.new_context(context))))
        except (TemplateError, ValueError, KeyError) as error:
            raise RenderError(
                f"{row['template']} ({row['variant']}) for person {row['person_id']}: {error}"
            ) from error
        url = context["unsubscribe_url"]
        return RenderedEmail(
            to=row["email"],
            subject=subject,
            preheader=preheader,
            html=html,
            text=text,
            campaign=row["campaign"],
            variant=row["variant"],
            template=campaign.name,
            template_version=campaign.version,
            person_id=row["person_id"],
            segment_reason=row["segment_reason"],
            consent_snapshot_id=row["consent_snapshot_id"],
            run_id=row["run_id"],
            unsubscribe_url=url,
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK},
        )
