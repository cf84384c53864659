-- One row per web session (see int_web_session_events for how sessions are cut). Durations are from the
-- first to the last event, so a one-event session lasts 0 seconds. A session is is_bot when any of its
-- events came from a crawler user agent; such sessions are kept (flagged) and left out of customer metrics.
with session_events as (

    select * from {{ ref('int_web_session_events') }}

),

events as (

    select event_id, event_type, contact_id, email, page_url, referrer_url, is_bot
    from {{ ref('int_events__unioned') }}
    where source = 'tracker'

),

joined as (

    select
        session_events.web_session_id,
        session_events.anonymous_id,
        session_events.cookie_session_number,
        session_events.event_number_in_session,
        session_events.occurred_at,
        events.event_type,
        events.contact_id,
        events.email,
        events.page_url,
        events.referrer_url,
        events.is_bot
    from session_events
    inner join events on events.event_id = session_events.event_id

)

select
    web_session_id,
    anonymous_id,
    cookie_session_number,
    -- The first identified contact / email in the session (a login or form submit), if any.
    min_by(contact_id, case when contact_id is not null then event_number_in_session end) as contact_id,
    min_by(email, case when email is not null then event_number_in_session end) as email,
    min(occurred_at) as session_started_at,
    max(occurred_at) as session_ended_at,
    {{ seconds_between('min(occurred_at)', 'max(occurred_at)') }} as duration_seconds,
    count(*) as event_count,
    sum(case when event_type in ('page_view', 'product_view') then 1 else 0 end) as page_view_count,
    sum(case when event_type = 'product_view' then 1 else 0 end) as product_view_count,
    sum(case when event_type = 'add_to_cart' then 1 else 0 end) as cart_add_count,
    min_by(page_url, case when page_url is not null then event_number_in_session end) as entry_page_url,
    max_by(page_url, case when page_url is not null then event_number_in_session end) as exit_page_url,
    max(case when event_number_in_session = 1 then referrer_url end) as landing_referrer_url,
    max(case when event_type = 'add_to_cart' then 1 else 0 end) = 1 as has_cart_add,
    max(case when event_type = 'checkout_start' then 1 else 0 end) = 1 as has_checkout,
    max(case when event_type = 'checkout_complete' then 1 else 0 end) = 1 as has_purchase,
    max(case when is_bot then 1 else 0 end) = 1 as is_bot
from joined
group by web_session_id, anonymous_id, cookie_session_number
