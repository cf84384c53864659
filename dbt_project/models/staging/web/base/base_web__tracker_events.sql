-- Every raw tracker row, parsed, with the reason it cannot be used (NULL when it can).
-- stg_web__tracker_events keeps the usable rows, stg_web__tracker_events_quarantine the rest:
-- together they account for every raw row.
{{ config(**partition_replace_config('_landed_hour')) }}
with source as (

    {{ landed_rows('web', 'web_tracker_events') }}

),

parsed as (

    select
        {{ json_string('record', '$.event_id') }} as event_id,
        lower({{ json_string('record', '$.event_type') }}) as event_type,
        {{ json_string('record', '$.occurred_at') }} as occurred_at_text,
        {{ to_utc_timestamp(json_string('record', '$.occurred_at')) }} as occurred_at,
        {{ json_string('record', '$.anonymous_id') }} as anonymous_id,
        {{ json_string('record', '$.session_id') }} as session_id,
        {{ clean_text(json_string('record', '$.user_id')) }} as user_id,
        {{ normalize_email(json_string('record', '$.email')) }} as email,
        {{ json_string('record', '$.page_url') }} as page_url,
        {{ json_string('record', '$.referrer') }} as referrer_url,
        {{ json_string('record', '$.user_agent') }} as user_agent,
        {{ json_string('record', '$.ip') }} as ip_address,
        {{ json_string('record', '$.properties.product_id') }} as product_id,
        lower({{ json_string('record', '$.properties.category') }}) as category,
        try_cast({{ json_string('record', '$.properties.price') }} as decimal(14, 2)) as price,
        try_cast({{ json_string('record', '$.properties.quantity') }} as integer) as quantity,
        {{ json_string('record', '$.properties.order_id') }} as order_id,
        try_cast({{ json_string('record', '$.properties.revenue') }} as decimal(14, 2)) as revenue,
        {{ json_string('record', '$.properties.form_id') }} as form_id,
        cast(record as varchar) as original_text,
        _source_file,
        _line_number,
        _landed_hour,
        _loaded_at
    from source

)

{{ classify_event_rows('parsed', var('tailor__tracker_event_types')) }}
