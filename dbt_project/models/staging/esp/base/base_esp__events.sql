-- Every raw ESP row, parsed, with the reason it cannot be used (NULL when it can), partitioned by
-- landing hour (macro landed_rows): incremental runs parse only the hours they rebuild; see classify_event_rows.
{{ config(**partition_replace_config('_landed_hour')) }}
with source as (

    {{ landed_rows('esp', 'esp_events') }}

),

parsed as (

    select
        {{ json_string('record', '$.event_id') }} as event_id,
        lower({{ json_string('record', '$.event') }}) as event_type,
        {{ json_string('record', '$.timestamp') }} as occurred_at_text,
        {{ epoch_seconds_to_timestamp(json_string('record', '$.timestamp')) }} as occurred_at,
        {{ normalize_email(json_string('record', '$.email')) }} as email,
        {{ json_string('record', '$.campaign_id') }} as campaign_id,
        {{ json_string('record', '$.message_id') }} as message_id,
        {{ json_string('record', '$.url') }} as clicked_url,
        lower({{ json_string('record', '$.bounce_type') }}) as bounce_type,
        {{ json_string('record', '$.user_agent') }} as user_agent,
        cast(record as varchar) as original_text,
        _source_file,
        _line_number,
        _landed_hour,
        _loaded_at
    from source

)

{{ classify_event_rows('parsed', var('tailor__esp_event_types')) }}
