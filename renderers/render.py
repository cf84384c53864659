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
from decimal import Decimal
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

from jinja2 import Template, TemplateError

from renderers.environment import (
    STYLESHEET,
    TemplateFiles,
    html_environment,
    sources_digest,
    text_environment,
    used_sources,
)
from renderers.model import RenderedEmail

PRODUCT_SLOTS = 3
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058


@dataclass(frozen=True, slots=True)
class Product:
    """One recommended product (a complete payload_inputs slot); ``image_url`` may be None."""

    id: str
    name: str
    price: Decimal
    url: str
    image_url: str | None


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
    version: str


_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _single_line(value: str) -> str:
    # Subjects go into a mail header: a line break from data must never start a new header.
    return _LINE_BREAKS.sub(" ", value).strip()


def products_of(row: Mapping[str, object]) -> list[Product]:
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
    return products


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
        self._html_env = html_environment(self.files)
        self._text_env = text_environment(self.files)
        self._static = {
            "company_name": email_settings.company_name,
            "company_address": email_settings.company_address,
            "preferences_url": email_settings.preferences_url,
            "shop_url": shop_url_from(email_settings.preferences_url),
        }
        self.campaigns = {name: self._compile(name) for name in self.files.campaign_names()}
        self._subjects: dict[str, Template] = {}

    def _compile(self, name: str) -> CompiledCampaign:
        template_name = f"campaigns/{name}"
        try:
            html = self._html_env.get_template(template_name)
            text = self._text_env.get_template(template_name)
        except TemplateError as error:
            raise RenderError(f"template {name!r} does not compile: {error}") from error
        sources = used_sources(self.files, template_name) + [self.files.root / STYLESHEET]
        return CompiledCampaign(name, html, text, sources_digest(self.files.root, sources))

    def _subject_template(self, subject_line: str) -> Template:
        template = self._subjects.get(subject_line)
        if template is None:  # subject lines come from campaign meta: a handful per batch
            template = self._subjects[subject_line] = self._text_env.from_string(subject_line)
        return template

    def context(self, row: Mapping[str, object]) -> dict[str, object]:
        """Everything a template may use for this row: its columns and the derived fields."""
        return {
            **self._static,
            **row,
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
            context["subject"] = subject = _single_line(
                self._subject_template(row["subject_line"]).render(context)
            )
            preheader_block = campaign.text.blocks["preheader"]
            context["preheader"] = preheader = _single_line(
                "".join(preheader_block(campaign.text.new_context(context)))
            )
            html = campaign.html.render(context)
            text = _BLANK_LINES.sub("\n\n", campaign.text.render(context)).strip() + "\n"
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
