-- People who viewed products of the same category on at least tailor__repeated_category_min_days distinct
-- (UTC) days among the tailor__repeated_category_window_days days ending on run_date. One row per person:
-- the category with the most such days (ties: most views, then name).
{%- set window_days = var('tailor__repeated_category_window_days') | int %}
with views as (

    select person_id, category, cast(occurred_at as date) as viewed_on
    from {{ ref('fct_customer_events') }}
    where person_id is not null
        and not is_bot
        and event_type = 'product_view'
        and category is not null

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

category_days as (

    select
        views.person_id,
        views.category,
        count(distinct views.viewed_on) as visit_days,
        count(*) as category_views,
        max(views.viewed_on) as last_viewed_on
    from views
    cross join run_dates
    where views.viewed_on <= run_dates.run_date
        and {{ dbt.datediff('views.viewed_on', 'run_dates.run_date', 'day') }} < {{ window_days }}
    group by views.person_id, views.category

),

ranked as (

    select
        category_days.*,
        row_number() over (
            partition by person_id order by visit_days desc, category_views desc, category
        ) as category_rank
    from category_days
    where visit_days >= {{ var('tailor__repeated_category_min_days') }}

)

select
    ranked.person_id,
    {{ dbt.concat([
        "'viewed '", "ranked.category", "' products on '", number_text('ranked.visit_days'),
        "' different days in the last " ~ window_days ~ " days ('", number_text('ranked.category_views'),
        "' views, last on '", date_text('ranked.last_viewed_on'), "')'",
    ]) }} as reason,
    ranked.category,
    ranked.visit_days,
    ranked.category_views,
    run_dates.run_date
from ranked
cross join run_dates
where ranked.category_rank = 1
