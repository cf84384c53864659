-- One row per person: behaviour over the last 7, 30 and 90 days and over the whole history, and RFM.
-- Everything is as of run_date (macro run_date_query: the var tailor__run_date, else the date of the latest
-- event); events after it are ignored. A window of N days is the N calendar days (UTC) ending on run_date,
-- run_date included. Bot events and bot sessions are left out. Definitions: docs/metrics.md.
--   email_*: distinct messages (message_id) sent / delivered / opened / clicked in the window; a message
--     opened twice is one open. email_click_rate = clicks / delivered (unique click-through rate).
--   sessions, time_on_site_seconds: web sessions started in the window, credited to the person of the
--     session's most reliably identified event; time on site adds up first-to-last-event durations.
--   purchases, revenue: CRM orders with status completed only (cancelled and refunded orders are neither
--     purchases nor revenue, in every window and in RFM); the tracker's and app's purchase confirmations
--     (checkout_complete) are never counted, so nothing is counted twice.
--   RFM (macro rfm_summary_ctes, checked against the CDNOW answer key): recency = days since the last
--     purchase day, frequency = purchase days (same-day orders merged), monetary = lifetime revenue;
--     scores 1-5 by quintile among buyers, 5 = best (most recent, most frequent, highest spend), ties
--     share the lower score; NULL for people who never bought.
{%- set windows = [('7d', 7), ('30d', 30), ('90d', 90), ('lifetime', none)] %}
{%- set activity_types = [
    'page_view', 'product_view', 'add_to_cart', 'checkout_start', 'checkout_complete', 'form_submit', 'login',
    'screen_view', 'button_tap', 'email_open', 'email_click', 'email_unsubscribe', 'email_spam_complaint',
    'purchase', 'purchase_cancelled', 'purchase_refunded'] %}
with events as (

    select * from {{ ref('fct_customer_events') }}
    where person_id is not null and not is_bot

),

web_sessions as (

    select * from {{ ref('int_web_sessions') }}
    where not is_bot

),

