"""DuckDB reads of landing files into temp tables; no Python row loops.

Two reads exist: every file is read as *physical lines* (text, with a line number), which is what the
reconciliation counts and what quarantine keeps as the original text; CSV files are read a second time with
their typed schema, rows that fail go to DuckDB's rejects table, and the good rows get their line numbers by
lining them up with the lines that were neither header, blank nor rejected.
"""

from __future__ import annotations

import csv
import io

import duckdb

# One column per line: a delimiter that never occurs in text, no quoting, no escaping.
_LINE_OPTIONS = (
    "columns={'line': 'VARCHAR'}, delim=E'\\x01', quote='', escape='', header=false, "
    "auto_detect=false, filename=true"
)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_lines(con: duckdb.DuckDBPyConnection, paths: list[str], target: str = "_lines") -> None:
    """``target(_file, _line_number, line, read_error)``: every physical line of every file.

    Blank lines are NULL. A line the reader rejects (invalid UTF-8) keeps its text as the reader saw it and
    the error in ``read_error``. Files are scanned in the order given and insertion order is preserved, so
    ``rowid`` follows the file; rejected lines are left out of the scan, so good lines are numbered by the
    line numbers that remain.
    """
    file_list = "[" + ", ".join(sql_string(p) for p in paths) + "]"
    for table in ("_line_rejects", "_line_reject_scans"):
        con.execute(f"drop table if exists {table}")
    con.execute(
        f"""
        create or replace temp table _lines_scan as
        select filename as _file, line
        from read_csv({file_list}, {_LINE_OPTIONS}, store_rejects=true,
                      rejects_table='_line_rejects', rejects_scan='_line_reject_scans')
        """
    )
    con.execute(
        "create or replace temp table _lines_raw as select _file, line, "
        "row_number() over (partition by _file order by rowid) as _k from _lines_scan"
    )
    con.execute("drop table _lines_scan")
    con.execute(
        """
        create or replace temp table _line_errors as
        select s.file_path as _file, e.line as _line_number,
               regexp_replace(e.csv_line, '^\n', '') as line, e.error_message as read_error
        from _line_rejects e join _line_reject_scans s using (scan_id, file_id)
        """
    )
    has_errors = con.execute("select count(*) from _line_errors").fetchone()[0] > 0
    if not has_errors:  # the common case: the k-th line read is line k
        con.execute(
            f"create or replace temp table {target} as "
            "select _file, _k as _line_number, line, null::varchar as read_error from _lines_raw"
        )
    else:
        con.execute(
            f"""
            create or replace temp table {target} as
            with per_file as (
                select _file, count(*) + coalesce(max(r.errors), 0) as physical_lines
                from _lines_raw
                left join (select _file, count(*) as errors from _line_errors group by 1) r using (_file)
                group by _file
            ),
            numbers as (
                select _file, unnest(range(1, physical_lines + 1)) as _line_number from per_file
            ),
            good_numbers as (
                select _file, _line_number,
                       row_number() over (partition by _file order by _line_number) as _k
                from numbers
                where not exists (
                    select 1 from _line_errors e
                    where e._file = numbers._file and e._line_number = numbers._line_number
                )
            )
            select g._file, g._line_number, l.line, null::varchar as read_error
            from _lines_raw l join good_numbers g using (_file, _k)
            union all
            select _file, _line_number, line, read_error from _line_errors
            """
        )
    con.execute("drop table _lines_raw")


def parse_header(header_line: str | None) -> list[str]:
    if not header_line:
        return []
    names = next(csv.reader(io.StringIO(header_line)), [])
    return [name.strip().lstrip("\ufeff") for name in names]


def read_csv_typed(
    con: duckdb.DuckDBPyConnection, path: str, columns: dict[str, str]
) -> tuple[int, list[tuple[int, str, str]]]:
    """Typed read of one CSV file into ``_good`` (ordinal ``_k``); returns (good rows, rejected lines).

    Rejected lines come back as (line_number, error_type, reason), one per line however many of its
    columns failed.
    """
    column_map = "{" + ", ".join(f"{sql_string(n)}: {sql_string(t)}" for n, t in columns.items()) + "}"
    for table in ("_rejects", "_reject_scans"):
        con.execute(f"drop table if exists {table}")
    con.execute(
        f"""
        create or replace temp table _good_raw as
        select * from read_csv({sql_string(path)}, columns={column_map}, header=true, auto_detect=false,
                               delim=',', quote='"', escape='"', store_rejects=true,
                               rejects_table='_rejects', rejects_scan='_reject_scans')
        """
    )
    con.execute(
        "create or replace temp table _good as "
        "select *, row_number() over (order by rowid) as _k from _good_raw"
    )
    con.execute("drop table _good_raw")
    # A row with a missing or surplus field usually fails a cast too; the structural error is the cause.
    rejected = con.execute(
        """
        select line,
               case when bool_or(error_type = 'MISSING COLUMNS') then 'missing_columns'
                    when bool_or(error_type = 'TOO MANY COLUMNS') then 'too_many_columns'
                    when bool_or(error_type = 'INVALID ENCODING') then 'invalid_encoding'
                    when bool_or(error_type = 'CAST') then 'cast'
                    else lower(replace(min(error_type), ' ', '_')) end as error_type,
               string_agg(distinct error_message, '; ' order by error_message) as reason
        from _rejects group by line order by line
        """
    ).fetchall()
    good = con.execute("select count(*) from _good").fetchone()[0]
    return good, [(int(line), "csv_" + error_type, reason) for line, error_type, reason in rejected]
