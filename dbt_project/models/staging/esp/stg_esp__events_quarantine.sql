select
    rejection_reason,
    event_id,
    event_type,
    occurred_at_text,
    original_text,
    _source_file,
    _line_number
from {{ ref('base_esp__events') }}
where rejection_reason is not null
