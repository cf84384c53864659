"""Planted faults: each one listed in the truth is really in its line, at the configured rate, and no other.

The checks read the exported lines themselves (json.loads, the combined-log regex, csv field counts,
DuckDB casts), not the simulator's own bookkeeping.
"""

import csv
import json
import re
from collections import Counter
from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from orchestration.extract.sources import SOURCES
from orchestration.simulator.config import (
    APP_EVENT_NAMES,
    ESP_EVENT_TYPES,
    FAULT_TABLES,
    FAULT_TYPES,
    TRACKER_EVENT_TYPES,
)
from tests.orchestration.simulator.helpers import COMBINED, FAULT_RATE, Run, table_of

EVENT_TYPE_FIELD = {"web_tracker_events": "event_type", "app_events": "event_name", "esp_events": "event"}
EVENT_TIME_FIELD = {"web_tracker_events": "occurred_at", "app_events": "timestamp", "esp_events": "timestamp"}
ALLOWED_TYPES = {
    "web_tracker_events": set(TRACKER_EVENT_TYPES),
    "app_events": set(APP_EVENT_NAMES),
    "esp_events": set(ESP_EVENT_TYPES),
}
CRM_TIMESTAMP_COLUMNS = {"crm_contacts": ("created_at", "updated_at"), "crm_orders": ("ordered_at",)}
FILE_HOUR = re.compile(r"_(\d{4}-\d{2}-\d{2}T\d{2})\.")


def file_hour(relative: str) -> datetime:
    return datetime.strptime(FILE_HOUR.search(relative).group(1), "%Y-%m-%dT%H").replace(tzinfo=UTC)


def event_hour(table: str, record: dict) -> datetime:
    value = record[EVENT_TIME_FIELD[table]]
    instant = datetime.fromtimestamp(value, UTC) if table == "esp_events" else datetime.fromisoformat(value)
    return instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def failed_casts(values: list[tuple[str, str]]) -> list[bool]:
    """For (value, DuckDB type) pairs: True where the value does not cast (empty means NULL, which casts)."""
    if not values:
        return []
    frame = pd.DataFrame(values, columns=["value", "type"]).reset_index(names="i")
    cases = " ".join(f"when '{t}' then try_cast(value as {t}) is null" for t in sorted(set(frame["type"])))
    con = duckdb.connect()
    con.register("v", frame)
    rows = con.execute(f"select i, value <> '' and (case type {cases} end) from v order by i").fetchall()
    return [bool(failed) for _, failed in rows]


def typed_values(table: str, header: list[str], fields: list[str]) -> list[tuple[str, str]]:
    columns = SOURCES[table].columns
    return [
        (value, columns[name])
        for name, value in zip(header, fields, strict=False)
        if name in columns and columns[name] != "VARCHAR"
    ]


def line_problems(run: Run, listed: set[tuple[str, int]]) -> list[str]:
    """Every line *not* listed as faulted must be clean: returns what is wrong with the others."""
    problems = []
    seen_ids: set[str] = set()
    casts, cast_where = [], []
    for relative in run.files():
        table = table_of(relative)
        lines = run.lines(relative)
        if table in SOURCES and SOURCES[table].file_format.value == "csv":
            header = next(csv.reader([lines[0]]))
            if (relative, 1) not in listed and header != list(SOURCES[table].columns):
                problems.append(f"{relative}: header {header}")
            for number, line in enumerate(lines[1:], start=2):
                if (relative, number) in listed:
                    continue
                fields = next(csv.reader([line]))
                if len(fields) != len(header):
                    problems.append(f"{relative}:{number} has {len(fields)} fields")
                for column in CRM_TIMESTAMP_COLUMNS.get(table, ()):
                    if not fields[header.index(column)].endswith("+00:00"):
                        problems.append(f"{relative}:{number} {column} not in UTC")
                for value_type in typed_values(table, header, fields):
                    casts.append(value_type)
                    cast_where.append(f"{relative}:{number}")
        elif table == "web_access_logs":
            problems += [
                f"{relative}:{n}"
                for n, line in enumerate(lines, start=1)
                if (relative, n) not in listed and not COMBINED.match(line)
            ]
        else:
            for number, line in enumerate(lines, start=1):
                if (relative, number) in listed:
                    continue
                record = json.loads(line)
                if record[EVENT_TYPE_FIELD[table]] not in ALLOWED_TYPES[table]:
                    problems.append(f"{relative}:{number} type {record[EVENT_TYPE_FIELD[table]]}")
                if event_hour(table, record) != file_hour(relative):
                    problems.append(f"{relative}:{number} not in its own hour")
                if table == "web_tracker_events" and not record["occurred_at"].endswith("Z"):
                    problems.append(f"{relative}:{number} tracker time not in UTC")
                if record["event_id"] in seen_ids:
                    problems.append(f"{relative}:{number} repeats an event id")
                seen_ids.add(record["event_id"])
    problems += [
        f"{where} value does not cast"
        for where, bad in zip(cast_where, failed_casts(casts), strict=True)
        if bad
    ]
    return problems


