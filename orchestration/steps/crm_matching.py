"""Probabilistic matching of CRM duplicates as a warehouse step.

Reads the current contacts from ``staging.stg_crm__contacts``, runs ``ml.identity.match_contacts`` (Splink,
Fellegi-Sunter, DuckDB backend) and replaces ``ml.crm_contact_matches`` in one transaction, so dbt's
identity models (source ``ml.crm_contact_matches``) always see one complete run. Each run is also recorded
in ``ml.crm_contact_match_runs``.

``run_crm_matching_if_changed`` skips the work when the contacts (and the configuration) are the ones the
last run matched: the result is a deterministic function of them (seeded training), and contacts only
change with the daily CRM exports, so 23 of 24 hourly runs need no matching.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ml.identity.matching import MatchingConfig, match_contacts
from ml.identity.standardize import CONTACT_COLUMNS


@dataclass(frozen=True)
class MatchingRun:
    run_id: str
    contacts: int
    pairs: int
    seconds: float
    match_threshold: float


def run_crm_matching(db_path: Path | str, config: MatchingConfig | None = None) -> MatchingRun:
    config = config or MatchingConfig()
    started = time.perf_counter()
    con = duckdb.connect(str(db_path))
    try:
        # staging calls the country `country_code`; the matcher takes the CRM export's names
        columns = ", ".join("country_code as country" if c == "country" else c for c in CONTACT_COLUMNS)
        contacts = con.execute(f"select {columns} from staging.stg_crm__contacts order by contact_id").df()
    finally:
        con.close()  # Splink opens its own DuckDB; keep the warehouse file free meanwhile
    contacts["birth_date"] = contacts["birth_date"].astype("string")
    result = match_contacts(contacts, config)

    run = MatchingRun(
        run_id=uuid.uuid4().hex[:12],
        contacts=len(contacts),
        pairs=len(result.pairs),
        seconds=round(time.perf_counter() - started, 3),
        match_threshold=config.match_threshold,
    )
    now = datetime.now(UTC)
    pairs = result.pairs.assign(run_id=run.run_id, matched_at=now)
    con = duckdb.connect(str(db_path))
    try:
        con.register("pairs_frame", pairs)
        con.execute("create schema if not exists ml")
        con.execute("begin transaction")
        con.execute("drop table if exists ml.crm_contact_matches")
        con.execute(
            "create table ml.crm_contact_matches as select contact_id_l::varchar as contact_id_l, "
            "contact_id_r::varchar as contact_id_r, match_probability::double as match_probability, "
            "match_weight::double as match_weight, run_id::varchar as run_id, matched_at::timestamptz as matched_at "
            "from pairs_frame"
        )
        con.execute(
            "create table if not exists ml.crm_contact_match_runs (run_id varchar, contacts bigint, pairs bigint, "
            "seconds double, match_threshold double, settings_json varchar, ran_at timestamptz)"
        )
        con.execute(
            "insert into ml.crm_contact_match_runs values (?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id,
                run.contacts,
                run.pairs,
                run.seconds,
                run.match_threshold,
                result.summary.settings_json,
                now,
            ],
        )
        con.execute("commit")
    finally:
        con.close()
    return run


def contacts_fingerprint(db_path: Path | str, config: MatchingConfig | None = None) -> str:
    """A digest of what matching reads (the contacts' matched columns) and of its configuration."""
    config = config or MatchingConfig()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = ", ".join("country_code" if c == "country" else c for c in CONTACT_COLUMNS)
        (contacts_digest,) = con.execute(
            f"select md5(cast(list(struct_pack({columns}) order by contact_id) as varchar)) "
            "from staging.stg_crm__contacts"
        ).fetchone()
    finally:
        con.close()
    return hashlib.sha256(f"{config!r}|{contacts_digest}".encode()).hexdigest()[:32]


def run_crm_matching_if_changed(
    db_path: Path | str, config: MatchingConfig | None = None
) -> tuple[MatchingRun | None, str]:
    """Match unless the last recorded run matched the same contacts: (the new run or None, fingerprint)."""
    fingerprint = contacts_fingerprint(db_path, config)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists ml")
        con.execute(
            "create table if not exists ml.crm_contact_match_inputs "
            "(run_id varchar, contacts_fingerprint varchar, recorded_at timestamptz)"
        )
        (last,) = con.execute(
            "select max_by(contacts_fingerprint, recorded_at) from ml.crm_contact_match_inputs"
        ).fetchone()
        has_matches = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'ml' and table_name = 'crm_contact_matches'"
        ).fetchone()[0]
    finally:
        con.close()
    if last == fingerprint and has_matches:
        return None, fingerprint
    run = run_crm_matching(db_path, config)
    con = duckdb.connect(str(db_path))
    try:
        con.execute(
            "insert into ml.crm_contact_match_inputs values (?, ?, ?)",
            [run.run_id, fingerprint, datetime.now(UTC)],
        )
    finally:
        con.close()
    return run, fingerprint
