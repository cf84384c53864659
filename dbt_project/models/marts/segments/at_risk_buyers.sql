-- Repeat buyers drifting away: bought on at least tailor__at_risk_min_purchase_days days, and the last
-- purchase was at least tailor__at_risk_after_days but fewer than tailor__lapsed_after_days days before
-- run_date (from then on they are lapsed_buyers).
with metrics as (

    select * from {{ ref('customer_metrics') }}

)

select
    person_id,
    {{ dbt.concat([
        "'bought on '", number_text('rfm_frequency'), "' days, last purchase '",
        number_text('days_since_last_purchase'), "' days ago'",
    ]) }} as reason,
    rfm_frequency,
    days_since_last_purchase,
    run_date
from metrics
where rfm_frequency >= {{ var('tailor__at_risk_min_purchase_days') }}
    and days_since_last_purchase >= {{ var('tailor__at_risk_after_days') }}
    and days_since_last_purchase < {{ var('tailor__lapsed_after_days') }}
