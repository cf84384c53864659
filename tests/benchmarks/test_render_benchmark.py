"""`make bench`: payloads per second (python -m renderers.benchmark) at a smaller n, checking the output.

The speed is printed, not asserted (a shared machine); what is asserted is that the fast path writes what
the naive one would, and that one and two worker processes publish the same bytes.
"""

from __future__ import annotations

import json

import pytest

from orchestration.settings import EmailSettings
from renderers.benchmark import NaiveRenderer, measure_naive, measure_publish, synthetic_rows
from renderers.render import Renderer

N = 20_000


@pytest.mark.slow
def test_render_benchmark_output_is_complete_and_the_same_as_the_naive_path(tmp_path):
    settings = EmailSettings()
    rows = synthetic_rows(N)
    naive = measure_naive(Renderer(settings), rows, 2_000, tmp_path)
    one = measure_publish(Renderer(settings), rows, tmp_path, workers=1)
    two = measure_publish(Renderer(settings), rows, tmp_path, workers=2)
    for result in (naive, one, two):
        print(
            f"{result.label:42s} {result.payloads:>7,} payloads {result.per_second:>9,.0f}/s {result.per_cpu_second:>9,.0f}/CPU s"
        )
    print(f"speed-up, 2 processes vs naive: x{two.per_second / naive.per_second:.1f}")

    batches = {workers: tmp_path / f"workers{workers}" / "bench" for workers in (1, 2)}
    lines = {
        w: [ln for s in sorted(b.glob("payloads-*.jsonl")) for ln in s.read_bytes().splitlines()]
        for w, b in batches.items()
    }
    assert len(lines[1]) == N and lines[1] == lines[2]
    assert (
        json.loads((batches[1] / "batch.json").read_text())["digest"]
        == json.loads((batches[2] / "batch.json").read_text())["digest"]
    )

    reference = NaiveRenderer(Renderer(settings))
    for index in range(0, N, 97):  # a spread sample: every campaign, variant and product count
        fast, slow = json.loads(lines[1][index]), reference.payload(rows.row(index))
        for key in ("to", "subject", "preheader", "text", "unsubscribe_url", "headers", "person_id"):
            assert fast[key] == slow[key], (index, key)
        assert (
            f'href="{fast["unsubscribe_url"]}"' in fast["html"]
            and f'href="{slow["unsubscribe_url"]}"' in slow["html"]
        )
        assert _visible_text(fast["html"]) == _visible_text(slow["html"]), index


def _visible_text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data):
            if data.strip():
                self.parts.append(data.strip())

    parser = Text()
    parser.parts = []
    parser.feed(html)
    return " ".join(parser.parts)
