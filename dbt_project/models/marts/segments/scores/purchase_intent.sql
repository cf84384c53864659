-- A transparent, rule-based purchase intent class for every person active in the last
-- tailor__intent_window_days days ending on run_date (the baseline a later ML model must beat). The first
-- rule that matches wins:
--   'High Purchase Intent': at least tailor__intent_high_min_cart_adds cart adds or a checkout start without
--       a completed purchase after it in the window, or at least tailor__intent_high_min_product_views
--       product views;
--   'Researching': at least tailor__intent_researching_min_product_views product views, or product views in
--       at least tailor__intent_researching_min_sessions web sessions;
--   'Browsing Casual': any other activity (pages, app screens, email clicks).
{%- set window_days = var('tailor__intent_window_days') | int %}
with events as (

    select person_id, event_type, web_session_id, occurred_at, cast(occurred_at as date) as occurred_on
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type in (
            'page_view', 'product_view', 'add_to_cart', 'checkout_start', 'screen_view', 'button_tap',
            'email_click', 'purchase'
        )

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

windowed as (

    select events.*
    from events
    cross join run_dates
    where events.occurred_on <= run_dates.run_date
        and {{ dbt.datediff('events.occurred_on', 'run_dates.run_date', 'day') }} < {{ window_days }}

),

activity as (

    select
        person_id,
        sum(case when event_type = 'product_view' then 1 else 0 end) as product_views,
        count(distinct case when event_type = 'product_view' then web_session_id end) as product_view_sessions,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as cart_adds,
        sum(case when event_type = 'checkout_start' then 1 else 0 end) as checkouts,
        max(case when event_type in ('add_to_cart', 'checkout_start') then occurred_at end) as last_cart_at,
        max(case when event_type = 'purchase' then occurred_at end) as last_purchase_at
    from windowed
    group by person_id

),

classified as (

    select
        activity.*,
        (activity.cart_adds >= {{ var('tailor__intent_high_min_cart_adds') }} or activity.checkouts > 0)
            and (activity.last_purchase_at is null or activity.last_purchase_at < activity.last_cart_at)
            as has_open_cart,
        case
            when (
                (activity.cart_adds >= {{ var('tailor__intent_high_min_cart_adds') }} or activity.checkouts > 0)
                and (activity.last_purchase_at is null or activity.last_purchase_at < activity.last_cart_at)
            )
            or activity.product_views >= {{ var('tailor__intent_high_min_product_views') }}
                then 'High Purchase Intent'
            when activity.product_views >= {{ var('tailor__intent_researching_min_product_views') }}
                or activity.product_view_sessions >= {{ var('tailor__intent_researching_min_sessions') }}
                then 'Researching'
            else 'Browsing Casual'
        end as intent_class
    from activity

)

select
    classified.person_id,
    classified.intent_class,
    {{ dbt.concat([
        number_text('classified.product_views'), "' product views in '",
        number_text('classified.product_view_sessions'), "' sessions, '", number_text('classified.cart_adds'),
        "' cart adds, '", number_text('classified.checkouts'), "' checkouts in the last " ~ window_days ~ " days'",
        "case when classified.has_open_cart then ', no purchase since the last cart activity' else '' end",
    ]) }} as intent_reason,
    classified.product_views,
    classified.product_view_sessions,
    classified.cart_adds,
    classified.checkouts,
    classified.has_open_cart,
    run_dates.run_date
from classified
cross join run_dates
