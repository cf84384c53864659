-- Audience: people who put a product in the cart in the last 3 days (up to the run date) and have not
-- bought since their last cart add.
with events as (

    select * from {{ ref('fct_customer_events') }}
    where person_id is not null and not is_bot

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

last_cart_adds as (

    select events.person_id, max(events.occurred_at) as last_cart_add_at, count(*) as cart_adds
    from events
    cross join run_dates
    where events.event_type = 'add_to_cart'
        and cast(events.occurred_at as date) <= run_dates.run_date
        and cast(events.occurred_at as date) > {{ dbt.dateadd('day', -3, 'run_dates.run_date') }}
    group by events.person_id

),

purchases as (

    select person_id, max(occurred_at) as last_purchase_at
    from events
    where event_type = 'purchase'
    group by person_id

)

select
    last_cart_adds.person_id,
    'abandoned_cart' as segment_name,
    {{ dbt.concat(["'cart add(s) in the last 3 days, no purchase since: '", 'cast(last_cart_adds.cart_adds as ' ~ dbt.type_string() ~ ')']) }} as reason
from last_cart_adds
left join purchases on purchases.person_id = last_cart_adds.person_id
where purchases.last_purchase_at is null or purchases.last_purchase_at < last_cart_adds.last_cart_add_at