persons as (

    select distinct person_id
    from {{ ref('int_identity__person_map') }}
    where person_id is not null

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

scoped_events as (

    select
        events.*,
        {{ dbt.datediff('cast(events.occurred_at as date)', 'run_dates.run_date', 'day') }} as days_ago
    from events
    cross join run_dates
    where cast(events.occurred_at as date) <= run_dates.run_date

),

completed_orders as (

    select person_id, occurred_at as ordered_at, revenue
    from scoped_events
    where source = 'crm' and event_type = 'purchase'

),

{{ rfm_summary_ctes('rfm', 'completed_orders', 'person_id', 'ordered_at', 'revenue',
                    '(select run_date from run_dates)') }},

email_messages as (

    -- One row per person and message: how many days ago it was last sent / delivered / opened / clicked.
    select
        person_id,
        message_id,
        min(case when event_type = 'email_sent' then days_ago end) as sent_days_ago,
        min(case when event_type = 'email_delivered' then days_ago end) as delivered_days_ago,
        min(case when event_type = 'email_open' then days_ago end) as opened_days_ago,
        min(case when event_type = 'email_click' then days_ago end) as clicked_days_ago
    from scoped_events
    where source = 'esp' and message_id is not null
    group by person_id, message_id

),

session_people as (

    -- A session belongs to the person of its most reliably identified event (contact id, email, cookie).
    select web_session_id, person_id
    from (
        select
            web_session_id,
            person_id,
            row_number() over (
                partition by web_session_id
                order by
                    case resolved_by when 'contact_id' then 1 when 'email' then 2 else 3 end,
                    occurred_at,
                    event_id
            ) as person_rank
        from events
        where web_session_id is not null
    ) as ranked
    where person_rank = 1

),

scoped_sessions as (

    select
        session_people.person_id,
        web_sessions.duration_seconds,
        {{ dbt.datediff('cast(web_sessions.session_started_at as date)', 'run_dates.run_date', 'day') }} as days_ago
    from web_sessions
    inner join session_people on session_people.web_session_id = web_sessions.web_session_id
    cross join run_dates
    where cast(web_sessions.session_started_at as date) <= run_dates.run_date

),

email_metrics as (

    select
        person_id,
        {%- for suffix, days in windows %}
        {%- for measure, column in [('sends', 'sent'), ('delivered', 'delivered'), ('opens', 'opened'), ('clicks', 'clicked')] %}
        cast(sum(case when {{ column }}_days_ago {{ '< ' ~ days if days else 'is not null' }} then 1 else 0 end) as bigint)
            as email_{{ measure }}_{{ suffix }}{{ ',' if not loop.last }}
        {%- endfor %}{{ ',' if not loop.last }}
        {%- endfor %}
    from email_messages
    group by person_id

),

session_metrics as (

    select
        person_id,
        {%- for suffix, days in windows %}
        {%- set in_window = 'days_ago < ' ~ days if days else 'true' %}
        cast(sum(case when {{ in_window }} then 1 else 0 end) as bigint) as sessions_{{ suffix }},
        cast(sum(case when {{ in_window }} then duration_seconds else 0 end) as double)
            as time_on_site_seconds_{{ suffix }}{{ ',' if not loop.last }}
        {%- endfor %}
    from scoped_sessions
    group by person_id

),

event_metrics as (

    select
        person_id,
        {%- for suffix, days in windows %}
        {%- set in_window = 'days_ago < ' ~ days if days else 'true' %}
        cast(sum(case when {{ in_window }} and source = 'tracker' and event_type in ('page_view', 'product_view')
            then 1 else 0 end) as bigint) as pages_viewed_{{ suffix }},
        cast(sum(case when {{ in_window }} and event_type = 'product_view' then 1 else 0 end) as bigint)
            as product_views_{{ suffix }},
        cast(sum(case when {{ in_window }} and event_type = 'add_to_cart' then 1 else 0 end) as bigint)
            as cart_adds_{{ suffix }},
        cast(sum(case when {{ in_window }} and event_type = 'checkout_start' then 1 else 0 end) as bigint)
            as checkouts_{{ suffix }},
        cast(sum(case when {{ in_window }} and source = 'crm' and event_type = 'purchase' then 1 else 0 end) as bigint)
            as purchases_{{ suffix }},
        sum(case when {{ in_window }} and source = 'crm' and event_type = 'purchase' then revenue end)
            as revenue_{{ suffix }},
        {%- endfor %}
        max(case when event_type in ('{{ activity_types | join("', '") }}') then occurred_at end) as last_activity_at,
        max(case when source = 'crm' and event_type = 'purchase' then occurred_at end) as last_purchase_at
    from scoped_events
    group by person_id

),

rfm_tiles as (

    select
        person_id,
        days_since_last_purchase,
        purchase_days,
        total_amount,
        {{ quintile_tile('days_since_last_purchase', 'person_id', higher_is_better=false) }} as recency_tile,
        {{ quintile_tile('purchase_days', 'person_id') }} as frequency_tile,
        {{ quintile_tile('total_amount', 'person_id') }} as monetary_tile
    from rfm

),

rfm_scores as (

    select
        person_id,
        cast({{ quintile_score('days_since_last_purchase', 'recency_tile') }} as integer) as rfm_recency_score,
        cast({{ quintile_score('purchase_days', 'frequency_tile') }} as integer) as rfm_frequency_score,
        cast({{ quintile_score('total_amount', 'monetary_tile') }} as integer) as rfm_monetary_score
    from rfm_tiles

)

select
    persons.person_id,
    run_dates.run_date,
    {%- for suffix, days in windows %}
    coalesce(email_metrics.email_sends_{{ suffix }}, 0) as email_sends_{{ suffix }},
    coalesce(email_metrics.email_delivered_{{ suffix }}, 0) as email_delivered_{{ suffix }},
    coalesce(email_metrics.email_opens_{{ suffix }}, 0) as email_opens_{{ suffix }},
    coalesce(email_metrics.email_clicks_{{ suffix }}, 0) as email_clicks_{{ suffix }},
    cast(email_metrics.email_opens_{{ suffix }} as double)
        / nullif(email_metrics.email_delivered_{{ suffix }}, 0) as email_open_rate_{{ suffix }},
    cast(email_metrics.email_clicks_{{ suffix }} as double)
        / nullif(email_metrics.email_delivered_{{ suffix }}, 0) as email_click_rate_{{ suffix }},
    coalesce(session_metrics.sessions_{{ suffix }}, 0) as sessions_{{ suffix }},
    coalesce(session_metrics.time_on_site_seconds_{{ suffix }}, 0) as time_on_site_seconds_{{ suffix }},
    coalesce(event_metrics.pages_viewed_{{ suffix }}, 0) as pages_viewed_{{ suffix }},
    coalesce(event_metrics.product_views_{{ suffix }}, 0) as product_views_{{ suffix }},
    coalesce(event_metrics.cart_adds_{{ suffix }}, 0) as cart_adds_{{ suffix }},
    coalesce(event_metrics.checkouts_{{ suffix }}, 0) as checkouts_{{ suffix }},
    coalesce(event_metrics.purchases_{{ suffix }}, 0) as purchases_{{ suffix }},
    cast(coalesce(event_metrics.revenue_{{ suffix }}, 0) as decimal(18, 2)) as revenue_{{ suffix }},
    cast(event_metrics.revenue_{{ suffix }} / nullif(event_metrics.purchases_{{ suffix }}, 0) as decimal(18, 2))
        as average_order_value_{{ suffix }},
    {%- endfor %}
    event_metrics.last_activity_at,
    event_metrics.last_purchase_at,
    cast({{ dbt.datediff('cast(event_metrics.last_activity_at as date)', 'run_dates.run_date', 'day') }} as integer)
        as days_since_last_activity,
    cast(rfm.days_since_last_purchase as integer) as days_since_last_purchase,
    rfm.first_purchase_date,
    cast(rfm.days_since_last_purchase as integer) as rfm_recency_days,
    cast(rfm.purchase_days as integer) as rfm_frequency,
    cast(rfm.total_amount as decimal(18, 2)) as rfm_monetary,
    rfm_scores.rfm_recency_score,
    rfm_scores.rfm_frequency_score,
    rfm_scores.rfm_monetary_score,
    case when rfm_scores.person_id is not null then {{ dbt.concat([
        'cast(rfm_scores.rfm_recency_score as ' ~ dbt.type_string() ~ ')',
        'cast(rfm_scores.rfm_frequency_score as ' ~ dbt.type_string() ~ ')',
        'cast(rfm_scores.rfm_monetary_score as ' ~ dbt.type_string() ~ ')',
    ]) }} end as rfm_cell,
    cast(rfm.repeat_purchase_days as integer) as repeat_purchase_days,
    cast(rfm.first_to_last_purchase_days as integer) as first_to_last_purchase_days,
    cast(rfm.customer_age_days as integer) as customer_age_days,
    cast(rfm.mean_repeat_amount as double) as mean_repeat_order_value
from persons
cross join run_dates
left join email_metrics on email_metrics.person_id = persons.person_id
left join session_metrics on session_metrics.person_id = persons.person_id
left join event_metrics on event_metrics.person_id = persons.person_id
left join rfm on rfm.person_id = persons.person_id
left join rfm_scores on rfm_scores.person_id = persons.person_id
