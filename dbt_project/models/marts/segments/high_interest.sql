-- People who viewed the same product (web or app) at least tailor__high_interest_min_views times within
-- tailor__high_interest_window_hours: some view whose (min_views - 1)-th earlier view of that product was
-- at most that many hours before it (exactly 24 h apart still counts; 24 h and 1 ms does not). The
-- qualifying view must fall in the last tailor__high_interest_lookback_days days before the end of
-- run_date. One row per person: the product with the most views in the lookback (ties: latest view).
{%- set min_views = var('tailor__high_interest_min_views') | int %}
{%- set window_us = hours_in_microseconds(var('tailor__high_interest_window_hours')) %}
{%- set lookback_us = days_in_microseconds(var('tailor__high_interest_lookback_days')) %}
{%- if min_views < 2 %}
    {{ exceptions.raise_compiler_error('tailor__high_interest_min_views must be at least 2') }}
{%- endif %}
with views as (

    select
        event_id,
        person_id,
        product_id,
        occurred_at,
        {{ epoch_microseconds('occurred_at') }} as occurred_us
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type = 'product_view'
        and product_id is not null

),

products as (

    select product_id, product_name from {{ ref('stg_crm__products') }}

),

{{ segment_run_bounds_cte() }},

scoped_views as (

    select
        views.*,
        lag(views.occurred_us, {{ min_views - 1 }}) over (
            partition by views.person_id, views.product_id order by views.occurred_us, views.event_id
        ) as run_started_us
    from views
    cross join run_bounds
    where views.occurred_us < run_bounds.run_ends_us

),

qualifying_products as (

    select scoped_views.person_id, scoped_views.product_id
    from scoped_views
    cross join run_bounds
    where scoped_views.run_started_us is not null
        and scoped_views.occurred_us - scoped_views.run_started_us <= {{ window_us }}
        and scoped_views.occurred_us >= run_bounds.run_ends_us - {{ lookback_us }}
    group by scoped_views.person_id, scoped_views.product_id

),

product_summary as (

    select
        qualifying_products.person_id,
        qualifying_products.product_id,
        count(*) as product_views,
        min(scoped_views.occurred_at) as first_viewed_at,
        max(scoped_views.occurred_at) as last_viewed_at
    from qualifying_products
    inner join scoped_views
        on scoped_views.person_id = qualifying_products.person_id
        and scoped_views.product_id = qualifying_products.product_id
    cross join run_bounds
    -- the lookback plus one window, so the views that made a qualifying view qualify are all counted
    where scoped_views.occurred_us >= run_bounds.run_ends_us - {{ lookback_us }} - {{ window_us }}
    group by qualifying_products.person_id, qualifying_products.product_id

),

ranked as (

    select
        product_summary.*,
        count(*) over (partition by person_id) as high_interest_products,
        row_number() over (
            partition by person_id order by product_views desc, last_viewed_at desc, product_id
        ) as interest_rank
    from product_summary

)

select
    ranked.person_id,
    {{ dbt.concat([
        "'viewed '",
        "coalesce(products.product_name, ranked.product_id)",
        "' '", number_text('ranked.product_views'), "' times between '",
        minute_text('ranked.first_viewed_at'), "' and '", minute_text('ranked.last_viewed_at'),
        "' UTC'",
        "case when ranked.high_interest_products > 1 then " ~ dbt.concat([
            "' (and '", number_text('ranked.high_interest_products - 1'), "' more products)'"]) ~ " else '' end",
    ]) }} as reason,
    ranked.product_id,
    products.product_name,
    ranked.product_views,
    ranked.first_viewed_at,
    ranked.last_viewed_at,
    run_bounds.run_date
from ranked
cross join run_bounds
left join products on products.product_id = ranked.product_id
where ranked.interest_rank = 1
