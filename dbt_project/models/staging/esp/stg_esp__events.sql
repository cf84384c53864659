select
    event_id,
    event_type,
    occurred_at,
    email,
    campaign_id,
    message_id,
    clicked_url,
    bounce_type,
    user_agent,
    _source_file,
    _line_number
from {{ ref('base_esp__events') }}
where rejection_reason is null
