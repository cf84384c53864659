-- People who viewed a product (web or app) and neither added anything to the cart nor ordered from the
-- view up to tailor__browse_abandonment_hours after it (inclusive); views judged once that window has
-- passed by the end of run_date, from the last tailor__browse_abandonment_lookback_days days. One row per
-- person: the latest abandoned product.
{%- set window_us = hours_in_microseconds(var('tailor__browse_abandonment_hours')) %}
{%- set lookback_us = days_in_microseconds(var('tailor__browse_abandonment_lookback_days')) %}
with events as (

    select
        event_id,
        person_id,
        event_type,
        occurred_at,
        product_id,
        {{ epoch_microseconds('occurred_at') }} as occurred_us
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type in (
            'product_view', 'add_to_cart', 'checkout_complete', 'purchase', 'purchase_cancelled',
            'purchase_refunded'
        )

),

products as (

    select product_id, product_name from {{ ref('stg_crm__products') }}

),

{{ segment_run_bounds_cte() }},

scoped_events as (

    select events.*
    from events
    cross join run_bounds
    where events.occurred_us < run_bounds.run_ends_us

),

product_views as (

    select scoped_events.*
    from scoped_events
    cross join run_bounds
    where scoped_events.event_type = 'product_view'
        and scoped_events.product_id is not null
        and scoped_events.occurred_us + {{ window_us }} < run_bounds.run_ends_us
        and scoped_events.occurred_us >= run_bounds.run_ends_us - {{ lookback_us }}

),

follow_ups as (

    select person_id, occurred_us from scoped_events where event_type <> 'product_view'

),

view_outcomes as (

    select
        product_views.event_id,
        product_views.person_id,
        product_views.product_id,
        product_views.occurred_at,
        count(follow_ups.person_id) as follow_ups_after
    from product_views
    left join follow_ups
        on follow_ups.person_id = product_views.person_id
        and follow_ups.occurred_us >= product_views.occurred_us
        and follow_ups.occurred_us <= product_views.occurred_us + {{ window_us }}
    group by product_views.event_id, product_views.person_id, product_views.product_id, product_views.occurred_at

),

abandoned as (

    select
        view_outcomes.*,
        count(distinct product_id) over (partition by person_id) as abandoned_products,
        row_number() over (partition by person_id order by occurred_at desc, event_id desc) as recency_rank
    from view_outcomes
    where follow_ups_after = 0

)

select
    abandoned.person_id,
    {{ dbt.concat([
        "'viewed '", "coalesce(products.product_name, abandoned.product_id)", "' on '",
        minute_text('abandoned.occurred_at'),
        "' UTC without adding anything to the cart within " ~ var('tailor__browse_abandonment_hours') ~ " h'",
        "case when abandoned.abandoned_products > 1 then " ~ dbt.concat([
            "' ('", number_text('abandoned.abandoned_products'), "' products browsed)'"]) ~ " else '' end",
    ]) }} as reason,
    abandoned.product_id,
    products.product_name,
    abandoned.occurred_at as viewed_at,
    abandoned.abandoned_products,
    run_bounds.run_date
from abandoned
cross join run_bounds
left join products on products.product_id = abandoned.product_id
where abandoned.recency_rank = 1
