-- One row per landing file loaded, with its reconciliation (lines in = header + blank + loaded + quarantined).
select
    file_path,
    source_table,
    landed_hour,
    file_size,
    sha256,
    lines_in,
    header_lines,
    blank_lines,
    rows_loaded,
    rows_quarantined,
    is_reconciled,
    note,
    batch_id,
    {{ to_utc_timestamp('loaded_at') }} as loaded_at,
    version
from {{ source('loads', 'load_manifest') }}
