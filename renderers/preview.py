"""Previews of real profiles' emails: one person's, or a gallery of one per campaign × variant × segment.

Pure: the caller reads the payload rows and the campaigns' meta and hands in a renderer; this module picks
the rows, renders them and writes files. A preview is made from the person's own ``payload_inputs`` row.
When that row is for another campaign or variant than the one asked for, it is re-addressed from the
campaign's meta (campaign, template, variant, subject line); its segment and reason are then cleared,
since they explain a different campaign's choice, and the templates' fallbacks show instead.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from renderers.campaign_meta import Campaign, CampaignMetaError, Variant, find_campaign
from renderers.render import RenderError

if TYPE_CHECKING:
    from renderers.model import RenderedEmail

_SEGMENT_FIELDS = ("segment_name", "segment_reason")
_NO_SEGMENT = "(none)"


class PreviewError(ValueError):
    """What was asked for cannot be previewed; the message says why."""


class EmailRenderer(Protocol):
    def render(self, row: Mapping[str, object]) -> RenderedEmail: ...


@dataclass(frozen=True)
class PreviewRow:
    row: dict
    is_planned: bool  # the person's own planned send, as the warehouse has it
    note: str = ""  # how the row was re-addressed when it is not


def select_preview_row(
    person_rows: Iterable[Mapping[str, object]],
    campaigns: dict[str, Campaign],
    *,
    campaign: str | None = None,
    variant: str | None = None,
) -> PreviewRow:
    """The row to preview for one person: their planned send of ``campaign`` (default: their latest
    planned send), as ``variant`` (default: the planned one, else the campaign's first)."""
    rows = sorted((dict(r) for r in person_rows), key=lambda r: str(r["run_id"]), reverse=True)
    if not rows:
        raise PreviewError("the person has no row in payload_inputs")
    if campaign is None and variant is None:  # the planned send needs no meta (nor a fresh manifest)
        return PreviewRow(rows[0], is_planned=True)
    try:
        target = find_campaign(campaigns, campaign or str(rows[0]["campaign"]))
        own = next((r for r in rows if r["campaign"] == target.name), None)
        if own is not None and variant in (None, own["variant"]):
            return PreviewRow(own, is_planned=True)
        chosen = target.variant(variant) if variant else _first_variant(target)
    except CampaignMetaError as error:
        raise PreviewError(str(error)) from error
    base = own or rows[0]
    note = (
        f"not planned as {target.name} / {chosen.name}: the person's {base['campaign']} / {base['variant']} "
        f"row (run {base['run_id']}) with campaign, template, variant and subject from the campaign's meta"
    )
    return PreviewRow(readdress(base, target, chosen), is_planned=False, note=note)


def readdress(row: Mapping[str, object], campaign: Campaign, variant: Variant) -> dict:
    """``row`` as if planned for ``campaign`` / ``variant``; a segment of another campaign is dropped."""
    readdressed = dict(row) | {
        "campaign": campaign.name,
        "template": campaign.template,
        "variant": variant.name,
        "subject_line": variant.subject,
        "is_marketing": campaign.is_marketing,
    }
    if row["campaign"] != campaign.name:
        readdressed |= dict.fromkeys(_SEGMENT_FIELDS)
    return readdressed


def _first_variant(campaign: Campaign) -> Variant:
    if not campaign.variants:
        raise PreviewError(f"campaign {campaign.name} declares no variants in its meta")
    return campaign.variants[0]


# --- one person's preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewFiles:
    html: Path
    text: Path
    summary: Path  # JSON: subject, preheader, headers, provenance


def write_preview(email: RenderedEmail, out_dir: Path, preview: PreviewRow) -> PreviewFiles:
    """Write the HTML, the text part and a JSON summary as ``<campaign>__<variant>.*`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{_slug(email.campaign)}__{_slug(email.variant)}"
    files = PreviewFiles(out_dir / f"{stem}.html", out_dir / f"{stem}.txt", out_dir / f"{stem}.json")
    _write_atomically(files.html, email.html)
    _write_atomically(files.text, email.text)
    _write_atomically(
        files.summary, json.dumps(preview_summary(email, preview), indent=2, ensure_ascii=False)
    )
    return files


def preview_summary(email: RenderedEmail, preview: PreviewRow) -> dict:
    """What a reviewer checks besides the body. No address: the preview does not need the customer's."""
    return {
        "subject": email.subject,
        "preheader": email.preheader,
        "headers": dict(email.headers),
        "campaign": email.campaign,
        "variant": email.variant,
        "template": email.template,
        "template_version": email.template_version,
        "person_id": email.person_id,
        "segment_name": preview.row.get("segment_name"),
        "segment_reason": email.segment_reason,
        "run_id": email.run_id,
        "consent_snapshot_id": email.consent_snapshot_id,
        "unsubscribe_url": email.unsubscribe_url,
        "is_planned": preview.is_planned,
        "note": preview.note,
    }


# --- the gallery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GalleryCard:
    campaign: str
    variant: str
    segment: str | None
    person_id: str
    note: str
    subject: str = ""
    preheader: str = ""
    html_file: str = ""  # relative to the gallery folder
    text_file: str = ""
    text: str = ""
    error: str | None = None  # the render failed: the card says why instead of showing the email


def gallery_selection(
    rows: Iterable[Mapping[str, object]], campaigns: dict[str, Campaign]
) -> list[tuple[str | None, PreviewRow]]:
    """(segment, row) per campaign × variant × segment the campaign's rows have, the row of the lowest
    person id. A variant without a planned send in a segment borrows that segment's row of another
    variant; a campaign without any planned send borrows the lowest person id's row of any campaign."""
    by_campaign: dict[str, list[dict]] = {}
    for row in sorted((dict(r) for r in rows), key=lambda r: str(r["person_id"])):
        by_campaign.setdefault(str(row["campaign"]), []).append(row)
    anyone = min((r[0] for r in by_campaign.values()), key=lambda r: str(r["person_id"]), default=None)
    selection = []
    for campaign in campaigns.values():
        own_rows = by_campaign.get(campaign.name, [])
        segments = sorted({r["segment_name"] for r in own_rows}, key=lambda s: (s is None, s or ""))
        for variant in campaign.variants:
            if not own_rows and anyone is not None:
                note = f"no planned send of {campaign.name}: {anyone['campaign']}'s row re-addressed"
                selection.append((None, PreviewRow(readdress(anyone, campaign, variant), False, note)))
            for segment in segments:
                in_segment = [r for r in own_rows if r["segment_name"] == segment]
                exact = next((r for r in in_segment if r["variant"] == variant.name), None)
                if exact is not None:
                    selection.append((segment, PreviewRow(exact, is_planned=True)))
                    continue
                note = f"no planned send of this variant in this segment: a {in_segment[0]['variant']} row"
                selection.append(
                    (segment, PreviewRow(readdress(in_segment[0], campaign, variant), False, note))
                )
    return selection


def write_gallery(
    rows: Iterable[Mapping[str, object]],
    campaigns: dict[str, Campaign],
    renderer: EmailRenderer,
    out_dir: Path,
) -> list[GalleryCard]:
    """Render the gallery selection and replace ``out_dir`` with index.html plus one .html and .txt per
    card, in one step: a reader sees the old gallery or the new one, never half of each."""
    cards: list[GalleryCard] = []

    def fill(folder: Path) -> None:
        for segment, preview in gallery_selection(rows, campaigns):
            cards.append(_render_card(segment, preview, renderer, folder))
        (folder / "index.html").write_text(gallery_page(cards), encoding="utf-8")

    _replace_folder(out_dir, fill)
    return cards


def _render_card(
    segment: str | None, preview: PreviewRow, renderer: EmailRenderer, folder: Path
) -> GalleryCard:
    row = preview.row
    card = GalleryCard(
        str(row["campaign"]), str(row["variant"]), segment, str(row["person_id"]), preview.note
    )
    try:
        email = renderer.render(row)
    except RenderError as error:  # one broken template must not hide the other cards: show it on its card
        return _replace(card, error=f"{type(error).__name__}: {error}")
    stem = "__".join(_slug(part) for part in (card.campaign, card.variant, segment or "no_segment"))
    (folder / f"{stem}.html").write_text(email.html, encoding="utf-8")
    (folder / f"{stem}.txt").write_text(email.text, encoding="utf-8")
    return _replace(
        card,
        subject=email.subject,
        preheader=email.preheader,
        html_file=f"{stem}.html",
        text_file=f"{stem}.txt",
        text=email.text,
    )


def _replace(card: GalleryCard, **changes) -> GalleryCard:
    return GalleryCard(**(card.__dict__ | changes))


def gallery_page(cards: list[GalleryCard]) -> str:
    """A static page: one card per campaign × variant × segment, the email in a sandboxed iframe."""
    failed = sum(card.error is not None for card in cards)
    status = f"{len(cards)} previews" + (f", <strong>{failed} failed to render</strong>" if failed else "")
    body = "\n".join(_card_html(card) for card in cards)
    return _PAGE.format(status=status, cards=body)


def _card_html(card: GalleryCard) -> str:
    e = html.escape
    facts = [
        ("Campaign", card.campaign),
        ("Variant", card.variant),
        ("Segment", card.segment or _NO_SEGMENT),
        ("Subject", card.subject),
        ("Preheader", card.preheader),
        ("Person", card.person_id),
    ]
    listing = "".join(
        f"<dt>{e(name)}</dt><dd class='{e(name.lower())}'>{e(value)}</dd>" for name, value in facts
    )
    note = f"<p class='note'>{e(card.note)}</p>" if card.note else ""
    if card.error is not None:
        content = f"<p class='error'>{e(card.error)}</p>"
    else:
        content = (
            f"<iframe src='{e(card.html_file)}' sandbox title='{e(card.campaign)} {e(card.variant)}'></iframe>"
            f"<p><a href='{e(card.html_file)}'>HTML</a> · <a href='{e(card.text_file)}'>text part</a></p>"
            f"<details><summary>Text part</summary><pre>{e(card.text)}</pre></details>"
        )
    data = f"data-campaign='{e(card.campaign)}' data-variant='{e(card.variant)}' data-segment='{e(card.segment or '')}'"
    return f"<article class='card' {data}><h2>{e(card.campaign)} · {e(card.variant)}</h2><dl>{listing}</dl>{note}{content}</article>"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tailor previews</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; background: #f4f4f5; color: #18181b; }}
main {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(660px, 1fr)); gap: 1.5rem; }}
.card {{ background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 3px #0002; }}
.card h2 {{ font-size: 1.05rem; margin: 0 0 .5rem; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0 0 .5rem; font-size: .9rem; }}
dt {{ color: #71717a; }} dd {{ margin: 0; }}
.note {{ font-size: .85rem; color: #92400e; background: #fef3c7; padding: .3rem .5rem; border-radius: 4px; }}
.error {{ color: #991b1b; background: #fee2e2; padding: .5rem; border-radius: 4px; white-space: pre-wrap; }}
iframe {{ width: 100%; height: 720px; border: 1px solid #e4e4e7; border-radius: 4px; }}
pre {{ white-space: pre-wrap; font-size: .85rem; }}
</style></head>
<body><h1>tailor previews</h1><p>{status}, each rendered from a real profile in the warehouse.</p>
<main>
{cards}
</main></body></html>
"""


# --- files ---------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _write_atomically(path: Path, content: str) -> None:
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as f:
        f.write(content)
    os.replace(f.name, path)


def _replace_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a fresh sibling folder, then swap it in by renames. On failure the old folder stays."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        fill(fresh)
        fresh.chmod(0o755)  # mkdtemp makes it private; a gallery is meant to be opened and served
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if not target.exists():
        fresh.rename(target)
        return
    # POSIX cannot rename a folder over a non-empty one: move the old aside first (two renames, no copy).
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    target.rename(old / target.name)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
