"""What each landing source looks like: where its files are, how they are read, and the raw table they fill.

The contract with the source systems is ``docs/landing_format.md``; this module is its machine-readable half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FileFormat(StrEnum):
    CSV = "csv"  # header line, typed columns, cast errors quarantined
    NDJSON = "ndjson"  # one JSON object per line, stored as JSON; fields are extracted in dbt staging
    TEXT = "text"  # one record per line (web access logs), parsed in dbt staging


@dataclass(frozen=True)
class SourceSpec:
    table: str  # raw.<table>
    glob: str  # relative to the landing folder
    file_format: FileFormat
    columns: dict[str, str] = field(default_factory=dict)  # CSV: expected header -> DuckDB type
    description: str = ""


_CONTACT_COLUMNS = {
    "contact_id": "VARCHAR",
    "email": "VARCHAR",
    "first_name": "VARCHAR",
    "last_name": "VARCHAR",
    "phone": "VARCHAR",
    "street": "VARCHAR",
    "city": "VARCHAR",
    "postcode": "VARCHAR",
    "country": "VARCHAR",
    "birth_date": "DATE",
    "created_at": "TIMESTAMPTZ",
    "updated_at": "TIMESTAMPTZ",
    "marketing_opt_in": "BOOLEAN",
}

SOURCES: dict[str, SourceSpec] = {
    spec.table: spec
    for spec in [
        SourceSpec(
            "crm_contacts",
            "crm/contacts/*.csv",
            FileFormat.CSV,
            _CONTACT_COLUMNS,
            "CRM contacts: full export on the first day, then contacts created or updated each day.",
        ),
        SourceSpec(
            "crm_orders",
            "crm/orders/*.csv",
            FileFormat.CSV,
            {
                "order_id": "VARCHAR",
                "contact_id": "VARCHAR",
                "email": "VARCHAR",
                "ordered_at": "TIMESTAMPTZ",
                "status": "VARCHAR",
                "currency": "VARCHAR",
                "total_amount": "DECIMAL(14,2)",
                "channel": "VARCHAR",
            },
            "CRM orders, one file per day of ordered_at.",
        ),
        SourceSpec(
            "crm_order_items",
            "crm/order_items/*.csv",
            FileFormat.CSV,
            {
                "order_id": "VARCHAR",
                "line_number": "INTEGER",
                "product_id": "VARCHAR",
                "quantity": "INTEGER",
                "unit_price": "DECIMAL(14,2)",
            },
            "CRM order lines.",
        ),
        SourceSpec(
            "crm_products",
            "crm/products/*.csv",
            FileFormat.CSV,
            {
                "product_id": "VARCHAR",
                "name": "VARCHAR",
                "category": "VARCHAR",
                "price": "DECIMAL(14,2)",
                "url": "VARCHAR",
                "image_url": "VARCHAR",
            },
            "Product catalog.",
        ),
        SourceSpec(
            "consent_records",
            "consent/*.csv",
            FileFormat.CSV,
            {
                "consent_id": "VARCHAR",
                "contact_id": "VARCHAR",
                "email": "VARCHAR",
                "purpose": "VARCHAR",
                "status": "VARCHAR",
                "recorded_at": "TIMESTAMPTZ",
                "source": "VARCHAR",
            },
            "Consent events per person and purpose.",
        ),
        SourceSpec(
            "web_access_logs",
            "web/access_logs/**/*.log*",
            FileFormat.TEXT,
            description="Web server access logs (combined format), one gzip file per hour.",
        ),
        SourceSpec(
            "web_tracker_events",
            "web/tracker/**/*.ndjson",
            FileFormat.NDJSON,
            description="Browser tracker events (NDJSON), one file per hour.",
        ),
        SourceSpec(
            "app_events",
            "app/events/**/*.ndjson",
            FileFormat.NDJSON,
            description="Mobile app event exports (NDJSON), one file per hour.",
        ),
        SourceSpec(
            "esp_events",
            "esp/events/**/*.ndjson",
            FileFormat.NDJSON,
            description="Email service provider events (NDJSON), one file per hour.",
        ),
    ]
}

# Columns every raw table carries, so any row can be traced back to its file and line.
LINEAGE_COLUMNS = {
    "_source_file": "VARCHAR",
    "_line_number": "BIGINT",
    "_batch_id": "VARCHAR",
    "_loaded_at": "TIMESTAMPTZ",
}


def raw_table_columns(spec: SourceSpec) -> dict[str, str]:
    if spec.file_format is FileFormat.CSV:
        payload = dict(spec.columns) | {"_extra_columns": "JSON"}
    elif spec.file_format is FileFormat.NDJSON:
        payload = {"record": "VARCHAR"}  # JSON text, validated at load (json_valid and an object)
    else:
        payload = {"line": "VARCHAR"}
    return payload | LINEAGE_COLUMNS
