-- One row per person and product the person viewed, put in the cart or bought (up to run_date, no bots):
--   interest_score_raw = sum over interactions of weight(type) * 0.5 ^ (age_days / half_life_days)
-- with weights tailor__interest_event_weights (product_view, add_to_cart, purchase), half-life
-- tailor__interest_half_life_days, and age_days the whole days from the interaction's (UTC) date to run_date
-- (0 on run_date; an interaction one half-life old weighs half). A purchase is one order line of a completed
-- CRM order (whatever its quantity). interest_score = raw / the person's highest raw: 1 for the top product.
{%- set weights = var('tailor__interest_event_weights') %}
{%- set interaction_types = ['product_view', 'add_to_cart', 'purchase'] %}
{%- for interaction_type in weights %}
    {%- if interaction_type not in interaction_types %}
        {{ exceptions.raise_compiler_error("tailor__interest_event_weights: unknown interaction '" ~ interaction_type ~ "', expected one of " ~ interaction_types) }}
    {%- endif %}
{%- endfor %}
with events as (

    select * from {{ ref('fct_customer_events') }}
    where person_id is not null and not is_bot

),

order_items as (

    select order_id, product_id from {{ ref('stg_crm__order_items') }}

),

products as (

    select product_id, category from {{ ref('stg_crm__products') }}

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

interactions as (

    select person_id, product_id, event_type as interaction_type, occurred_at
    from events
    where event_type in ('product_view', 'add_to_cart') and product_id is not null
    union all
    select events.person_id, order_items.product_id, 'purchase' as interaction_type, events.occurred_at
    from events
    inner join order_items on order_items.order_id = events.order_id
    where events.source = 'crm' and events.event_type = 'purchase' and order_items.product_id is not null

),

weighted as (

    select
        interactions.*,
        case interactions.interaction_type
            {%- for interaction_type in interaction_types %}
            when '{{ interaction_type }}' then {{ weights.get(interaction_type, 0) }}
            {%- endfor %}
        end
        * {{ decay_weight(
            dbt.datediff('cast(interactions.occurred_at as date)', 'run_dates.run_date', 'day'),
            var('tailor__interest_half_life_days')) }} as interest_points,
        run_dates.run_date
    from interactions
    cross join run_dates
    where cast(interactions.occurred_at as date) <= run_dates.run_date

),

scored as (

    select
        person_id,
        product_id,
        run_date,
        cast(sum(interest_points) as double) as interest_score_raw,
        cast(sum(case when interaction_type = 'product_view' then 1 else 0 end) as bigint) as product_views,
        cast(sum(case when interaction_type = 'add_to_cart' then 1 else 0 end) as bigint) as cart_adds,
        cast(sum(case when interaction_type = 'purchase' then 1 else 0 end) as bigint) as purchases,
        max(occurred_at) as last_interacted_at
    from weighted
    group by person_id, product_id, run_date

)

select
    scored.person_id,
    scored.product_id,
    products.category,
    -- scored and ranked on interest_compared (macros/interest.sql): float noise is not a difference
    {{ interest_compared('scored.interest_score_raw') }}
        / nullif(max({{ interest_compared('scored.interest_score_raw') }}) over (partition by scored.person_id), 0)
        as interest_score,
    scored.interest_score_raw,
    cast(row_number() over (
        partition by scored.person_id order by {{ interest_compared('scored.interest_score_raw') }} desc, scored.product_id
    ) as integer) as interest_rank,
    scored.product_views,
    scored.cart_adds,
    scored.purchases,
    scored.last_interacted_at,
    scored.run_date
from scored
left join products on products.product_id = scored.product_id
