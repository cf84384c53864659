"""Rendering a batch of planned sends into payload shards, published atomically.

Layout of a published batch ``<output_root>/<batch_id>/``:

* ``payloads-00000.jsonl`` ...: one :class:`~renderers.model.RenderedEmail` JSON object per line (UTF-8),
  ``shard_size`` lines per shard, rows in ``payload_inputs`` order (run, campaign, variant, person).
* ``manifest.parquet``: one row per payload: person_id, campaign, variant, run_id, shard, line (0-based),
  byte_offset, byte_length, template_version, sha256 (of the line's bytes without the newline).
* ``batch.json``: counts, shards, template versions and the batch digest (a hash of every line's hash).

Everything is written into a hidden sibling directory ``.<batch_id>.partial-<pid>``, fsynced, and renamed
into place in one step: a reader sees the whole batch or none of it, also after a crash (the next run
removes partial directories whose process is gone). Publishing a batch again with the same content leaves
the published one as it is (``unchanged``); different content is refused unless ``overwrite`` is set.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from renderers.payload_inputs import PayloadRows
from renderers.render import Renderer

MANIFEST = "manifest.parquet"
BATCH_FILE = "batch.json"
DEFAULT_SHARD_SIZE = 5_000
_BATCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_MANIFEST_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("campaign", pa.string()),
        ("variant", pa.string()),
        ("run_id", pa.string()),
        ("shard", pa.string()),
        ("line", pa.int64()),
        ("byte_offset", pa.int64()),
        ("byte_length", pa.int64()),
        ("template_version", pa.string()),
        ("sha256", pa.string()),
    ]
)


class BatchConflictError(RuntimeError):
    """A batch with this id is already published with different content."""


@dataclass(frozen=True)
class PublishedBatch:
    batch_id: str
    path: Path
    payloads: int
    shards: int
    digest: str
    status: str  # "published", "replaced" or "unchanged"


def shard_name(index: int) -> str:
    return f"payloads-{index:05d}.jsonl"


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_shard(renderer: Renderer, payload_rows: PayloadRows, start: int, stop: int, path: Path) -> dict:
    """Render rows [start, stop) into one JSONL file (fsynced); return its manifest columns."""
    columns: dict[str, list] = {name: [] for name in _MANIFEST_SCHEMA.names}
    offset = 0
    with open(path, "wb", buffering=1 << 20) as shard:
        for line_number, index in enumerate(range(start, stop)):
            email = renderer.render(payload_rows.row(index))
            line = email.to_json_bytes()
            shard.write(line)
            shard.write(b"\n")
            columns["person_id"].append(email.person_id)
            columns["campaign"].append(email.campaign)
            columns["variant"].append(email.variant)
            columns["run_id"].append(email.run_id)
            columns["shard"].append(path.name)
            columns["line"].append(line_number)
            columns["byte_offset"].append(offset)
            columns["byte_length"].append(len(line))
            columns["template_version"].append(email.template_version)
            columns["sha256"].append(hashlib.sha256(line).hexdigest())
            offset += len(line) + 1
        shard.flush()
        os.fsync(shard.fileno())
    return columns


# A forked worker finds the renderer and the rows here (copy-on-write), so they are never pickled.
_WORKER_STATE: tuple[Renderer, PayloadRows, Path, int] | None = None


def _render_shard_in_worker(shard_index: int) -> tuple[int, dict]:
    assert _WORKER_STATE is not None
    renderer, payload_rows, directory, shard_size = _WORKER_STATE
    start = shard_index * shard_size
    stop = min(start + shard_size, len(payload_rows.rows))
    return shard_index, write_shard(renderer, payload_rows, start, stop, directory / shard_name(shard_index))


def _render_shards(
    renderer: Renderer,
    payload_rows: PayloadRows,
    directory: Path,
    shard_size: int,
    workers: int,
    on_shard_written: Callable[[int, int], None] | None,
) -> list[dict]:
    global _WORKER_STATE
    shard_count = -(-len(payload_rows.rows) // shard_size)
    results: dict[int, dict] = {}
    _WORKER_STATE = (renderer, payload_rows, directory, shard_size)
    try:
        if workers <= 1 or shard_count <= 1:
            for index in range(shard_count):
                results[index] = _render_shard_in_worker(index)[1]
                if on_shard_written:
                    on_shard_written(index, len(results[index]["line"]))
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, shard_count)) as pool:
                for index, columns in pool.imap_unordered(_render_shard_in_worker, range(shard_count)):
                    results[index] = columns
                    if on_shard_written:
                        on_shard_written(index, len(columns["line"]))
    finally:
        _WORKER_STATE = None
    return [results[index] for index in range(shard_count)]


def _remove_stale_partials(output_root: Path, batch_id: str) -> None:
    for partial in output_root.glob(f".{batch_id}.partial-*"):
        pid = int(partial.name.rsplit("-", 1)[1]) if partial.name.rsplit("-", 1)[1].isdigit() else None
        if pid is not None and pid != os.getpid() and _is_alive(pid):
            continue  # another process is publishing this batch right now
        shutil.rmtree(partial, ignore_errors=True)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_batch_info(batch_dir: Path) -> dict:
    return json.loads((batch_dir / BATCH_FILE).read_text(encoding="utf-8"))


def publish_batch(
    renderer: Renderer,
    payload_rows: PayloadRows,
    output_root: Path,
    batch_id: str,
    *,
    shard_size: int = DEFAULT_SHARD_SIZE,
    workers: int = 1,
    overwrite: bool = False,
    on_shard_written: Callable[[int, int], None] | None = None,
) -> PublishedBatch:
    """Render every row and publish the batch ``output_root/batch_id`` atomically (see module doc).

    ``on_shard_written(shard_index, payloads)`` is called as each shard is on disk (progress bars).
    ``workers > 1`` renders shards in forked processes; the output is the same byte for byte.
    """
    if not _BATCH_ID.match(batch_id):
        raise ValueError(f"batch id {batch_id!r}: letters, digits, '.', '_' and '-' only")
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    output_root.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(output_root, batch_id)
    final = output_root / batch_id
    partial = output_root / f".{batch_id}.partial-{os.getpid()}"
    partial.mkdir()
    try:
        shards = _render_shards(renderer, payload_rows, partial, shard_size, workers, on_shard_written)
        info = _write_manifest_and_info(partial, batch_id, shards)
        _fsync_path(partial)
        status = _move_into_place(partial, final, info, overwrite)
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # gone already unless something failed
    return PublishedBatch(batch_id, final, info["payloads"], len(info["shards"]), info["digest"], status)


def _write_manifest_and_info(directory: Path, batch_id: str, shards: list[dict]) -> dict:
    manifest = pa.Table.from_batches(
        [pa.RecordBatch.from_pydict(columns, schema=_MANIFEST_SCHEMA) for columns in shards],
        schema=_MANIFEST_SCHEMA,
    )
    pq.write_table(manifest, directory / MANIFEST)
    _fsync_path(directory / MANIFEST)
    digest = hashlib.sha256()
    for columns in shards:
        for line_hash in columns["sha256"]:
            digest.update(line_hash.encode() + b"\n")
    versions = sorted({v for columns in shards for v in columns["template_version"]})
    info = {
        "batch_id": batch_id,
        "payloads": manifest.num_rows,
        "digest": digest.hexdigest(),
        "template_versions": versions,
        "run_ids": sorted({r for columns in shards for r in columns["run_id"]}),
        "shards": [
            {
                "file": shard_name(i),
                "payloads": len(c["line"]),
                "bytes": sum(c["byte_length"]) + len(c["line"]),
            }
            for i, c in enumerate(shards)
        ],
        "manifest": MANIFEST,
    }
    (directory / BATCH_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    _fsync_path(directory / BATCH_FILE)
    return info


def _move_into_place(partial: Path, final: Path, info: Mapping, overwrite: bool) -> str:
    try:
        os.rename(partial, final)  # fails if a batch is already there (a non-empty directory)
    except OSError:
        if not final.exists():
            raise
        existing = read_batch_info(final) if (final / BATCH_FILE).is_file() else {}
        if existing.get("digest") == info["digest"]:
            return "unchanged"
        if not overwrite:
            raise BatchConflictError(
                f"batch {final.name} is already published with different content "
                f"({existing.get('payloads', '?')} payloads, digest {existing.get('digest', '?')[:12]}); "
                "publish under another batch id, or overwrite it explicitly"
            ) from None
        replaced = final.with_name(f".{final.name}.replaced-{os.getpid()}")
        os.rename(final, replaced)
        os.rename(partial, final)
        shutil.rmtree(replaced, ignore_errors=True)
        status = "replaced"
    else:
        status = "published"
    _fsync_path(final.parent)
    return status
