"""What previews and test sends read from the warehouse (read-only), with errors a person can act on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from renderers.campaign_meta import read_campaigns
from renderers.payload_inputs import PAYLOAD_INPUTS_RELATION, read_payload_inputs
from renderers.preview import EmailRenderer, PreviewError, PreviewRow, select_preview_row

if TYPE_CHECKING:
    from renderers.model import RenderedEmail

CUSTOMERS_RELATION = "marts.dim_customers"
DECISIONS_RELATION = "campaigns.campaign_decisions"


def read_person_rows(db_path: Path, person_id: str) -> list[dict]:
    """The person's payload_inputs rows. None: a PreviewError saying whether the person is unknown or
    was not planned, and why (each campaign's decision for them)."""
    _check_warehouse(db_path)
    rows = _read(lambda: read_payload_inputs(db_path, person_id=person_id), db_path)
    if rows:
        return rows
    known, decisions = _read(lambda: _person_decisions(db_path, person_id), db_path)
    if not known:
        raise PreviewError(
            f"person {person_id!r} is not in the warehouse ({CUSTOMERS_RELATION} in {db_path})"
        )
    why = "; ".join(f"{campaign}: {reason}" for campaign, reason in decisions) or "in no campaign's audience"
    raise PreviewError(
        f"person {person_id!r} has no planned send in {PAYLOAD_INPUTS_RELATION} ({why}). A preview starts "
        "from one of the person's payload rows: pick a planned person, e.g. from `tailor preview --gallery`"
    )


def render_person_email(
    db_path: Path,
    manifest_path: Path,
    renderer: EmailRenderer,
    person_id: str,
    *,
    campaign: str | None = None,
    variant: str | None = None,
) -> tuple[RenderedEmail, PreviewRow]:
    """The person's email for ``campaign`` / ``variant`` (see renderers.preview.select_preview_row)."""
    rows = read_person_rows(db_path, person_id)
    preview = select_preview_row(rows, read_campaigns(manifest_path), campaign=campaign, variant=variant)
    return renderer.render(preview.row), preview


def read_gallery_rows(db_path: Path) -> list[dict]:
    """The payload rows a gallery can pick from: the lowest person id per campaign × variant × segment
    (the same row renderers.preview.gallery_selection would pick from all of them)."""
    _check_warehouse(db_path)
    sql = f"""
        select * from {PAYLOAD_INPUTS_RELATION}
        qualify row_number() over (partition by campaign, variant, segment_name order by person_id) = 1
        order by campaign, variant, segment_name
    """
    return _read(lambda: _fetch_dicts(db_path, sql), db_path)


def _person_decisions(db_path: Path, person_id: str) -> tuple[bool, list[tuple[str, str]]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        known = con.execute(f"select count(*) from {CUSTOMERS_RELATION} where person_id = ?", [person_id])
        is_known = known.fetchone()[0] > 0
        decisions = con.execute(
            f"select campaign, coalesce(exclusion_reason, outcome) from {DECISIONS_RELATION} "
            "where person_id = ? order by campaign",
            [person_id],
        ).fetchall()
        return is_known, decisions
    finally:
        con.close()


def _fetch_dicts(db_path: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.close()


def _check_warehouse(db_path: Path) -> None:
    if not Path(db_path).is_file():
        raise PreviewError(f"no warehouse at {db_path}: build one first (`tailor demo` or `tailor build`)")


def _read(query, db_path: Path):
    try:
        return query()
    except duckdb.CatalogException as error:
        raise PreviewError(f"the warehouse {db_path} is not built up to the campaigns ({error})") from error
    except duckdb.IOException as error:
        if "lock" in str(error).lower():  # DuckDB admits no reader while another process writes
            raise PreviewError(
                f"the warehouse {db_path} is being written by another process; retry when it is done"
            ) from error
        raise
