"""Load landing files into DuckDB's ``raw`` schema, once each, losing nothing.

For every file the manifest (``raw.load_manifest``) records size, checksum, batch and the reconciliation
``lines_in = header_lines + blank_lines + rows_loaded + rows_quarantined``. Rows that cannot be parsed go
to ``raw.quarantine`` with the reason and the original line. A file already loaded is skipped; a file whose
content changed after it was loaded is reported in ``raw.load_issues`` and left alone unless
``replace_changed`` is set, which swaps the old rows for the new ones in one transaction.

Pure library: no Dagster import. Each file (CSV) or chunk of files (line formats) is one transaction.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.extract import manifest
from orchestration.extract.landing import (
    LandingFile,
    discover,
    fingerprint,
    fingerprint_all,
    unrecognized_files,
)
from orchestration.extract.readers import parse_header, read_csv_typed, read_lines, sql_ident
from orchestration.extract.sources import SOURCES, FileFormat, SourceSpec

# Line-format files are loaded many per statement; a chunk stays well under memory limits.
_CHUNK_BYTES = 256 << 20
_CHUNK_FILES = 400


@dataclass
class FileResult:
    relative_path: str
    source_table: str
    status: str  # loaded | replaced | unchanged | changed | failed
    lines_in: int = 0
    header_lines: int = 0
    blank_lines: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    is_reconciled: bool = True
    note: str = ""


@dataclass
class LoadReport:
    batch_id: str
    files: list[FileResult] = field(default_factory=list)
    unrecognized: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def loaded(self) -> list[FileResult]:
        return [f for f in self.files if f.status in ("loaded", "replaced")]

    @property
    def problems(self) -> list[FileResult]:
        return [f for f in self.files if f.status in ("changed", "failed") or not f.is_reconciled]

    def summary(self) -> dict:
        """What a report prints (orchestration.reporting), as JSON-able data (e.g. Dagster metadata)."""
        return {
            "batch_id": self.batch_id,
            "seconds": round(self.seconds, 3),
            "totals": self.totals_by_source(),
            "problems": [
                {"relative_path": f.relative_path, "status": f.status, "note": f.note} for f in self.problems
            ],
            "unrecognized": list(self.unrecognized),
        }

    def totals_by_source(self) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        for f in self.files:
            t = totals.setdefault(
                f.source_table,
                dict.fromkeys(
                    ("files_new", "files_skipped", "files_problem", "lines_in", "loaded", "quarantined"), 0
                ),
            )
            if f.status in ("loaded", "replaced"):
                t["files_new"] += 1
                t["lines_in"] += f.lines_in
                t["loaded"] += f.rows_loaded
                t["quarantined"] += f.rows_quarantined
            elif f.status == "unchanged":
                t["files_skipped"] += 1
            if f.status in ("changed", "failed") or not f.is_reconciled:
                t["files_problem"] += 1
        return totals


def new_batch_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def load_landing(
    db_path: Path | str,
    landing_dir: Path,
    tables: Iterable[str] | None = None,
    *,
    only: Callable[[LandingFile], bool] | None = None,
    replace_changed: bool = False,
    verify_checksums: bool = False,
    progress: Callable[[int], None] | None = None,
    report_unrecognized: bool | None = None,
) -> LoadReport:
    """Load every new landing file of ``tables`` (default: all sources) into ``db_path``.

    ``only`` narrows the files (e.g. ``partitions.files_in_hours`` for a partitioned run). Files no source
    claims are reported when loading everything, or when ``report_unrecognized`` says so. ``verify_checksums``
    re-hashes files whose size and mtime are unchanged (by default those are trusted, as rsync and make
    do). ``progress`` is called with the number of bytes done after each file or chunk.
    """
    started = time.perf_counter()
    now = datetime.now(UTC)
    report = LoadReport(batch_id=new_batch_id(now))
    files = [f for f in discover(landing_dir, tables) if only is None or only(f)]
    if report_unrecognized if report_unrecognized is not None else (tables is None and only is None):
        report.unrecognized = unrecognized_files(landing_dir)

    con = duckdb.connect(str(db_path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")  # the CLI shows its own bar over files
        manifest.ensure_tables(
            con, SOURCES
        )  # all of them, so dbt finds every source even before its first file
        to_load, to_replace = _plan(con, files, report, verify_checksums, replace_changed, now)
        fingerprints = fingerprint_all(to_load + to_replace)
        for path in report.unrecognized:
            manifest.record_issue(
                con, path, None, "unrecognized_file", "no source claims this file", None, report.batch_id, now
            )
        csv_files = [f for f in to_load + to_replace if f.source.file_format is FileFormat.CSV]
        line_files = [f for f in to_load + to_replace if f.source.file_format is not FileFormat.CSV]
        replacing = {f.relative_path for f in to_replace}
        for f in csv_files:
            report.files.append(
                _load_one_csv(
                    con, f, fingerprints[f.relative_path], f.relative_path in replacing, report.batch_id, now
                )
            )
            if progress:
                progress(f.size)
        for chunk in _chunks(line_files):
            report.files.extend(_load_line_chunk(con, chunk, fingerprints, replacing, report.batch_id, now))
            if progress:
                progress(sum(f.size for f in chunk))
    finally:
        con.close()
    report.seconds = time.perf_counter() - started
    return report


def _plan(con, files, report, verify_checksums, replace_changed, now):
    known = manifest.known_files(con)
    to_load: list[LandingFile] = []
    to_replace: list[LandingFile] = []
    for f in files:
        previous = known.get(f.relative_path)
        if previous is None:
            to_load.append(f)
            continue
        same_stat = previous.file_size == f.size and previous.file_mtime_ns == f.mtime_ns
        if same_stat and not verify_checksums:
            report.files.append(FileResult(f.relative_path, f.source.table, "unchanged"))
            continue
        sha = fingerprint(f).sha256
        if sha == previous.sha256:
            if not same_stat:  # copied or touched: remember the new stat so the next run is fast again
                manifest.update_stat(con, f.relative_path, f.mtime_ns)
            report.files.append(FileResult(f.relative_path, f.source.table, "unchanged"))
        elif replace_changed:
            to_replace.append(f)
        else:
            detail = (
                f"content changed after it was loaded (sha256 {previous.sha256[:12]}… -> {sha[:12]}…, "
                f"size {previous.file_size} -> {f.size}); not reloaded. Run `tailor load --replace-changed` "
                "to replace its rows, or restore the original file."
            )
            manifest.record_issue(
                con, f.relative_path, f.source.table, "changed_after_load", detail, sha, report.batch_id, now
            )
            report.files.append(FileResult(f.relative_path, f.source.table, "changed", note=detail))
    return to_load, to_replace


def _chunks(files: list[LandingFile]) -> Iterable[list[LandingFile]]:
    """Consecutive files of one source, bounded in bytes and count."""
    chunk: list[LandingFile] = []
    size = 0
    for f in files:
        weight = f.size * (8 if f.is_gzip else 1)
        if chunk and (
            chunk[0].source is not f.source or size + weight > _CHUNK_BYTES or len(chunk) >= _CHUNK_FILES
        ):
            yield chunk
            chunk, size = [], 0
        chunk.append(f)
        size += weight
    if chunk:
        yield chunk


def _load_line_chunk(con, chunk, fingerprints, replacing, batch_id, now) -> list[FileResult]:
    try:
        con.execute("begin transaction")
        results = _insert_line_files(con, chunk, fingerprints, replacing, batch_id, now)
        con.execute("commit")
        return results
    except duckdb.Error as error:
        con.execute("rollback")
        if len(chunk) == 1:
            return [
                _record_failure(con, chunk[0], fingerprints[chunk[0].relative_path], error, batch_id, now)
            ]
        # One bad file must not stop the others: retry them one by one.
        return [r for f in chunk for r in _load_line_chunk(con, [f], fingerprints, replacing, batch_id, now)]


def _insert_line_files(con, chunk, fingerprints, replacing, batch_id, now) -> list[FileResult]:
    spec: SourceSpec = chunk[0].source
    for f in chunk:
        if f.relative_path in replacing:
            manifest.delete_file_rows(con, spec.table, f.relative_path)
    read_lines(con, [str(f.path) for f in chunk])
    con.execute("create or replace temp table _files (_file varchar, relative_path varchar)")
    con.executemany("insert into _files values (?, ?)", [(str(f.path), f.relative_path) for f in chunk])
    if spec.file_format is FileFormat.NDJSON:
        con.execute(
            """
            create or replace temp table _classified as
            select l.*, f.relative_path,
                   case when l.read_error is not null then 'invalid_encoding'
                        when l.line is null then 'blank'
                        when not json_valid(l.line) then 'invalid_json'
                        when left(ltrim(l.line), 1) <> '{' then 'json_not_an_object'
                        else 'ok' end as verdict
            from _lines l join _files f using (_file)
            """
        )
        payload = "line"  # validated JSON text; a cast to JSON would parse every line a second time
    else:
        con.execute(
            """
            create or replace temp table _classified as
            select l.*, f.relative_path,
                   case when l.read_error is not null then 'invalid_encoding'
                        when l.line is null then 'blank' else 'ok' end as verdict
            from _lines l join _files f using (_file)
            """
        )
        payload = "line"
    table = sql_ident(spec.table)
    con.execute(
        f"""
        insert into raw.{table} select {payload}, relative_path, _line_number, ?, ?
        from _classified where verdict = 'ok'
        """,
        [batch_id, now],
    )
    con.execute(
        """
        insert into raw.quarantine
        select ?, relative_path, _line_number, verdict,
               case verdict when 'invalid_json' then 'line is not valid JSON'
                            when 'json_not_an_object' then 'line is valid JSON but not an object'
                            else read_error end,
               line, ?, ?
        from _classified where verdict not in ('ok', 'blank') order by relative_path, _line_number
        """,
        [spec.table, batch_id, now],
    )
    counts = dict(
        (row[0], row[1:])
        for row in con.execute(
            """
            select relative_path, count(*), count(*) filter (verdict = 'blank'),
                   count(*) filter (verdict = 'ok'), count(*) filter (verdict not in ('ok', 'blank'))
            from _classified group by relative_path
            """
        ).fetchall()
    )
    results = []
    for f in chunk:
        read_count, blank, loaded, quarantined = counts.get(f.relative_path, (0, 0, 0, 0))
        lines_in = fingerprints[f.relative_path].physical_lines
        result = FileResult(
            f.relative_path,
            spec.table,
            "replaced" if f.relative_path in replacing else "loaded",
            lines_in,
            0,
            blank,
            loaded,
            quarantined,
            is_reconciled=(lines_in == read_count == blank + loaded + quarantined),
        )
        if not result.is_reconciled:
            result.note = f"the file has {lines_in} lines but the reader returned {read_count}"
            manifest.record_issue(
                con,
                f.relative_path,
                spec.table,
                "unreconciled",
                result.note,
                fingerprints[f.relative_path].sha256,
                batch_id,
                now,
            )
        manifest.record_file(con, f, fingerprints[f.relative_path], result, batch_id, now)
        results.append(result)
    return results


def _load_one_csv(con, f: LandingFile, fp, replace: bool, batch_id: str, now: datetime) -> FileResult:
    try:
        con.execute("begin transaction")
        if replace:
            manifest.delete_file_rows(con, f.source.table, f.relative_path)
        result = _insert_csv_file(con, f, fp, batch_id, now)
        if replace:
            result.status = "replaced"
        manifest.record_file(con, f, fp, result, batch_id, now)
        con.execute("commit")
        return result
    except duckdb.Error as error:
        con.execute("rollback")
        return _record_failure(con, f, fp, error, batch_id, now)


def _insert_csv_file(con, f: LandingFile, fp, batch_id: str, now: datetime) -> FileResult:
    spec = f.source
    read_lines(con, [str(f.path)])
    read_count, blank = con.execute("select count(*), count(*) filter (line is null) from _lines").fetchone()
    header_line = con.execute("select line from _lines where _line_number = 1").fetchone()
    header = parse_header(header_line[0] if header_line else None)
    expected = list(spec.columns)
    result = FileResult(f.relative_path, spec.table, "loaded", fp.physical_lines, min(read_count, 1), blank)

    if len(set(header)) != len(header) or not set(header) & set(expected):
        # Without a usable header no column can be trusted: every line is kept in quarantine.
        reason = f"header {header!r} names none of the expected columns {expected} (or repeats a name)"
        result.rows_quarantined = _quarantine_lines(
            con, spec.table, f.relative_path, "bad_header", reason, batch_id, now
        )
        result.header_lines = 0
        result.note = reason
        manifest.record_issue(
            con, f.relative_path, spec.table, "bad_header", reason, fp.sha256, batch_id, now
        )
    else:
        extra = [c for c in header if c not in spec.columns]
        missing = [c for c in expected if c not in header]
        columns = {c: spec.columns.get(c, "VARCHAR") for c in header}
        good, rejected = read_csv_typed(con, str(f.path), columns)
        con.execute(
            "create or replace temp table _rejected (line bigint, error_type varchar, reason varchar)"
        )
        if rejected:
            con.executemany("insert into _rejected values (?, ?, ?)", rejected)
        con.execute(
            """
            create or replace temp table _data_lines as
            select _line_number, row_number() over (order by _line_number) as _k from _lines
            where _line_number > 1 and line is not null and _line_number not in (select line from _rejected)
            """
        )
        data_lines = con.execute("select count(*) from _data_lines").fetchone()[0]
        line_join = (
            "left join _data_lines d using (_k)"
            if data_lines == good
            else "left join (select null::bigint as _line_number, null as _k) d on false"
        )
        select_cols = ", ".join(
            f"g.{sql_ident(c)}" if c in header else f"null::{t}" for c, t in spec.columns.items()
        )
        extras = (
            "to_json(struct_pack(" + ", ".join(f"{sql_ident(c)} := g.{sql_ident(c)}" for c in extra) + "))"
            if extra
            else "null::JSON"
        )
        con.execute(
            f"""
            insert into raw.{sql_ident(spec.table)}
            select {select_cols}, {extras}, ?, d._line_number, ?, ? from _good g {line_join} order by g._k
            """,
            [f.relative_path, batch_id, now],
        )
        con.execute(
            """
            insert into raw.quarantine
            select ?, ?, r.line, r.error_type, r.reason, l.line, ?, ?
            from _rejected r left join _lines l on l._line_number = r.line order by r.line
            """,
            [spec.table, f.relative_path, batch_id, now],
        )
        result.rows_loaded, result.rows_quarantined = good, len(rejected)
        notes = []
        if extra:
            notes.append(f"extra columns {extra} kept in _extra_columns")
        if missing:
            notes.append(f"missing columns {missing} loaded as NULL")
        if notes:
            result.note = "schema drift: " + "; ".join(notes)
            manifest.record_issue(
                con, f.relative_path, spec.table, "schema_drift", result.note, fp.sha256, batch_id, now
            )
        if data_lines != good:
            result.is_reconciled = False
            result.note = (result.note + "; " if result.note else "") + (
                f"{good} rows parsed but {data_lines} data lines found: line numbers not assigned"
            )
    accounted = result.header_lines + result.blank_lines + result.rows_loaded + result.rows_quarantined
    if not (fp.physical_lines == read_count == accounted):
        result.is_reconciled = False
        result.note = (result.note + "; " if result.note else "") + (
            f"{fp.physical_lines} lines in the file, {read_count} read, {accounted} accounted for"
        )
    if not result.is_reconciled:
        manifest.record_issue(
            con, f.relative_path, spec.table, "unreconciled", result.note, fp.sha256, batch_id, now
        )
    return result


def _quarantine_lines(con, table, relative_path, error_type, reason, batch_id, now) -> int:
    con.execute(
        "insert into raw.quarantine select ?, ?, _line_number, ?, ?, line, ?, ? from _lines "
        "where line is not null order by _line_number",
        [table, relative_path, error_type, reason, batch_id, now],
    )
    return con.execute("select count(*) from _lines where line is not null").fetchone()[0]


def _record_failure(con, f: LandingFile, fp, error: Exception, batch_id: str, now: datetime) -> FileResult:
    detail = f"could not be read: {str(error).splitlines()[0]}"
    manifest.record_issue(
        con, f.relative_path, f.source.table, "unreadable", detail, fp.sha256, batch_id, now
    )
    return FileResult(
        f.relative_path, f.source.table, "failed", fp.physical_lines, is_reconciled=False, note=detail
    )
