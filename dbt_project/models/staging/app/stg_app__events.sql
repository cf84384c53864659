-- One row per app event id (the copy from the earliest file and line; see macro staged_event_winners).
{{ config(**row_upsert_config('event_id')) }}
{{ staged_event_winners(ref('base_app__events'), [
    'event_id', 'event_type', 'occurred_at', 'device_id', 'user_id', 'platform', 'app_version',
    'screen_name', 'product_id', 'price', 'quantity', 'order_id', 'revenue']) }}
