-- ESP rows that are not events, with the reason (see macro staged_event_rejects).
{{ config(**partition_replace_config('_landed_hour')) }}
{{ staged_event_rejects(ref('base_esp__events'), ref('stg_esp__events')) }}
