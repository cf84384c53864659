-- Every raw app row, parsed, with the reason it cannot be used (NULL when it can), partitioned by
-- landing hour (macro landed_rows): incremental runs parse only the hours they rebuild; see classify_event_rows.
{{ config(**partition_replace_config('_landed_hour')) }}
with source as (

    {{ landed_rows('app', 'app_events') }}

),

parsed as (

    select
        {{ json_string('record', '$.event_id') }} as event_id,
        lower({{ json_string('record', '$.event_name') }}) as event_type,
        {{ json_string('record', '$.timestamp') }} as occurred_at_text,
        {{ to_utc_timestamp(json_string('record', '$.timestamp')) }} as occurred_at,
        {{ json_string('record', '$.device_id') }} as device_id,
        {{ clean_text(json_string('record', '$.user_id')) }} as user_id,
        lower({{ json_string('record', '$.platform') }}) as platform,
        {{ json_string('record', '$.app_version') }} as app_version,
        {{ json_string('record', '$.screen') }} as screen_name,
        {{ json_string('record', '$.product_id') }} as product_id,
        try_cast({{ json_string('record', '$.price') }} as decimal(14, 2)) as price,
        try_cast({{ json_string('record', '$.quantity') }} as integer) as quantity,
        {{ json_string('record', '$.order_id') }} as order_id,
        try_cast({{ json_string('record', '$.revenue') }} as decimal(14, 2)) as revenue,
        cast(record as varchar) as original_text,
        _source_file,
        _line_number,
        _landed_hour,
        _loaded_at
    from source

)

{{ classify_event_rows('parsed', var('tailor__app_event_types')) }}
