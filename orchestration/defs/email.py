"""Emails as assets: one payload batch per campaign, a preview gallery, and the published outbox.

The renderers library does the work (renderers.publish, renderers.preview); these assets only wire it.
Campaigns are read from the dbt manifest when the code location loads, so a new campaign model gets its
payload asset with no edit here. Every asset downstream of ``campaigns/payload_inputs`` runs only after
the dbt tests of the plan passed (blocking checks), so no payload leaves a warehouse that failed them.

Layout under ``$TAILOR_OUTPUT_DIR``:

    payloads/<run_id>__<campaign>/    one published batch (JSONL shards, manifest.parquet, batch.json)
    outbox/<run_id>.json              what the CRM team consumes: every campaign's batch of the run
    previews/index.html               the gallery: one real profile per campaign x variant x segment
"""

import json
import os
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from orchestration.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource, dbt_project
from orchestration.settings import load_settings
from renderers.campaign_meta import Campaign, CampaignMetaError, read_campaigns
from renderers.payload_inputs import fetch_payload_rows
from renderers.preview import write_gallery
from renderers.preview_source import read_gallery_rows
from renderers.publish import MANIFEST, publish_batch
from renderers.render import Renderer

PAYLOAD_INPUTS = dg.AssetKey(["campaigns", "payload_inputs"])
GROUP = "email"


def _campaigns() -> dict[str, Campaign]:
    try:
        return read_campaigns(Path(dbt_project.manifest_path))
    except CampaignMetaError:
        return {}  # no manifest yet: `make parse` builds it; definitions validate says so


def payloads_key(campaign: str) -> dg.AssetKey:
    return dg.AssetKey(["email", "payloads", campaign])


def batch_id_of(run_id: str, campaign: str) -> str:
    return f"{run_id.replace(':', '-')}__{campaign}"


def _output_dir() -> Path:
    return load_settings().output_dir  # read when the asset runs, in the run's environment


def _payload_root() -> Path:
    return _output_dir() / "payloads"


def campaign_payloads(campaign: Campaign) -> dg.AssetsDefinition:
    @dg.asset(
        key=payloads_key(campaign.name),
        deps=[PAYLOAD_INPUTS],
        group_name=GROUP,
        kinds={"python", "jsonl"},
        tags={"tailor/cadence": campaign.cadence},
        pool=DUCKDB_WRITER_POOL,  # reads the DuckDB file: it must not meet a writer
        description=f"Rendered payloads of {campaign.name} (template {campaign.template}) for the latest run.",
    )
    def _payloads(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        rows = fetch_payload_rows(Path(warehouse.duckdb_path), campaign=campaign.name)
        columns = rows.columns
        run_ids = sorted({row[columns.index("run_id")] for row in rows.rows}) if rows.rows else []
        if not run_ids:
            context.log.info(f"{campaign.name}: no planned sends in this run, nothing to render")
            return dg.MaterializeResult(metadata={"payloads": 0})
        if len(run_ids) > 1:
            raise dg.Failure(f"payload_inputs holds several runs for {campaign.name}: {run_ids}")
        batch = publish_batch(
            Renderer(load_settings().email),
            rows,
            _payload_root(),
            batch_id_of(run_ids[0], campaign.name),
            workers=1,  # no fork() inside a run worker that has threads; 13k payloads/s on one core
            overwrite=True,  # a rebuilt plan of the same run replaces its batch (the digest says if it changed)
        )
        variants: dict[str, int] = {}
        for row in rows.rows:
            variant = str(row[columns.index("variant")])
            variants[variant] = variants.get(variant, 0) + 1
        return dg.MaterializeResult(
            metadata={
                "run_id": run_ids[0],
                "payloads": batch.payloads,
                "shards": batch.shards,
                "status": batch.status,
                "digest": batch.digest,
                "batch": dg.MetadataValue.path(str(batch.path)),
                "payloads_by_variant": dg.MetadataValue.json(variants),
            }
        )

    return _payloads


def payloads_reconcile(campaign: Campaign) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=payloads_key(campaign.name), blocking=True, name="payloads_reconcile")
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        """Every planned send of the campaign has exactly one payload in the published batch."""
        rows = fetch_payload_rows(Path(warehouse.duckdb_path), campaign=campaign.name)
        planned = {(r[rows.columns.index("run_id")], r[rows.columns.index("person_id")]) for r in rows.rows}
        run_ids = {run_id for run_id, _ in planned}
        published: set[tuple[str, str]] = set()
        lines = 0
        for run_id in run_ids:
            manifest = _payload_root() / batch_id_of(run_id, campaign.name) / MANIFEST
            if manifest.is_file():
                table = pq.read_table(manifest, columns=["run_id", "person_id"]).to_pylist()
                lines += len(table)
                published |= {(r["run_id"], r["person_id"]) for r in table}
        return dg.AssetCheckResult(
            passed=published == planned and lines == len(planned),
            metadata={
                "planned": len(planned),
                "published": lines,
                "missing": len(planned - published),
                "unexpected": len(published - planned),
            },
        )

    return _check


