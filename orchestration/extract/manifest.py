"""The load manifest, quarantine and load-issue tables in the ``raw`` schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.extract.readers import sql_ident
from orchestration.extract.sources import SourceSpec, raw_table_columns

_DDL = [
    "create schema if not exists raw",
    """
    create table if not exists raw.load_manifest (
        file_path varchar not null,      -- relative to the landing folder: the file's identity
        source_table varchar not null,
        landed_hour varchar,             -- export hour (or day) from the file name
        file_size bigint not null,
        file_mtime_ns bigint,
        sha256 varchar not null,
        lines_in bigint not null,        -- physical lines, counted independently of DuckDB's reader
        header_lines integer not null,
        blank_lines bigint not null,
        rows_loaded bigint not null,
        rows_quarantined bigint not null,
        is_reconciled boolean not null,  -- lines_in = header + blank + loaded + quarantined
        note varchar,
        batch_id varchar not null,
        loaded_at timestamptz not null,
        version integer not null         -- 1, then +1 each time a changed file replaced its rows
    )
    """,
    """
    create table if not exists raw.quarantine (
        source_table varchar not null,
        source_file varchar not null,
        line_number bigint,
        error_type varchar not null,
        reason varchar,
        original_text varchar,
        batch_id varchar not null,
        loaded_at timestamptz not null
    )
    """,
    """
    create table if not exists raw.load_issues (
        file_path varchar not null,
        source_table varchar,
        issue_type varchar not null,     -- changed_after_load | schema_drift | unreadable | unreconciled | bad_header | unrecognized_file
        detail varchar,
        sha256 varchar,
        batch_id varchar not null,
        detected_at timestamptz not null
    )
    """,
]


@dataclass(frozen=True)
class KnownFile:
    file_size: int
    file_mtime_ns: int | None
    sha256: str
    version: int


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: dict[str, SourceSpec]) -> None:
    for statement in _DDL:
        con.execute(statement)
    for table, spec in specs.items():
        columns = ", ".join(f"{sql_ident(c)} {t}" for c, t in raw_table_columns(spec).items())
        con.execute(f"create table if not exists raw.{sql_ident(table)} ({columns})")


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, KnownFile]:
    rows = con.execute(
        "select file_path, file_size, file_mtime_ns, sha256, version from raw.load_manifest"
    ).fetchall()
    return {path: KnownFile(size, mtime, sha, version) for path, size, mtime, sha, version in rows}


def update_stat(con: duckdb.DuckDBPyConnection, file_path: str, mtime_ns: int) -> None:
    con.execute("update raw.load_manifest set file_mtime_ns = ? where file_path = ?", [mtime_ns, file_path])


def delete_file_rows(con: duckdb.DuckDBPyConnection, table: str, file_path: str) -> None:
    """Remove what an earlier version of a file loaded (inside the caller's transaction)."""
    con.execute(f"delete from raw.{sql_ident(table)} where _source_file = ?", [file_path])
    con.execute("delete from raw.quarantine where source_file = ?", [file_path])


def record_file(con, file, fingerprint, result, batch_id: str, now: datetime) -> None:
    previous = con.execute(
        "select max(version) from raw.load_manifest where file_path = ?", [file.relative_path]
    ).fetchone()[0]
    con.execute("delete from raw.load_manifest where file_path = ?", [file.relative_path])
    con.execute(
        "insert into raw.load_manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file.relative_path,
            file.source.table,
            file.landed_hour,
            file.size,
            file.mtime_ns,
            fingerprint.sha256,
            result.lines_in,
            result.header_lines,
            result.blank_lines,
            result.rows_loaded,
            result.rows_quarantined,
            result.is_reconciled,
            result.note or None,
            batch_id,
            now,
            (previous or 0) + 1,
        ],
    )


def record_issue(con, file_path, table, issue_type, detail, sha256, batch_id: str, now: datetime) -> None:
    """Once per (file, issue, content): re-running the load does not repeat an issue already on record."""
    exists = con.execute(
        "select count(*) from raw.load_issues where file_path = ? and issue_type = ? and sha256 is not distinct from ?",
        [file_path, issue_type, sha256],
    ).fetchone()[0]
    if not exists:
        con.execute(
            "insert into raw.load_issues values (?, ?, ?, ?, ?, ?, ?)",
            [file_path, table, issue_type, detail, sha256, batch_id, now],
        )
