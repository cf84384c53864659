-- App rows that are not events, with the reason (see macro staged_event_rejects).
{{ config(**partition_replace_config('_landed_hour')) }}
{{ staged_event_rejects(ref('base_app__events'), ref('stg_app__events')) }}
