-- Lapsed buyers (last purchase at least tailor__lapsed_after_days ago) who still did something (opened or
-- clicked an email, visited, used the app) in the last tailor__winback_max_days_since_activity days: worth
-- a win-back offer, unlike lapsed buyers who have gone silent.
with metrics as (

    select * from {{ ref('customer_metrics') }}

)

select
    person_id,
    {{ dbt.concat([
        "'last purchase '", number_text('days_since_last_purchase'), "' days ago, still active '",
        number_text('days_since_last_activity'), "' days ago'",
    ]) }} as reason,
    days_since_last_purchase,
    days_since_last_activity,
    run_date
from metrics
where days_since_last_purchase >= {{ var('tailor__lapsed_after_days') }}
    and days_since_last_activity <= {{ var('tailor__winback_max_days_since_activity') }}
