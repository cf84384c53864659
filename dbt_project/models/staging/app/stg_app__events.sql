select
    event_id,
    event_type,
    occurred_at,
    device_id,
    user_id,
    platform,
    app_version,
    screen_name,
    product_id,
    price,
    quantity,
    order_id,
    revenue,
    _source_file,
    _line_number
from {{ ref('base_app__events') }}
where rejection_reason is null
