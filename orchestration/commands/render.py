"""``tailor render``: every planned send of the warehouse, rendered into a published payload batch."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from tqdm import tqdm

from orchestration.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render",
        help="render payload_inputs into JSONL shards + a Parquet manifest under $TAILOR_OUTPUT_DIR/payloads",
        description="A batch is published atomically; re-running it with the same content changes nothing.",
    )
    parser.add_argument("--batch-id", help="default: the run_id of the planned sends")
    parser.add_argument("--campaign", help="only this campaign (needs --batch-id)")
    parser.add_argument("--variant", help="only this variant (needs --batch-id)")
    parser.add_argument("--shard-size", type=int, default=5_000, help="payloads per JSONL shard")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes rendering shards (default: 2 from 20k sends on)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace a published batch whose content differs"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run_render)


def _default_workers(payloads: int) -> int:
    # Two processes pay off only once a batch is large enough to amortize forking (docs/renderers.md).
    return min(2, os.cpu_count() or 1) if payloads >= 20_000 else 1


def run_render(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.payload_inputs import fetch_payload_rows
    from renderers.publish import BatchConflictError, publish_batch
    from renderers.render import Renderer, RenderError

    if (args.campaign or args.variant) and not args.batch_id:
        print("error: a partial batch (--campaign/--variant) needs its own --batch-id", file=sys.stderr)
        return 2
    if not settings.duckdb_path.is_file():
        print(f"error: no warehouse at {settings.duckdb_path} (run `tailor demo` first)", file=sys.stderr)
        return 2
    rows = fetch_payload_rows(settings.duckdb_path, campaign=args.campaign, variant=args.variant)
    if not rows.rows:
        print(
            "nothing to render: payload_inputs has no planned sends"
            + (" for this filter" if args.campaign or args.variant else "")
        )
        return 0
    run_ids = sorted({row[rows.columns.index("run_id")] for row in rows.rows})
    if len(run_ids) > 1 and not args.batch_id:
        print(
            f"error: payload_inputs holds several runs ({', '.join(run_ids)}): pass --batch-id",
            file=sys.stderr,
        )
        return 2
    batch_id = args.batch_id or run_ids[0]
    output_root = settings.output_dir / "payloads"
    workers = args.workers or _default_workers(len(rows))
    try:
        renderer = Renderer(settings.email)
        with tqdm(total=len(rows), unit="email", desc=f"render {batch_id}", disable=args.quiet) as bar:
            batch = publish_batch(
                renderer,
                rows,
                output_root,
                batch_id,
                shard_size=args.shard_size,
                workers=workers,
                overwrite=args.overwrite,
                on_shard_written=lambda _, payloads: bar.update(payloads),
            )
    except (RenderError, BatchConflictError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    campaign_index = rows.columns.index("campaign")
    counts = Counter(row[campaign_index] for row in rows.rows)
    print(f"{batch.status}: {batch.payloads:,} payloads in {batch.shards} shard(s) -> {batch.path}")
    for campaign, count in sorted(counts.items()):
        print(f"  {campaign:32s} {count:>8,}")
    print(f"  digest {batch.digest[:16]}  manifest {batch.path / 'manifest.parquet'}")
    return 0
