"""The dbt project as Dagster assets; dbt sources map to the raw and ml assets, so lineage is continuous.

Two asset definitions, because Dagster runs one partitions definition per op and a Python step
(probabilistic matching) sits between them:

- ``dbt_ingest``, partitioned by landing day (defs/partitions.py): staging, the crawler reference seed, the
  unioned events and web sessions. The run's window of landing hours goes to dbt (macro landing_window):
  staging replaces those hours, the event models the days they cover (docs/orchestration.md).
- ``dbt_warehouse``, not partitioned: identity, customers, segments, campaigns, snapshots. Its incremental
  models (fct_customer_events) work out from the data what changed.

dbt tests are asset checks; error-severity tests are *blocking*: nothing downstream of a model whose test
failed runs (the email assets, later Python steps), and dbt itself skips the models after it. Segments
(meta ``refresh``) and campaigns (meta ``cadence``) carry the tag ``tailor/cadence``, which the hourly job
uses to leave nightly ones out (defs/jobs.py).
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.partitions import LANDING_DAYS, LANDING_HOUR_TAG, environment, landing_window
from orchestration.defs.resources import DUCKDB_WRITER_POOL, dbt_project
from orchestration.settings import DBT_PROJECT_DIR

INGEST = "path:models/staging path:models/intermediate/events crawler_user_agent_patterns"
CADENCE_TAG = "tailor/cadence"  # hourly | nightly; the email assets use the same tag
HOURLY = "hourly"
NIGHTLY = "nightly"


class TailorTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The layer: the model's schema (staging, intermediate, marts, segments, campaigns, snapshots,
        reference), so the asset graph reads raw -> staging -> ... -> email from left to right."""
        return dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        """dbt tags, plus the cadence of segments (meta refresh) and campaigns (meta cadence)."""
        tags = dict(super().get_tags(dbt_resource_props))
        meta = dbt_resource_props.get("config", {}).get("meta") or dbt_resource_props.get("meta") or {}
        cadence = meta.get("refresh") or meta.get("cadence")
        if cadence in (HOURLY, NIGHTLY):
            tags[CADENCE_TAG] = cadence
        return tags

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        """Error-severity dbt tests block what depends on the tested model (warn-severity ones do not).

        dagster-dbt 0.29 does this by default; it is stated here so that it cannot silently change.
        """
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        severity = (manifest["nodes"][unique_id].get("config", {}).get("severity") or "error").lower()
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=spec.description,
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=severity == "error",
        )


TRANSLATOR = TailorTranslator()


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False
    """Rebuild incremental models from scratch (after changing their SQL). send_log keeps its history."""


def run_cadence(context: dg.AssetExecutionContext) -> str:
    """``hourly`` for runs of the hourly job (its run tag), else ``nightly``."""
    return context.run.tags.get(CADENCE_TAG, NIGHTLY)


def dbt_build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    config: DbtBuildConfig,
    extra_args: list[str],
    env: Mapping[str, str],
) -> Iterator:
    """``dbt build`` of the op's selection in a target folder of its own, removed afterwards.

    dbt parses the whole project (~2.5 s) unless the target folder holds a partial-parse state made with
    the same profile (DuckDB path) and --vars: one is kept per (path, vars) and handed to the next run.
    """
    parent = DBT_PROJECT_DIR / "target"
    target = Path(
        tempfile.mkdtemp(
            prefix=f"{context.op_execution_context.op.name}-{context.run.run_id[:8]}-", dir=parent
        )
    )
    args = ["build", *extra_args, *(["--full-refresh"] if config.full_refresh else [])]
    if run_cadence(context) == HOURLY:
        args += ["--exclude-resource-type", "unit_test"]  # code tests: the nightly run has them
    saved_state = _parse_state_path(parent, extra_args)
    try:
        for candidate in (saved_state, parent / PARSE_STATE):
            if candidate.exists():
                shutil.copy2(candidate, target / PARSE_STATE)
                break
        with environment(env):
            invocation = dbt.cli(args, context=context, target_path=target)
            yield from with_row_counts(invocation.stream(), invocation.manifest, context)
    finally:
        if (target / PARSE_STATE).exists():
            saved_state.parent.mkdir(parents=True, exist_ok=True)
            fresh = saved_state.with_suffix(f".{context.run.run_id[:8]}.tmp")
            shutil.copy2(target / PARSE_STATE, fresh)
            os.replace(fresh, saved_state)
        shutil.rmtree(target, ignore_errors=True)


