-- One row per person active (web, app, email engagement, orders) in the tailor__event_score_window_days
-- days ending on run_date: an event score in [0, 1] combining
--   frequency: distinct active days in the window, as a percentile among these people (percent_rank);
--   recency:   0.5 ^ (days since the last activity / tailor__event_score_half_life_days);
--   depth:     product views per web session in the window, as a percentile (0 without sessions);
-- weighted by tailor__event_score_weights (normalized to sum to 1).
{%- set window_days = var('tailor__event_score_window_days') | int %}
{%- set weights = var('tailor__event_score_weights') %}
{%- set weight_total = weights.frequency + weights.recency + weights.depth %}
{%- set activity_types = [
    'page_view', 'product_view', 'add_to_cart', 'checkout_start', 'checkout_complete', 'form_submit', 'login',
    'screen_view', 'button_tap', 'email_open', 'email_click', 'purchase'] %}
with events as (

    select person_id, event_type, web_session_id, cast(occurred_at as date) as occurred_on
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type in ('{{ activity_types | join("', '") }}')

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

windowed as (

    select
        events.*,
        {{ dbt.datediff('events.occurred_on', 'run_dates.run_date', 'day') }} as days_ago
    from events
    cross join run_dates
    where events.occurred_on <= run_dates.run_date

),

activity as (

    select
        person_id,
        count(distinct occurred_on) as active_days,
        min(days_ago) as days_since_last_activity,
        sum(case when event_type = 'product_view' then 1 else 0 end) as product_views,
        count(distinct web_session_id) as web_sessions
    from windowed
    where days_ago < {{ window_days }}
    group by person_id

),

components as (

    select
        person_id,
        active_days,
        days_since_last_activity,
        product_views,
        web_sessions,
        case when web_sessions > 0 then cast(product_views as double) / web_sessions else 0 end
            as product_views_per_session,
        percent_rank() over (order by active_days) as frequency_score,
        power(0.5, cast(days_since_last_activity as double) / {{ var('tailor__event_score_half_life_days') }})
            as recency_score
    from activity

),

scored as (

    select
        components.*,
        percent_rank() over (order by product_views_per_session) as depth_score
    from components

)

select
    scored.person_id,
    scored.active_days,
    scored.days_since_last_activity,
    scored.product_views,
    scored.web_sessions,
    scored.product_views_per_session,
    scored.frequency_score,
    scored.recency_score,
    scored.depth_score,
    (
        {{ weights.frequency }} * scored.frequency_score
        + {{ weights.recency }} * scored.recency_score
        + {{ weights.depth }} * scored.depth_score
    ) / {{ weight_total }} as event_score,
    run_dates.run_date
from scored
cross join run_dates
