"""How many complete payloads (HTML + text + JSON line, written and hashed) the renderers make per second.

    python -m renderers.benchmark --n 100000            # synthetic rows, 1 and 2 worker processes
    python -m renderers.benchmark --n 100000 --db /path/to/warehouse.duckdb   # a warehouse's rows, repeated

Rows are synthetic but shaped like ``payload_inputs``: the four campaigns and their variants, a catalog of
2,000 products (three per person, by interest), first names from several countries with a few blank or
missing, unique unsubscribe tokens. The naive baseline renders the same templates the obvious way: Jinja's
own includes, every block per recipient, CSS inlined into every email, the standard library's JSON. Both
are timed in the same run (the machine is shared: compare the ratio, not the absolute numbers).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import css_inline

from renderers.environment import TemplateFiles, html_environment, text_environment
from renderers.model import reference_json
from renderers.payload_inputs import PayloadRows, fetch_payload_rows
from renderers.publish import publish_batch
from renderers.render import Renderer, single_line, tidy_text

CAMPAIGNS = {  # campaign -> (template, [(variant, subject)])
    "campaign_abandoned_cart": (
        "abandoned_cart",
        [
            ("control", "You left something in your cart"),
            ("urgency", "Your cart is waiting, but not for long"),
        ],
    ),
    "campaign_high_interest_nudge": (
        "product_nudge",
        [("product_first", "Still thinking about it?"), ("social_proof", "Others loved this one too")],
    ),
    "campaign_win_back": (
        "win_back",
        [("we_miss_you", "We miss you"), ("whats_new", "Here is what's new since your last visit")],
    ),
    "campaign_vip_newsletter": (
        "vip_newsletter",
        [
            ("control", "Your VIP picks this week"),
            ("personal", "{{ first_name | fallback('Hi') }}, picked for you"),
        ],
    ),
}
CATEGORIES = [
    "shoes",
    "sportswear",
    "home",
    "kitchen",
    "beauty",
    "outdoor",
    "books",
    "electronics",
    "toys",
    "garden",
]
FIRST_NAMES = [
    "Anna",
    "Lena",
    "Jonas",
    "Lukas",
    "Marie",
    "Sophie",
    "Paul",
    "Felix",
    "Emma",
    "Mia",
    "Thomas",
    "Julia",
    "Jan",
    "Lotte",
    "Daan",
    "Sem",
    "Fleur",
    "Bram",
    "Noah",
    "Emily",
    "James",
    "Oliver",
    "Amelia",
    "Jack",
    "Chloé",
    "Léa",
    "Hugo",
    "Théo",
    "Zoé",
    "Søren",
    "Ida",
    "Freja",
    "Mads",
    "Björn",
    "Jürgen",
    "Grete",
    "Ömer",
    "Zeynep",
    "Élodie",
    "François",
    "Łukasz",
    "Małgorzata",
    "Niklas",
    "Elif",
    "Matteo",
    "Giulia",
    "Lucía",
    "Sergio",
    "Inés",
    "Aoife",
    "Siobhán",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Jansen",
    "de",
    "Vries",
    "Clarke",
    "Smith",
    "Dubois",
    "Martin",
    "Nielsen",
    "Hansen",
    "Groß",
    "Weiß",
    "Rossi",
    "Yılmaz",
]
COUNTRIES = ["DE", "AT", "CH", "NL", "BE", "FR", "GB", "DK", "US", None]


@dataclass(frozen=True)
class Measurement:
    label: str
    payloads: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process and its finished children: steadier than wall time on a shared machine

    @property
    def per_second(self) -> float:
        return self.payloads / self.seconds

    @property
    def per_cpu_second(self) -> float:
        return self.payloads / self.cpu_seconds


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def synthetic_rows(n: int, seed: int = 7, catalog_size: int = 2_000) -> PayloadRows:
    rng = random.Random(seed)
    catalog = [
        (
            f"P{i:05d}",
            f"{rng.choice(['Vela', 'Lumen', 'Fjell', 'Kiruna', 'Urbanist'])} {rng.choice(['Runner', 'Jacket', 'Pan', 'Lamp', 'Set'])} {i}",
            Decimal(rng.randint(500, 30000)) / 100,
            f"https://www.tailorshop.example/p/P{i:05d}",
            f"https://cdn.tailorshop.example/img/p/P{i:05d}.jpg" if rng.random() > 0.02 else None,
        )
        for i in range(catalog_size)
    ]
    plan = [(c, t, v, s) for c, (t, variants) in CAMPAIGNS.items() for v, s in variants]
    columns = ["run_id", "run_date", "person_id", "campaign", "template", "variant", "subject_line"]
    columns += ["is_marketing", "email", "first_name", "last_name", "country_code", "segment_name"]
    columns += ["segment_reason", "top_category"]
    columns += [f"product_{s}_{f}" for s in (1, 2, 3) for f in ("id", "name", "price", "url", "image_url")]
    columns += ["unsubscribe_token", "consent_snapshot_id"]
    rows = []
    for i in range(n):
        campaign, template, variant, subject = plan[i % len(plan)]
        first = rng.choice(FIRST_NAMES) if rng.random() > 0.04 else rng.choice([None, "", "  "])
        product_count = rng.choices([3, 2, 1, 0], weights=[85, 8, 5, 2])[0]
        products = rng.sample(catalog, product_count) + [(None,) * 5] * (3 - product_count)
        person_id = f"p_{hashlib.md5(str(i).encode()).hexdigest()[:16]}"
        rows.append(
            (
                "2026-11-30",
                date(2026, 11, 30),
                person_id,
                campaign,
                template,
                variant,
                subject,
                True,
                f"person{i}@example.org",
                first,
                rng.choice(LAST_NAMES),
                rng.choice(COUNTRIES),
                "benchmark",
                "a synthetic person",
                rng.choice(CATEGORIES) if rng.random() > 0.1 else None,
                *[value for product in products for value in product],
                hashlib.sha256(person_id.encode()).hexdigest(),
                hashlib.md5(person_id.encode()).hexdigest(),
            )
        )
    return PayloadRows(tuple(columns), rows)


def repeated_rows(db_path: Path, n: int) -> PayloadRows:
    """A warehouse's planned sends, repeated up to n rows (person ids made unique)."""
    source = fetch_payload_rows(db_path)
    person = source.columns.index("person_id")
    rows = []
    for i in range(n):
        row = list(source.rows[i % len(source.rows)])
        row[person] = f"{row[person]}_{i}"
        rows.append(tuple(row))
    return PayloadRows(source.columns, rows)