def test_every_listed_fault_is_really_in_its_line(faulted):
    faults = faulted.faults()
    assert set(faults.fault_type) == set(FAULT_TYPES)
    problems, json_lines, bad_value_rows = [], [], []
    for row in faults.itertuples():
        table, line = row.source_table, faulted.lines(row.file)[row.line_number - 1]
        assert table_of(row.file) == table
        kind = row.fault_type
        if kind == "invalid_json":
            json_lines.append(line)
            try:
                json.loads(line)
                problems.append(f"{row.file}:{row.line_number} parses")
            except json.JSONDecodeError:
                pass
        elif kind == "truncated_log_line":
            if COMBINED.match(line):
                problems.append(f"{row.file}:{row.line_number} is a complete log line")
        elif kind == "unknown_event_type":
            if json.loads(line)[EVENT_TYPE_FIELD[table]] in ALLOWED_TYPES[table]:
                problems.append(f"{row.file}:{row.line_number} has a known type")
        elif kind == "duplicate_event":
            original_file, original_line = row.detail.removeprefix("duplicate of ").rsplit(":", 1)
            original = json.loads(faulted.lines(original_file)[int(original_line) - 1])
            if original != json.loads(line) or (original_file, int(original_line)) >= (
                row.file,
                row.line_number,
            ):
                problems.append(f"{row.file}:{row.line_number} does not repeat an earlier line")
        elif kind == "late_event":
            if not event_hour(table, json.loads(line)) < file_hour(row.file):
                problems.append(f"{row.file}:{row.line_number} is not late")
        elif kind == "mixed_tz_offset":
            problems += check_offset(faulted, row, table, line)
        elif kind == "schema_drift":
            header = line.split(",")
            if row.line_number != 1 or header[:-1] != list(SOURCES[table].columns):
                problems.append(f"{row.file}: no extra column at the end of the header")
        else:
            problems += check_csv_fault(faulted, row, table, bad_value_rows)
    # Bad values: at least one typed value of the row must fail DuckDB's cast (checked in one query).
    flat = [(where, value) for where, values in bad_value_rows for value in values]
    failing = {
        where for (where, _), failed in zip(flat, failed_casts([v for _, v in flat]), strict=True) if failed
    }
    problems += [
        f"{where} has no value that fails to parse" for where, _ in bad_value_rows if where not in failing
    ]
    assert len(bad_value_rows) == (faults.fault_type == "csv_bad_value").sum()
    assert problems == []
    valid = duckdb.execute("select count(*) from unnest(?) t(line) where json_valid(line)", [json_lines])
    assert valid.fetchone()[0] == 0, (
        "the loader's JSON check (DuckDB json_valid) accepts a planted invalid line"
    )


def check_offset(run: Run, row, table: str, line: str) -> list[str]:
    if table == "web_tracker_events":
        value = json.loads(line)["occurred_at"]
        times = [value] if not value.endswith("Z") else []
    else:
        header = next(csv.reader([run.lines(row.file)[0]]))
        fields = next(csv.reader([line]))
        times = [fields[header.index(c)] for c in CRM_TIMESTAMP_COLUMNS[table]]
    if not times or any(t.endswith(("Z", "+00:00")) for t in times):
        return [f"{row.file}:{row.line_number} has no other offset"]
    return []


def check_csv_fault(run: Run, row, table: str, bad_values: list) -> list[str]:
    """Field counts are checked here; a bad value's typed fields go to ``bad_values`` for one DuckDB query."""
    header = next(csv.reader([run.lines(row.file)[0]]))
    fields = next(csv.reader([run.lines(row.file)[row.line_number - 1]]))
    where = f"{row.file}:{row.line_number}"
    if row.fault_type == "csv_too_few_fields":
        return [] if len(fields) < len(header) else [f"{where} is not short"]
    if row.fault_type == "csv_too_many_fields":
        return [] if len(fields) > len(header) else [f"{where} is not long"]
    if len(fields) != len(header):
        return [f"{where} has {len(fields)} fields"]
    bad_values.append((where, typed_values(table, header, fields)))
    return []


@pytest.mark.parametrize("fault_type", [f for f in FAULT_TYPES if f != "schema_drift"])
def test_each_fault_type_hits_its_share_of_lines(faulted, fault_type):
    faults = faulted.faults()
    counts = Counter(faults[faults.fault_type == fault_type].source_table)
    assert set(counts) == set(FAULT_TABLES[fault_type])
    for table in FAULT_TABLES[fault_type]:
        lines = faulted.report.lines[table] - (
            len(faulted.files_of(table))
            if table in SOURCES and SOURCES[table].file_format.value == "csv"
            else 0
        )
        share = counts[table] / lines
        assert abs(share - FAULT_RATE) <= 0.25 * FAULT_RATE + 1.5 / lines, (table, share)


def test_exactly_one_later_contacts_file_drifts(faulted):
    drift = faulted.faults().query("fault_type == 'schema_drift'")
    assert len(drift) == 1
    relative = drift.file.iloc[0]
    assert relative.startswith("crm/contacts/") and relative != faulted.files_of("crm_contacts")[0]
    width = len(faulted.lines(relative)[0].split(","))
    assert width == len(SOURCES["crm_contacts"].columns) + 1


def test_lines_not_listed_as_faulted_are_clean(faulted):
    listed = {(row.file, row.line_number) for row in faulted.faults().itertuples()}
    assert line_problems(faulted, listed) == []


def test_fault_rate_zero_plants_nothing(clean):
    assert clean.faults().empty
    assert all(count == 0 for count in clean.report.faults.values())
    assert line_problems(clean, set()) == []
