-- One row per tracker event id (the copy from the earliest file and line; see macro staged_event_winners).
{{ config(**row_upsert_config('event_id')) }}
{{ staged_event_winners(ref('base_web__tracker_events'), [
    'event_id', 'event_type', 'occurred_at', 'anonymous_id', 'session_id', 'user_id', 'email', 'page_url',
    'referrer_url', 'user_agent', 'ip_address', 'product_id', 'category', 'price', 'quantity', 'order_id',
    'revenue', 'form_id']) }}
