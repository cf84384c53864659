select
    event_id,
    event_type,
    occurred_at,
    anonymous_id,
    session_id,
    user_id,
    email,
    page_url,
    referrer_url,
    user_agent,
    ip_address,
    product_id,
    category,
    price,
    quantity,
    order_id,
    revenue,
    form_id,
    _source_file,
    _line_number
from {{ ref('base_web__tracker_events') }}
where rejection_reason is null
