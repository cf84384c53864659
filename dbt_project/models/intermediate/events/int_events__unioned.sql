-- One row per staged event of the tracker, the app, the ESP and the CRM (orders), in one shape.
-- event_id is '<source>:<the source's own id>', unique across sources. Event types are harmonized:
--   tracker: as sent, except `purchase` -> checkout_complete;
--   app:     screen_view of a product screen -> product_view, in_app_purchase -> checkout_complete;
--   ESP:     email_<event> (email_sent, email_delivered, email_open, email_click, email_bounce, ...);
--   CRM:     an order is `purchase` when completed, purchase_cancelled / purchase_refunded otherwise.
-- A purchase is counted once, from the CRM (the order of record, with its final status); the client-side
-- confirmations of the same order (checkout_complete, same order_id) never count as purchases.
--
-- Incremental by event day (event_date, complete days replaced; docs/orchestration.md): a run rebuilds
-- the days of its landing window, widened by tailor__late_event_lookback_days, and every day with a staged
-- row loaded after the newest one of its source here, so a late event lands in its own day however late
-- it is. _built_at tells downstream models which days this run rebuilt.
{{ config(**partition_replace_config('event_date')) }}
{%- set string = dbt.type_string() %}
{%- set null_string = 'cast(null as ' ~ string ~ ')' %}
{%- set null_amount = 'cast(null as decimal(14, 2))' %}
{%- set event_sources = [
    ('tracker', ref('stg_web__tracker_events'), 'occurred_at'),
    ('app', ref('stg_app__events'), 'occurred_at'),
    ('esp', ref('stg_esp__events'), 'occurred_at'),
] %}
with order_quantities as (

    select order_id, cast(sum(quantity) as integer) as quantity, max(_loaded_at) as items_loaded_at
    from {{ ref('stg_crm__order_items') }}
    group by order_id

),

orders_as_loaded as (

    -- An order's event depends on its items too: it counts as loaded when the last of them was.
    select
        orders.*,
        order_quantities.quantity,
        greatest(orders._loaded_at, coalesce(order_quantities.items_loaded_at, orders._loaded_at)) as _event_loaded_at
    from {{ ref('stg_crm__orders') }} as orders
    left join order_quantities on order_quantities.order_id = orders.order_id

),
{%- if is_incremental() %}

rebuilt_days as (
    {%- for name, relation, time_column in event_sources %}

    select distinct cast({{ time_column }} as date) as event_date
    from {{ relation }}
    where {{ in_window_event_days('cast(' ~ time_column ~ ' as date)') }}
        or _loaded_at > {{ watermark('_loaded_at', "source = '" ~ name ~ "'") }}
    union
    {%- endfor %}

    select distinct cast(ordered_at as date) as event_date
    from orders_as_loaded
    where {{ in_window_event_days('cast(ordered_at as date)') }}
        or _event_loaded_at > {{ watermark('_loaded_at', "source = 'crm'") }}

),
{%- endif %}

tracker as (

    select * from {{ ref('stg_web__tracker_events') }}
    {{- ' where cast(occurred_at as date) in (select event_date from rebuilt_days)' if is_incremental() }}

),

app as (

    select * from {{ ref('stg_app__events') }}
    {{- ' where cast(occurred_at as date) in (select event_date from rebuilt_days)' if is_incremental() }}

),

esp as (

    select * from {{ ref('stg_esp__events') }}
    {{- ' where cast(occurred_at as date) in (select event_date from rebuilt_days)' if is_incremental() }}

),

orders as (

    select * from orders_as_loaded
    {{- ' where cast(ordered_at as date) in (select event_date from rebuilt_days)' if is_incremental() }}

),

products as (

    select product_id, category from {{ ref('stg_crm__products') }}

),

user_agents as (

    select user_agent, is_bot from {{ ref('int_user_agents__classified') }}

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
        user_agent,
        _loaded_at
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
        {{ null_string }} as user_agent,
        _loaded_at
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
        user_agent,
        _loaded_at
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
        orders.quantity,
        orders.order_id,
        orders.order_status,
        orders.total_amount as revenue,
        {{ null_string }} as campaign_id,
        {{ null_string }} as message_id,
        {{ null_string }} as page_url,
        {{ null_string }} as referrer_url,
        {{ null_string }} as user_agent,
        orders._event_loaded_at as _loaded_at
    from orders

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
    coalesce(unioned.source = 'tracker' and user_agents.is_bot, false) as is_bot,
    cast(unioned.occurred_at as date) as event_date,
    unioned._loaded_at,
    {{ build_timestamp() }} as _built_at
from unioned
left join products on products.product_id = unioned.product_id
left join user_agents on user_agents.user_agent = unioned.user_agent and unioned.source = 'tracker'