class NaiveRenderer:
    """The obvious way: every block rendered per email, CSS inlined into every email, stdlib JSON."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        files = TemplateFiles(renderer.files.root)
        html_env = html_environment(files, inline_css=False, native_includes=True)
        text_env = text_environment(files, native_includes=True)
        self.inliner = css_inline.CSSInliner(load_remote_stylesheets=False, extra_css=files.stylesheet())
        self.templates = {
            name: (html_env.get_template(f"campaigns/{name}"), text_env.get_template(f"campaigns/{name}"))
            for name in files.campaign_names()
        }
        self.subjects: dict = {}

    def payload(self, row: dict) -> dict:
        html_template, text_template = self.templates[row["template"]]
        context = self.renderer.context(row)
        subject_line = row["subject_line"]
        if subject_line not in self.subjects:
            self.subjects[subject_line] = text_template.environment.from_string(subject_line)
        context["subject"] = subject = single_line(self.subjects[subject_line].render(context))
        preheader_block = text_template.blocks["preheader"]
        context["preheader"] = preheader = single_line(
            "".join(preheader_block(text_template.new_context(context)))
        )
        html = self.inliner.inline(html_template.render(context))
        text = tidy_text(text_template.render(context))
        url = context["unsubscribe_url"]
        return {
            "to": row["email"], "subject": subject, "preheader": preheader, "html": html, "text": text,
            "campaign": row["campaign"], "variant": row["variant"], "template": row["template"],
            "template_version": "naive", "person_id": row["person_id"], "segment_reason": row["segment_reason"],
            "consent_snapshot_id": row["consent_snapshot_id"], "run_id": row["run_id"], "unsubscribe_url": url,
            "headers": {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        }  # fmt: skip

    def payload_line(self, row: dict) -> bytes:
        line = reference_json(self.payload(row))
        hashlib.sha256(line).hexdigest()
        return line


def measure_naive(renderer: Renderer, payload_rows: PayloadRows, n: int, out_dir: Path) -> Measurement:
    naive = NaiveRenderer(renderer)
    started, cpu = time.perf_counter(), _cpu_seconds()
    with open(out_dir / "naive.jsonl", "wb") as out:
        for index in range(n):
            out.write(naive.payload_line(payload_rows.row(index)) + b"\n")
    seconds = time.perf_counter() - started
    return Measurement("naive (per-email Jinja + CSS inlining)", n, seconds, _cpu_seconds() - cpu)


def measure_publish(
    renderer: Renderer, payload_rows: PayloadRows, out_dir: Path, workers: int
) -> Measurement:
    started, cpu = time.perf_counter(), _cpu_seconds()
    batch = publish_batch(renderer, payload_rows, out_dir / f"workers{workers}", "bench", workers=workers)
    seconds = time.perf_counter() - started
    label = f"tailor render, {workers} process{'es' if workers > 1 else ''}"
    return Measurement(label, batch.payloads, seconds, _cpu_seconds() - cpu)


def run(n: int, db_path: Path | None, naive_n: int, workers: list[int], email_settings) -> list[Measurement]:  # noqa: ANN001
    payload_rows = repeated_rows(db_path, n) if db_path else synthetic_rows(n)
    out_dir = Path(tempfile.mkdtemp(prefix="tailor-render-bench-"))
    try:
        results = [measure_naive(Renderer(email_settings), payload_rows, min(naive_n, n), out_dir)]
        for count in workers:
            results.append(measure_publish(Renderer(email_settings), payload_rows, out_dir, count))
        return results
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import load_settings  # the CLI entry reads settings; the library does not

    parser = argparse.ArgumentParser(prog="python -m renderers.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="payloads to render")
    parser.add_argument("--naive-n", type=int, default=10_000, help="payloads for the naive baseline")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--db", type=Path, help="repeat this warehouse's payload_inputs rows instead")
    args = parser.parse_args(argv)
    results = run(args.n, args.db, args.naive_n, args.workers, load_settings().email)
    baseline = results[0].per_second
    print(f"{'':40s} {'payloads':>8s} {'wall s':>7s} {'per s':>9s} {'vs naive':>8s} {'per CPU s':>10s}")
    for result in results:
        print(
            f"{result.label:40s} {result.payloads:>8,} {result.seconds:7.1f} {result.per_second:>9,.0f} "
            f"{result.per_second / baseline:>7.1f}x {result.per_cpu_second:>10,.0f}"
        )
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
