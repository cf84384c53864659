"""Running small simulations and reading their files back, for the simulator tests."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from orchestration.simulator import SimulationConfig, SimulationReport, simulate

FAULT_RATE = 0.05
# The combined log format exactly as the staging model parses it (vhost variant not used by the simulator).
COMBINED = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$')
TABLE_OF_PREFIX = {
    "crm/contacts/": "crm_contacts",
    "crm/orders/": "crm_orders",
    "crm/order_items/": "crm_order_items",
    "crm/products/": "crm_products",
    "consent/": "consent_records",
    "web/access_logs/": "web_access_logs",
    "web/tracker/": "web_tracker_events",
    "app/events/": "app_events",
    "esp/events/": "esp_events",
}


@dataclass
class Run:
    out_dir: Path
    truth_dir: Path
    report: SimulationReport
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.out_dir).as_posix() for p in self.out_dir.rglob("*") if p.is_file())

    def lines(self, relative: str) -> list[str]:
        """Physical lines of an export file (gzip decompressed), without line endings."""
        if relative not in self._lines:
            data = (self.out_dir / relative).read_bytes()
            if relative.endswith(".gz"):
                data = gzip.decompress(data)
            text = data.decode("utf-8")
            self._lines[relative] = text.split("\n")[:-1] if text else []
        return self._lines[relative]

    def files_of(self, table: str) -> list[str]:
        return [f for f in self.files() if table_of(f) == table]

    def csv_rows(self, table: str) -> list[tuple[str, int, list[str], list[str]]]:
        """(file, line number, header, fields) of every data row of a CSV table."""
        rows = []
        for relative in self.files_of(table):
            lines = self.lines(relative)
            header = next(csv.reader([lines[0]]))
            for number, line in enumerate(lines[1:], start=2):
                rows.append((relative, number, header, next(csv.reader(io.StringIO(line)))))
        return rows

    def json_lines(self, table: str) -> list[tuple[str, int, str]]:
        return [(f, n, line) for f in self.files_of(table) for n, line in enumerate(self.lines(f), start=1)]

    def records(self, table: str) -> list[dict]:
        """Every line of an NDJSON table that parses."""
        out = []
        for _, _, line in self.json_lines(table):
            with contextlib.suppress(json.JSONDecodeError):
                out.append(json.loads(line))
        return out

    def truth_csv(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.truth_dir / name, dtype=str, keep_default_na=False)

    def faults(self) -> pd.DataFrame:
        frame = self.truth_csv("faults.csv")
        return frame.astype({"line_number": int})

    def events(self) -> pd.DataFrame:
        return pd.read_parquet(self.truth_dir / "events.parquet")


def table_of(relative: str) -> str:
    return next(table for prefix, table in TABLE_OF_PREFIX.items() if relative.startswith(prefix))


def run_simulation(base: Path, **overrides) -> Run:
    config = SimulationConfig(
        out_dir=base / "landing", truth_dir=base / "truth", **{"scale": 0.002, "days": 3, **overrides}
    )
    return Run(config.out_dir, config.truth_dir, simulate(config))
