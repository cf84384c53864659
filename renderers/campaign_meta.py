"""Campaigns as their dbt models' meta declares them (template, variants with weight and subject).

Read from the dbt manifest rather than the warehouse, so a variant an analyst just added can be previewed
after `tailor parse`, before any build has planned a send of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CAMPAIGN_TAG = "campaign"
CAMPAIGN_PREFIX = "campaign_"  # models are named campaign_<name>; `--campaign win_back` is accepted too


class CampaignMetaError(ValueError):
    """The manifest is missing, or a campaign or variant is not declared in it."""


@dataclass(frozen=True)
class Variant:
    name: str
    weight: float
    subject: str


@dataclass(frozen=True)
class Campaign:
    name: str  # the dbt model name, as in payload_inputs.campaign
    template: str
    is_marketing: bool
    variants: tuple[Variant, ...]
    cadence: str = "nightly"  # hourly campaigns are planned (and rendered) by the hourly runs too

    def variant(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        known = ", ".join(v.name for v in self.variants)
        raise CampaignMetaError(f"campaign {self.name} has no variant {name!r} (variants: {known})")


def read_campaigns(manifest_path: Path) -> dict[str, Campaign]:
    """Every enabled model tagged ``campaign`` of the root project, by name, in name order."""
    if not manifest_path.is_file():
        raise CampaignMetaError(f"no dbt manifest at {manifest_path}: run `tailor parse` (or `make parse`)")
    manifest = json.loads(manifest_path.read_text())
    project = manifest["metadata"].get("project_name")
    campaigns = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != project:
            continue
        if CAMPAIGN_TAG not in node["tags"]:
            continue
        meta = node["config"].get("meta") or node.get("meta") or {}
        variants = tuple(
            Variant(v["name"], float(v["weight"]), v["subject"]) for v in meta.get("variants", [])
        )
        campaigns[node["name"]] = Campaign(
            node["name"],
            meta["template"],
            bool(meta.get("is_marketing", True)),
            variants,
            str(meta.get("cadence", "nightly")),
        )
    return dict(sorted(campaigns.items()))


def find_campaign(campaigns: dict[str, Campaign], name: str) -> Campaign:
    """The campaign called ``name`` or ``campaign_<name>``; a clear error listing the known ones."""
    for candidate in (name, CAMPAIGN_PREFIX + name):
        if candidate in campaigns:
            return campaigns[candidate]
    raise CampaignMetaError(f"no campaign {name!r} in the dbt manifest (campaigns: {', '.join(campaigns)})")
