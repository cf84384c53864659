-- Buyers whose last completed purchase was at least tailor__lapsed_after_days days before run_date.
with metrics as (

    select * from {{ ref('customer_metrics') }}

)

select
    person_id,
    {{ dbt.concat([
        "'last purchase '", number_text('days_since_last_purchase'), "' days ago ('",
        number_text('rfm_frequency'), "' purchase days in all)'",
    ]) }} as reason,
    rfm_frequency,
    days_since_last_purchase,
    run_date
from metrics
where days_since_last_purchase >= {{ var('tailor__lapsed_after_days') }}
