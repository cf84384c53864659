-- One row per staged event of the tracker, the app, the ESP and the CRM (orders), in one shape.
-- event_id is '<source>:<the source's own id>', unique across sources. Event types are harmonized:
--   tracker: as sent, except `purchase` -> checkout_complete;
--   app:     screen_view of a product screen -> product_view, in_app_purchase -> checkout_complete;
--   ESP:     email_<event> (email_sent, email_delivered, email_open, email_click, email_bounce, ...);
--   CRM:     an order is `purchase` when completed, purchase_cancelled / purchase_refunded otherwise.
-- A purchase is counted once, from the CRM (the order of record, with its final status); the client-side
-- confirmations of the same order (checkout_complete, same order_id) never count as purchases.
{%- set string = dbt.type_string() %}
{%- set null_string = 'cast(null as ' ~ string ~ ')' %}
{%- set null_amount = 'cast(null as decimal(14, 2))' %}
with tracker as (

    select * from {{ ref('stg_web__tracker_events') }}

),

app as (

    select * from {{ ref('stg_app__events') }}

),

esp as (

    select * from {{ ref('stg_esp__events') }}

),

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

order_items as (

    select * from {{ ref('stg_crm__order_items') }}

),

products as (

    select product_id, category from {{ ref('stg_crm__products') }}

),

user_agents as (

    select user_agent, is_bot from {{ ref('int_user_agents__classified') }}

),

order_quantities as (

    select order_id, cast(sum(quantity) as integer) as quantity
    from order_items
    group by order_id

),

tracker_events as (

    select
        {{ dbt.concat(["'tracker:'", 'event_id']) }} as event_id,
        event_id as source_event_id,
        'tracker' as source,
        case event_type when 'purchase' then 'checkout_complete' else event_type end as event_type,
        event_type as source_event_type,
        occurred_at,
        user_id as contact_id,
        email,
        anonymous_id,
        {{ null_string }} as device_id,
        session_id,
        product_id,
        category,
        price,
        quantity,
        order_id,
        {{ null_string }} as order_status,
        revenue,
        {{ null_string }} as campaign_id,
        {{ null_string }} as message_id,
        page_url,
        referrer_url,
        user_agent
    from tracker

),

app_events as (

    select
        {{ dbt.concat(["'app:'", 'event_id']) }} as event_id,
        event_id as source_event_id,
        'app' as source,
        case
            when event_type = 'screen_view' and product_id is not null then 'product_view'
            when event_type = 'in_app_purchase' then 'checkout_complete'
            else event_type
        end as event_type,
        event_type as source_event_type,
        occurred_at,
        user_id as contact_id,
        {{ null_string }} as email,
        {{ null_string }} as anonymous_id,
        device_id,
        {{ null_string }} as session_id,
        product_id,
        {{ null_string }} as category,
        price,
        quantity,
        order_id,
        {{ null_string }} as order_status,
        revenue,
        {{ null_string }} as campaign_id,
        {{ null_string }} as message_id,
        {{ null_string }} as page_url,
        {{ null_string }} as referrer_url,
        {{ null_string }} as user_agent
    from app

),

esp_events as (

    select
        {{ dbt.concat(["'esp:'", 'event_id']) }} as event_id,
        event_id as source_event_id,
        'esp' as source,
        {{ dbt.concat(["'email_'", 'event_type']) }} as event_type,
        event_type as source_event_type,
        occurred_at,
        {{ null_string }} as contact_id,
        email,
        {{ null_string }} as anonymous_id,
        {{ null_string }} as device_id,
        {{ null_string }} as session_id,
        {{ null_string }} as product_id,
        {{ null_string }} as category,
        {{ null_amount }} as price,
        cast(null as integer) as quantity,
        {{ null_string }} as order_id,
        {{ null_string }} as order_status,
        {{ null_amount }} as revenue,
        campaign_id,
        message_id,
        clicked_url as page_url,
        {{ null_string }} as referrer_url,
        user_agent
    from esp

),

crm_orders as (

    select
        {{ dbt.concat(["'crm:'", 'orders.order_id']) }} as event_id,
        orders.order_id as source_event_id,
        'crm' as source,
        case orders.order_status
            when 'completed' then 'purchase'
            when 'cancelled' then 'purchase_cancelled'
            when 'refunded' then 'purchase_refunded'
        end as event_type,
        {{ dbt.concat(["'order_'", 'orders.order_status']) }} as source_event_type,
        orders.ordered_at as occurred_at,
        orders.contact_id,
        orders.email,
        {{ null_string }} as anonymous_id,
        {{ null_string }} as device_id,
        {{ null_string }} as session_id,
        {{ null_string }} as product_id,
        {{ null_string }} as category,
        {{ null_amount }} as price,
        order_quantities.quantity,
        orders.order_id,
        orders.order_status,
        orders.total_amount as revenue,
        {{ null_string }} as campaign_id,
        {{ null_string }} as message_id,
        {{ null_string }} as page_url,
        {{ null_string }} as referrer_url,
        {{ null_string }} as user_agent
    from orders
    left join order_quantities on order_quantities.order_id = orders.order_id

),

unioned as (

    select * from tracker_events
    union all
    select * from app_events
    union all
    select * from esp_events
    union all
    select * from crm_orders

)

select
    unioned.event_id,
    unioned.source_event_id,
    unioned.source,
    unioned.event_type,
    unioned.source_event_type,
    unioned.occurred_at,
    unioned.contact_id,
    unioned.email,
    unioned.anonymous_id,
    unioned.device_id,
    unioned.session_id,
    unioned.product_id,
    coalesce(unioned.category, products.category) as category,
    unioned.price,
    unioned.quantity,
    unioned.order_id,
    unioned.order_status,
    unioned.revenue,
    unioned.campaign_id,
    unioned.message_id,
    unioned.page_url,
    unioned.referrer_url,
    unioned.user_agent,
    -- Only web traffic is classified (see int_user_agents__classified).
    coalesce(unioned.source = 'tracker' and user_agents.is_bot, false) as is_bot
from unioned
left join products on products.product_id = unioned.product_id
left join user_agents on user_agents.user_agent = unioned.user_agent and unioned.source = 'tracker'