CAMPAIGNS = _campaigns()
PAYLOAD_ASSETS = [campaign_payloads(campaign) for campaign in CAMPAIGNS.values()]


@dg.asset(
    key=["email", "outbox"],
    deps=[payloads_key(name) for name in CAMPAIGNS],
    group_name=GROUP,
    kinds={"json"},
    pool=DUCKDB_WRITER_POOL,
)
def outbox(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The run's published payload batches, one entry per campaign: what the CRM team picks up. Written
    only after every payload batch passed its reconciliation check."""
    rows = fetch_payload_rows(Path(warehouse.duckdb_path))
    run_index, campaign_index = rows.columns.index("run_id"), rows.columns.index("campaign")
    runs = sorted({row[run_index] for row in rows.rows})
    written = []
    for run_id in runs:
        campaigns = sorted({row[campaign_index] for row in rows.rows if row[run_index] == run_id})
        entries = []
        for campaign in campaigns:
            batch_dir = _payload_root() / batch_id_of(run_id, campaign)
            info = json.loads((batch_dir / "batch.json").read_text(encoding="utf-8"))
            entries.append(
                {
                    "campaign": campaign,
                    "batch": str(batch_dir),
                    "payloads": info["payloads"],
                    "digest": info["digest"],
                }
            )
        path = _output_dir() / "outbox" / f"{run_id.replace(':', '-')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps({"run_id": run_id, "batches": entries}, indent=2), encoding="utf-8")
        os.replace(partial, path)  # atomic: the CRM side sees the old outbox file or the new one
        written.append({"run_id": run_id, "path": str(path), "payloads": sum(e["payloads"] for e in entries)})
        context.log.info(f"outbox {path}: {len(entries)} campaign batch(es)")
    return dg.MaterializeResult(
        metadata={
            "runs": dg.MetadataValue.json(written),
            "payloads": sum(entry["payloads"] for entry in written),
            "outbox": dg.MetadataValue.path(str(_output_dir() / "outbox")),
        }
    )


@dg.asset(
    key=["email", "previews"],
    deps=[PAYLOAD_INPUTS],
    group_name=GROUP,
    kinds={"html"},
    pool=DUCKDB_WRITER_POOL,
)
def previews(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """A gallery with one real profile per campaign x variant x segment, for a look before sending."""
    out_dir = _output_dir() / "previews"
    rows = read_gallery_rows(Path(warehouse.duckdb_path))
    cards = write_gallery(rows, CAMPAIGNS, Renderer(load_settings().email), out_dir)
    failed = [f"{c.campaign}/{c.variant}/{c.segment}: {c.error}" for c in cards if c.error]
    if failed:
        raise dg.Failure(
            "templates failed on real profiles", metadata={"failed": dg.MetadataValue.json(failed)}
        )
    return dg.MaterializeResult(
        metadata={
            "cards": len(cards),
            "gallery": dg.MetadataValue.url((out_dir / "index.html").as_uri()),
        }
    )


defs = dg.Definitions(
    assets=[*PAYLOAD_ASSETS, outbox, previews],
    asset_checks=[payloads_reconcile(campaign) for campaign in CAMPAIGNS.values()],
)
