"""The loader: every line is loaded or quarantined, once, with its file and line; reruns change nothing."""

import gzip
import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.extract.load import load_landing
from orchestration.extract.sources import SOURCES
from tests.conftest import fetch as query

CONTACT_HEADER = (
    "contact_id,email,first_name,last_name,phone,street,city,postcode,country,birth_date,created_at,"
    "updated_at,marketing_opt_in"
)
GOOD_CONTACT = "{id},{id}@example.com,Ann,Lee,+49 30 1,Main 1,Berlin,10115,DE,1980-01-02,2026-10-01T10:00:00+00:00,2026-10-01T10:00:00+02:00,true"
LOG_LINE = (
    '203.0.113.{n} - - [01/Nov/2026:00:00:{n:02d} +0100] "GET /p/{n} HTTP/1.1" 200 512 "-" "Mozilla/5.0"'
)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A small landing folder with known faults. Expected outcome per file in EXPECTED."""
    root = tmp_path / "landing"
    write(
        root / "crm/contacts/contacts_2026-11-01.csv",
        "\n".join(
            [
                CONTACT_HEADER,
                GOOD_CONTACT.format(id="C1"),  # line 2 ok
                GOOD_CONTACT.format(id="C2").replace("1980-01-02", "31.02.1985"),  # 3 bad date
                "",  # 4 blank
                "C3,c3@example.com,Cy",  # 5 too few fields
                GOOD_CONTACT.format(id="C4") + ",surplus",  # 6 too many fields
                GOOD_CONTACT.format(id="C5").replace("Main 1", '"Main 1, back door"'),  # 7 ok, quoted comma
            ]
        )
        + "\n",
    )
    write(
        root / "crm/contacts/contacts_2026-11-02.csv",
        CONTACT_HEADER + ",loyalty_tier\n" + GOOD_CONTACT.format(id="C6") + ",gold\n",
    )
    write(
        root / "web/tracker/2026-11-01/tracker_2026-11-01T00.ndjson",
        '{"event_id":"e1","event_type":"page_view"}\n{"event_id":"e2",\n\n[1,2]\n{"event_id":"e3"}',
    )
    write(root / "web/tracker/2026-11-01/tracker_2026-11-01T01.ndjson", b'{"event_id":"e4"}\n\xff\xfe\n')
    write(
        root / "web/access_logs/2026-11-01/access_2026-11-01T00.log.gz",
        "\n".join(LOG_LINE.format(n=n) for n in range(5)) + "\n203.0.113.9 - - [01/Nov/2026:00:0\n",
    )
    return root


# (lines_in, header, blank, loaded, quarantined) per file
EXPECTED = {
    "crm/contacts/contacts_2026-11-01.csv": (7, 1, 1, 2, 3),
    "crm/contacts/contacts_2026-11-02.csv": (2, 1, 0, 1, 0),
    "web/tracker/2026-11-01/tracker_2026-11-01T00.ndjson": (5, 0, 1, 2, 2),
    "web/tracker/2026-11-01/tracker_2026-11-01T01.ndjson": (2, 0, 0, 1, 1),
    "web/access_logs/2026-11-01/access_2026-11-01T00.log.gz": (6, 0, 0, 6, 0),  # parsed in dbt staging
}


def table_digest(db: Path) -> dict[str, str]:
    """A content hash of every table in the database (rows sorted), to prove a rerun changed nothing."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall()
        digests = {}
        for schema, name in tables:
            rows = sorted(map(repr, con.execute(f'select * from "{schema}"."{name}"').fetchall()))
            digests[f"{schema}.{name}"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return digests
    finally:
        con.close()


def test_every_line_is_loaded_or_quarantined_per_file(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    report = load_landing(db, landing)
    manifest = {
        row[0]: row[1:]
        for row in query(
            db,
            "select file_path, lines_in, header_lines, blank_lines, rows_loaded, rows_quarantined, is_reconciled "
            "from raw.load_manifest",
        )
    }
    assert {path: values[:5] for path, values in manifest.items()} == EXPECTED
    assert all(values[5] for values in manifest.values())
    assert {f.relative_path for f in report.loaded} == set(EXPECTED)
    # What the manifest says is what the tables hold.
    for path, (_, _, _, loaded, quarantined) in EXPECTED.items():
        table = next(t for t in SOURCES if path.startswith(SOURCES[t].glob.split("*")[0]))
        assert query(db, f"select count(*) from raw.{table} where _source_file = ?", [path])[0][0] == loaded
        assert (
            query(db, "select count(*) from raw.quarantine where source_file = ?", [path])[0][0]
            == quarantined
        )


def test_quarantine_keeps_reason_line_and_original_text(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    load_landing(db, landing)
    rows = query(
        db,
        "select source_file, line_number, error_type, original_text from raw.quarantine order by 1, 2",
    )
    by_place = {(Path(f).name, n): (kind, text) for f, n, kind, text in rows}
    assert by_place[("contacts_2026-11-01.csv", 3)][0] == "csv_cast"
    assert "31.02.1985" in by_place[("contacts_2026-11-01.csv", 3)][1]
    assert by_place[("contacts_2026-11-01.csv", 5)] == ("csv_missing_columns", "C3,c3@example.com,Cy")
    assert by_place[("contacts_2026-11-01.csv", 6)][0] == "csv_too_many_columns"
    assert by_place[("tracker_2026-11-01T00.ndjson", 2)] == ("invalid_json", '{"event_id":"e2",')
    assert by_place[("tracker_2026-11-01T00.ndjson", 4)] == ("json_not_an_object", "[1,2]")
    assert by_place[("tracker_2026-11-01T01.ndjson", 2)][0] == "invalid_encoding"


def test_loaded_rows_keep_their_file_and_line(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    load_landing(db, landing)
    contacts = query(db, "select contact_id, street, _line_number from raw.crm_contacts order by 1")
    assert contacts == [("C1", "Main 1", 2), ("C5", "Main 1, back door", 7), ("C6", "Main 1", 2)]
    events = query(db, "select record->>'event_id', _line_number from raw.web_tracker_events order by 1")
    assert events == [("e1", 1), ("e3", 5), ("e4", 1)]
    logs = query(db, "select _line_number, line from raw.web_access_logs order by 1")
    assert [n for n, _ in logs] == [1, 2, 3, 4, 5, 6]
    assert logs[2][1] == LOG_LINE.format(n=2)
    # Offsets are applied: 10:00+02:00 is 08:00 UTC.
    assert query(
        db, "select hour(timezone('UTC', updated_at)) from raw.crm_contacts where contact_id = 'C1'"
    ) == [(8,)]


def test_schema_drift_keeps_extra_columns_and_reports_them(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    load_landing(db, landing)
    assert query(
        db, "select _extra_columns->>'loyalty_tier' from raw.crm_contacts where contact_id = 'C6'"
    ) == [("gold",)]
    issues = query(db, "select file_path, issue_type from raw.load_issues")
    assert ("crm/contacts/contacts_2026-11-02.csv", "schema_drift") in issues


def test_loading_twice_changes_no_table(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    load_landing(db, landing)
    before = table_digest(db)
    second = load_landing(db, landing)
    assert {f.status for f in second.files} == {"unchanged"}
    assert table_digest(db) == before
    # Even with every checksum verified, nothing is loaded again.
    third = load_landing(db, landing, verify_checksums=True)
    assert {f.status for f in third.files} == {"unchanged"}
    assert table_digest(db) == before


def test_a_modified_file_is_reported_not_reloaded_then_replaced_on_request(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    load_landing(db, landing)
    target = landing / "web/tracker/2026-11-01/tracker_2026-11-01T00.ndjson"
    target.write_text('{"event_id":"e1","event_type":"page_view"}\n{"event_id":"e9"}\n')
    os.utime(target, ns=(1, 1))  # a different mtime, whatever the clock's resolution

    report = load_landing(db, landing)
    changed = [f for f in report.files if f.status == "changed"]
    assert [f.relative_path for f in changed] == ["web/tracker/2026-11-01/tracker_2026-11-01T00.ndjson"]
    issues = query(db, "select issue_type, detail from raw.load_issues where file_path like '%T00.ndjson'")
    assert issues and issues[0][0] == "changed_after_load" and "--replace-changed" in issues[0][1]
    ids = query(db, "select record->>'event_id' from raw.web_tracker_events order by 1")
    assert ids == [("e1",), ("e3",), ("e4",)]  # the old rows, untouched, nothing doubled

    before = table_digest(db)
    load_landing(db, landing)  # reporting again does not repeat the issue
    assert table_digest(db) == before

    report = load_landing(db, landing, replace_changed=True)
    assert [f.status for f in report.files if f.status == "replaced"] == ["replaced"]
    ids = query(db, "select record->>'event_id' from raw.web_tracker_events order by 1")
    assert ids == [("e1",), ("e4",), ("e9",)]
    assert query(db, "select count(*) from raw.quarantine where source_file like '%T00.ndjson'") == [(0,)]
    assert query(
        db, "select version, lines_in, rows_loaded from raw.load_manifest where file_path like '%T00.ndjson'"
    ) == [(2, 2, 2)]


def test_unrecognized_and_headerless_files_are_reported_not_lost(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    write(landing / "notes/readme.txt", "hello\n")
    write(landing / "crm/orders/orders_2026-11-01.csv", "O1,C1,a@x.com\nO2,C2,b@x.com\n")  # no header
    load_landing(db, landing)
    issues = dict(query(db, "select file_path, issue_type from raw.load_issues"))
    assert issues["notes/readme.txt"] == "unrecognized_file"
    assert issues["crm/orders/orders_2026-11-01.csv"] == "bad_header"
    assert query(
        db, "select line_number, original_text from raw.quarantine where error_type = 'bad_header' order by 1"
    ) == [(1, "O1,C1,a@x.com"), (2, "O2,C2,b@x.com")]


def test_only_filter_loads_a_subset_and_the_rest_later(landing, tmp_path):
    db = tmp_path / "w.duckdb"
    first = load_landing(db, landing, only=lambda f: f.landed_hour == "2026-11-01T00")
    assert {f.relative_path for f in first.loaded} == {
        "web/tracker/2026-11-01/tracker_2026-11-01T00.ndjson",
        "web/access_logs/2026-11-01/access_2026-11-01T00.log.gz",
    }
    rest = load_landing(db, landing)
    assert {f.relative_path for f in rest.loaded} == set(EXPECTED) - {f.relative_path for f in first.loaded}