PARSE_STATE = "partial_parse.msgpack"


def with_row_counts(
    events: Iterator, manifest: Mapping[str, Any], context: dg.AssetExecutionContext
) -> Iterator:
    """dbt's events, each materialized model with its row count (``dagster/row_count``) and each segment
    with its size (distinct persons), counted read-only once dbt has exited: while it runs, dbt holds
    DuckDB's write lock. Events are held until then (the step's log shows dbt's progress meanwhile)."""
    held = list(events)
    relations = {}
    for event in held:
        unique_id = event.metadata.get("unique_id") if isinstance(event, dg.Output) else None
        node = manifest["nodes"].get(unique_id.value if unique_id is not None else "")
        if node is not None and node["resource_type"] in ("model", "seed", "snapshot"):
            relations[node["unique_id"]] = node
    counts = count_rows(relations.values())
    for event in held:
        unique_id = event.metadata.get("unique_id") if isinstance(event, dg.Output) else None
        measured = counts.get(unique_id.value) if unique_id is not None else None
        if measured:
            event = event.with_metadata({**event.metadata, **measured})
        yield event
    context.log.info(f"row counts of {len(counts)} relations")


def count_rows(nodes) -> dict[str, dict[str, int]]:
    """unique_id -> {"dagster/row_count": n} (+ "segment_size" for models tagged segment)."""
    nodes = list(nodes)
    if not nodes:
        return {}
    con = duckdb.connect(os.environ["TAILOR_DUCKDB_PATH"], read_only=True)
    try:
        counts = {}
        for node in nodes:
            relation = f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'
            measured = {"dagster/row_count": con.execute(f"select count(*) from {relation}").fetchone()[0]}
            if "segment" in node.get("tags", []):
                (size,) = con.execute(f"select count(distinct person_id) from {relation}").fetchone()
                measured["segment_size"] = size
            counts[node["unique_id"]] = measured
        return counts
    finally:
        con.close()


def _parse_state_path(parent: Path, extra_args: list[str]) -> Path:
    profile_and_vars = json.dumps([os.environ.get("TAILOR_DUCKDB_PATH", ""), extra_args])
    return parent / "parse_states" / f"{hashlib.sha1(profile_and_vars.encode()).hexdigest()[:16]}.msgpack"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=INGEST,
    name="dbt_ingest",
    pool=DUCKDB_WRITER_POOL,
    partitions_def=LANDING_DAYS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
)
def dbt_ingest_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Staging, reference data, unioned events and sessions for the run's landing hours (and tests)."""
    window = landing_window(context)
    context.log.info(f"landing hours {window.describe()}")
    yield from dbt_build(context, dbt, config, [], window.dbt_env())


def campaign_run(context: dg.AssetExecutionContext) -> tuple[list[str], dict[str, str]]:
    """An hourly run plans the hourly campaigns only, as a run of its own (docs/campaigns.md, Running): the
    cadences as --vars (the same every hour), the run id (the hour) in TAILOR_CAMPAIGN_RUN_ID."""
    run_id = context.run.tags.get(LANDING_HOUR_TAG)  # e.g. 2026-11-30T14
    if run_cadence(context) != HOURLY or run_id is None:
        return [], {}
    return ["--vars", "{tailor__campaign_cadences: [hourly]}"], {"TAILOR_CAMPAIGN_RUN_ID": run_id}


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=INGEST,
    name="dbt_warehouse",
    pool=DUCKDB_WRITER_POOL,
    dagster_dbt_translator=TRANSLATOR,
)
def dbt_warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Everything after the ingest layer: identity, customers, segments, campaigns, snapshots (and tests)."""
    yield from dbt_build(context, dbt, config, *campaign_run(context))


defs = dg.Definitions(assets=[dbt_ingest_models, dbt_warehouse_models])
