-- Lines the loader quarantined, one row each.
select
    source_table,
    source_file,
    line_number,
    error_type,
    reason,
    original_text,
    batch_id,
    {{ to_utc_timestamp('loaded_at') }} as loaded_at
from {{ source('loads', 'quarantine') }}
