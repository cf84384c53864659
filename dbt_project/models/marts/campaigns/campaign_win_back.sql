-- Audience: buyers whose last purchase is 90 or more days before the run date.
select
    person_id,
    'lapsed_buyers' as segment_name,
    {{ dbt.concat(["'last purchase '", 'cast(days_since_last_purchase as ' ~ dbt.type_string() ~ ')', "' days ago'"]) }} as reason
from {{ ref('customer_metrics') }}
where purchases_lifetime > 0 and days_since_last_purchase >= 90
