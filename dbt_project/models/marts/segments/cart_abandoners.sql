-- People who added a product to the cart (web or app) and did not order: no order of the person (any
-- status: a cancelled order still went through checkout) in the same web session, nor from the cart add up
-- to tailor__cart_abandonment_hours after it (an order exactly that many hours later still counts as
-- bought). A cart add is judged only once its whole window lies before the end of run_date, so a backfill
-- gives the same answer; the segment holds people with a judged abandonment in the last
-- tailor__cart_abandonment_lookback_days days. One row per person: the latest abandoned product.
{%- set window_us = hours_in_microseconds(var('tailor__cart_abandonment_hours')) %}
{%- set lookback_us = days_in_microseconds(var('tailor__cart_abandonment_lookback_days')) %}
with events as (

    select
        event_id,
        person_id,
        event_type,
        occurred_at,
        web_session_id,
        product_id,
        {{ epoch_microseconds('occurred_at') }} as occurred_us
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type in (
            'add_to_cart', 'checkout_complete', 'purchase', 'purchase_cancelled', 'purchase_refunded'
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

cart_adds as (

    select scoped_events.*
    from scoped_events
    cross join run_bounds
    where scoped_events.event_type = 'add_to_cart'
        and scoped_events.occurred_us + {{ window_us }} < run_bounds.run_ends_us
        and scoped_events.occurred_us >= run_bounds.run_ends_us - {{ lookback_us }}

),

orders as (

    -- The web and app checkout confirmations and the CRM orders (either may resolve where the other does not).
    select person_id, web_session_id, occurred_us
    from scoped_events
    where event_type <> 'add_to_cart'

),

cart_add_outcomes as (

    select
        cart_adds.event_id,
        cart_adds.person_id,
        cart_adds.product_id,
        cart_adds.occurred_at,
        count(orders.person_id) as orders_after
    from cart_adds
    left join orders
        on orders.person_id = cart_adds.person_id
        and (
            orders.web_session_id = cart_adds.web_session_id
            or (
                orders.occurred_us >= cart_adds.occurred_us
                and orders.occurred_us <= cart_adds.occurred_us + {{ window_us }}
            )
        )
    group by cart_adds.event_id, cart_adds.person_id, cart_adds.product_id, cart_adds.occurred_at

),

abandoned as (

    select
        cart_add_outcomes.*,
        count(*) over (partition by person_id) as abandoned_cart_adds,
        row_number() over (partition by person_id order by occurred_at desc, event_id desc) as recency_rank
    from cart_add_outcomes
    where orders_after = 0

)

select
    abandoned.person_id,
    {{ dbt.concat([
        "'added '",
        "coalesce(products.product_name, abandoned.product_id, 'a product')",
        "' to the cart on '",
        minute_text('abandoned.occurred_at'),
        "' UTC and has not ordered within " ~ var('tailor__cart_abandonment_hours') ~ " h'",
        "case when abandoned.abandoned_cart_adds > 1 then " ~ dbt.concat([
            "' ('", number_text('abandoned.abandoned_cart_adds'), "' abandoned cart adds)'"]) ~ " else '' end",
    ]) }} as reason,
    abandoned.product_id,
    products.product_name,
    abandoned.occurred_at as cart_added_at,
    abandoned.abandoned_cart_adds,
    run_bounds.run_date
from abandoned
cross join run_bounds
left join products on products.product_id = abandoned.product_id
where abandoned.recency_rank = 1
