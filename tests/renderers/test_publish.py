"""Atomic, idempotent payload batches: JSONL shards + Parquet manifest, all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from renderers.benchmark import synthetic_rows
from renderers.publish import BatchConflictError, publish_batch, read_batch_info
from renderers.render import Renderer
from tests.renderers.sample_rows import EMAIL_SETTINGS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(EMAIL_SETTINGS)


def read_lines(batch_dir: Path) -> list[bytes]:
    return [
        line
        for shard in sorted(batch_dir.glob("payloads-*.jsonl"))
        for line in shard.read_bytes().splitlines()
    ]


def test_manifest_points_at_every_line_with_its_hash(renderer, tmp_path):
    rows = synthetic_rows(230)
    batch = publish_batch(renderer, rows, tmp_path, "b1", shard_size=100)
    assert (batch.status, batch.payloads, batch.shards) == ("published", 230, 3)
    manifest = pq.read_table(batch.path / "manifest.parquet").to_pylist()
    assert len(manifest) == 230
    for entry in manifest:
        with open(batch.path / entry["shard"], "rb") as shard:
            shard.seek(entry["byte_offset"])
            line = shard.read(entry["byte_length"])
            assert shard.read(1) == b"\n"
        assert hashlib.sha256(line).hexdigest() == entry["sha256"]
        payload = json.loads(line)
        assert (payload["person_id"], payload["campaign"], payload["variant"]) == (
            entry["person_id"],
            entry["campaign"],
            entry["variant"],
        )
        assert payload["template_version"] == entry["template_version"]
    person = rows.columns.index("person_id")
    assert [e["person_id"] for e in manifest] == [row[person] for row in rows.rows]  # order kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b1"]  # nothing else left behind


def test_rerun_is_idempotent_and_a_different_batch_is_not_overwritten_silently(renderer, tmp_path):
    rows = synthetic_rows(50)
    first = publish_batch(renderer, rows, tmp_path, "b1", shard_size=20)
    before = {p.name: p.read_bytes() for p in first.path.iterdir()}
    again = publish_batch(renderer, rows, tmp_path, "b1", shard_size=20)
    assert again.status == "unchanged" and again.digest == first.digest
    assert {p.name: p.read_bytes() for p in first.path.iterdir()} == before
    other = synthetic_rows(50, seed=8)
    with pytest.raises(BatchConflictError, match="already published with different content"):
        publish_batch(renderer, other, tmp_path, "b1", shard_size=20)
    assert {p.name: p.read_bytes() for p in first.path.iterdir()} == before
    replaced = publish_batch(renderer, other, tmp_path, "b1", shard_size=20, overwrite=True)
    assert replaced.status == "replaced" and read_batch_info(replaced.path)["digest"] != first.digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b1"]


def test_two_worker_processes_write_the_same_bytes(renderer, tmp_path):
    rows = synthetic_rows(400)
    one = publish_batch(renderer, rows, tmp_path / "one", "b", shard_size=60, workers=1)
    two = publish_batch(Renderer(EMAIL_SETTINGS), rows, tmp_path / "two", "b", shard_size=60, workers=2)
    assert one.digest == two.digest
    assert read_lines(one.path) == read_lines(two.path)


KILLABLE = """
import sys, time
from pathlib import Path
from renderers.benchmark import synthetic_rows
from renderers.publish import publish_batch
from renderers.render import Renderer
from tests.renderers.sample_rows import EMAIL_SETTINGS

out, ready = Path(sys.argv[1]), Path(sys.argv[2])

def stall_after_first_shard(index, payloads):
    if index == 0:
        ready.write_text("1")
        time.sleep(600)  # killed here, with one shard on disk and the rest to come

publish_batch(Renderer(EMAIL_SETTINGS), synthetic_rows(300), out, "b1", shard_size=100,
              on_shard_written=stall_after_first_shard)
"""


def test_a_renderer_killed_mid_batch_leaves_no_batch_and_a_rerun_publishes_it_whole(renderer, tmp_path):
    out, ready = tmp_path / "payloads", tmp_path / "ready"
    process = subprocess.Popen([sys.executable, "-c", KILLABLE, str(out), str(ready)], cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, "the renderer exited before it was killed"
            assert time.monotonic() < deadline, "the renderer never wrote its first shard"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert not (out / "b1").exists()  # nothing visible under the batch's name
    partials = [p.name for p in out.iterdir()]
    assert len(partials) == 1 and partials[0].startswith(".b1.partial-")  # hidden, with the shard it wrote
    assert any((out / partials[0]).glob("payloads-*.jsonl"))

    batch = publish_batch(renderer, synthetic_rows(300), out, "b1", shard_size=100)
    assert (batch.status, batch.payloads, batch.shards) == ("published", 300, 3)
    assert len(read_lines(batch.path)) == 300
    assert [p.name for p in out.iterdir()] == ["b1"]  # the dead run's partial directory was cleared


def test_batch_ids_cannot_escape_the_output_folder(renderer, tmp_path):
    with pytest.raises(ValueError, match="batch id"):
        publish_batch(renderer, synthetic_rows(1), tmp_path, "../elsewhere")
