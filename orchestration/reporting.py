"""Plain-text reports for the terminal: what a load did, what the warehouse holds."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from orchestration.extract.load import LoadReport


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[str(h) for h in headers]] + [
        [f"{v:,}" if isinstance(v, int) else str(v) for v in r] for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if n and c.replace(",", "").isdigit() else c.ljust(w)
                for c, w in zip(row, widths, strict=True)
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_load_report(report: LoadReport, db_path: Path) -> None:
    print_load_summary(report.summary(), db_path)


def print_load_summary(summary: Mapping, db_path: Path) -> None:
    """A load's files and rows per source, from LoadReport.summary() (also a Dagster run's metadata)."""
    print(f"\nload batch {summary['batch_id']} into {db_path} ({summary['seconds']:.1f} s)")
    rows = [
        (
            source,
            t["files_new"],
            t["files_skipped"],
            t["files_problem"],
            t["lines_in"],
            t["loaded"],
            t["quarantined"],
        )
        for source, t in sorted(summary["totals"].items())
    ]
    print(
        _table(
            ["source table", "new files", "skipped", "problems", "lines in", "loaded", "quarantined"], rows
        )
    )
    for f in summary["problems"]:
        print(f"  ! {f['relative_path']}: {f['status']}; {f['note']}")
    for path in summary["unrecognized"]:
        print(f"  ! {path}: no source claims this file (recorded in raw.load_issues)")


def print_warehouse_summary(db_path: Path) -> None:
    if not Path(db_path).exists():
        print(f"no warehouse at {db_path} yet")
        return
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        print(f"\nwarehouse {db_path}")
        rows = con.execute(
            """
            select source_table, count(*), sum(lines_in), sum(rows_loaded), sum(rows_quarantined),
                   count(*) filter (not is_reconciled)
            from raw.load_manifest group by 1 order by 1
            """
        ).fetchall()
        print("\nlanding files loaded (lines in = header + blank + loaded + quarantined):")
        print(_table(["source table", "files", "lines in", "loaded", "quarantined", "unreconciled"], rows))
        rows = con.execute(
            "select source_table, error_type, count(*) from raw.quarantine group by 1, 2 order by 1, 2"
        ).fetchall()
        if rows:
            print("\nquarantined at load (raw.quarantine):")
            print(_table(["source table", "reason", "rows"], rows))
        rows = con.execute(
            "select issue_type, count(*) from raw.load_issues group by 1 order by 1"
        ).fetchall()
        if rows:
            print("\nload issues (raw.load_issues):")
            print(_table(["issue", "files"], rows))
        staging = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like 'stg%' order by 1"
        ).fetchall()
        if staging:
            counts = [
                (name, con.execute(f'select count(*) from staging."{name}"').fetchone()[0])
                for (name,) in staging
            ]
            print("\nstaging models (schema staging):")
            print(_table(["model", "rows"], counts))
            rows = []
            quarantines = con.execute(
                "select table_name from information_schema.columns "
                "where table_schema = 'staging' and column_name = 'rejection_reason' and table_name like 'stg%'"
            ).fetchall()
            for (name,) in sorted(quarantines):
                rows += con.execute(
                    f"select '{name}', rejection_reason, count(*) from staging.\"{name}\" group by 2 order by 2"
                ).fetchall()
            if rows:
                print("\nquarantined in staging:")
                print(_table(["model", "reason", "rows"], rows))
        marts = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        if marts:
            counts = [
                (name, con.execute(f'select count(*) from marts."{name}"').fetchone()[0]) for (name,) in marts
            ]
            print("\nmarts (schema marts):")
            print(_table(["model", "rows"], counts))
        if ("dim_customers",) in marts:
            persons, identified, emailable, merged = con.execute(
                "select count(*), count(*) filter (is_identified), count(*) filter (is_emailable), "
                "count(*) filter (contact_ids > 1) from marts.dim_customers"
            ).fetchone()
            print(
                f"\npersons: {persons:,}; identified (contact or email): {identified:,}; emailable now: {emailable:,}; "
                f"with several CRM contacts merged: {merged:,}"
            )
        schemas = {
            row[0]
            for row in con.execute("select distinct table_schema from information_schema.tables").fetchall()
        }
        if "segments" in schemas:
            rows = con.execute(
                "select segment_name, count(*) from segments.segment_memberships group by 1 order by 1"
            ).fetchall()
            print("\nsegments (segments.segment_memberships):")
            print(_table(["segment", "persons"], rows))
        if "campaigns" in schemas:
            rows = con.execute(
                """
                select campaign, 'planned' as outcome, count(*) from campaigns.planned_sends group by 1
                union all
                select campaign, exclusion_reason, count(*) from campaigns.excluded_sends group by 1, 2
                order by 1, 2
                """
            ).fetchall()
            print(
                "\ncampaigns this run (campaigns.planned_sends / excluded_sends; payloads: campaigns.payload_inputs):"
            )
            print(_table(["campaign", "outcome", "persons"], rows))
    finally:
        con.close()
