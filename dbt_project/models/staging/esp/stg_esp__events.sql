-- One row per ESP event id (the copy from the earliest file and line; see macro staged_event_winners).
{{ config(**row_upsert_config('event_id')) }}
{{ staged_event_winners(ref('base_esp__events'), [
    'event_id', 'event_type', 'occurred_at', 'email', 'campaign_id', 'message_id', 'clicked_url',
    'bounce_type', 'user_agent']) }}
