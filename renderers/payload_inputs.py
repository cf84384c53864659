"""Reading the warehouse's planned sends (the dbt model ``payload_inputs``), read-only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

# dbt builds the marts/campaigns folder into the `campaigns` schema (dbt_project.yml).
PAYLOAD_INPUTS_RELATION = "campaigns.payload_inputs"
# A stable order, so a batch renders to the same shards every time.
_ORDER = "order by run_id, campaign, variant, person_id"


@dataclass(frozen=True)
class PayloadRows:
    """Planned sends as the warehouse returned them: column names and one tuple per row (compact: a
    batch of 100k rows as dicts would take several times the memory)."""

    columns: tuple[str, ...]
    rows: Sequence[tuple]

    def row(self, index: int) -> dict[str, object]:
        return dict(zip(self.columns, self.rows[index], strict=True))

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def from_dicts(cls, rows: Sequence[dict]) -> PayloadRows:
        columns = tuple(rows[0]) if rows else ()
        return cls(columns, [tuple(row[c] for c in columns) for row in rows])


def _query(person_id: str | None, campaign: str | None, variant: str | None) -> tuple[str, list[str]]:
    conditions, params = [], []
    for column, value in (("person_id", person_id), ("campaign", campaign), ("variant", variant)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    where = f"where {' and '.join(conditions)}" if conditions else ""
    return f"select * from {PAYLOAD_INPUTS_RELATION} {where} {_ORDER}", params


def read_payload_inputs(
    db_path: Path | str,
    *,
    person_id: str | None = None,
    campaign: str | None = None,
    variant: str | None = None,
) -> list[dict]:
    """Planned sends as dicts (one per row, column name -> value; NULL is None), optionally filtered."""
    return list(iter_payload_inputs(db_path, person_id=person_id, campaign=campaign, variant=variant))


def fetch_payload_rows(
    db_path: Path | str,
    *,
    person_id: str | None = None,
    campaign: str | None = None,
    variant: str | None = None,
) -> PayloadRows:
    """Every matching planned send, in one read (the connection is closed when it returns)."""
    sql, params = _query(person_id, campaign, variant)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute(sql, params)
        columns = tuple(d[0] for d in cursor.description)
        return PayloadRows(columns, cursor.fetchall())
    finally:
        con.close()


def iter_payload_inputs(
    db_path: Path | str,
    *,
    person_id: str | None = None,
    campaign: str | None = None,
    variant: str | None = None,
    fetch_size: int = 10_000,
) -> Iterator[dict]:
    """Like :func:`read_payload_inputs`, fetched in chunks. The connection stays open (read-only) until
    the iterator is exhausted or closed; DuckDB allows no writer meanwhile, so consume it promptly."""
    sql, params = _query(person_id, campaign, variant)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        while chunk := cursor.fetchmany(fetch_size):
            for values in chunk:
                yield dict(zip(columns, values, strict=True))
    finally:
        con.close()
