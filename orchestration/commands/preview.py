"""``tailor preview``: render real profiles' emails to files, for one person or as a gallery."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.settings import DBT_MANIFEST, Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="render a person's email (or a gallery of one per campaign × variant × segment) to files",
        description="Previews are rendered from real profiles: rows of payload_inputs in the warehouse.",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", help="person_id whose email to render")
    who.add_argument(
        "--gallery", action="store_true", help="one real profile per campaign × variant × segment, as a page"
    )
    parser.add_argument("--campaign", help="campaign (default: the person's planned one)")
    parser.add_argument("--variant", help="variant (default: the planned one, else the campaign's first)")
    parser.add_argument(
        "--out",
        help="folder to write to (default: $TAILOR_OUTPUT_DIR/previews for the gallery, "
        "$TAILOR_OUTPUT_DIR/person_previews/<person> for a person)",
    )
    parser.set_defaults(func=run_preview)


def run_preview(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.campaign_meta import CampaignMetaError
    from renderers.preview import PreviewError
    from renderers.render import RenderError

    if args.gallery and (args.campaign or args.variant):
        print("error: --campaign and --variant go with --person; a gallery shows them all", file=sys.stderr)
        return 2
    try:
        return _gallery(args, settings) if args.gallery else _person(args, settings)
    except (PreviewError, CampaignMetaError, RenderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _person(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.preview import write_preview
    from renderers.preview_source import render_person_email
    from renderers.render import Renderer

    email, preview = render_person_email(
        settings.duckdb_path,
        DBT_MANIFEST,
        Renderer(settings.email),
        args.person,
        campaign=args.campaign,
        variant=args.variant,
    )
    out_dir = Path(args.out) if args.out else settings.output_dir / "person_previews" / args.person
    files = write_preview(email, out_dir.resolve(), preview)
    print(f"{email.campaign} / {email.variant} for {email.person_id}: {email.subject}")
    if preview.note:
        print(f"  note: {preview.note}")
    for label, path in (("html", files.html), ("text", files.text), ("summary", files.summary)):
        print(f"  {label:<8}{path}")
    return 0


def _gallery(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.campaign_meta import read_campaigns
    from renderers.preview import write_gallery
    from renderers.preview_source import read_gallery_rows
    from renderers.render import Renderer

    out_dir = (Path(args.out) if args.out else settings.output_dir / "previews").resolve()
    rows = read_gallery_rows(settings.duckdb_path)
    cards = write_gallery(rows, read_campaigns(DBT_MANIFEST), Renderer(settings.email), out_dir)
    failed = [card for card in cards if card.error is not None]
    print(f"gallery of {len(cards)} previews: {out_dir / 'index.html'}")
    for card in failed:
        print(f"error: {card.campaign} / {card.variant} / {card.segment}: {card.error}", file=sys.stderr)
    return 1 if failed or not cards else 0
