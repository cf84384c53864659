-- Best customers by RFM: quintile scores (5 = best, customer_metrics) of at least
-- tailor__vip_min_rfm_scores for recency, frequency and monetary.
{%- set minimum = var('tailor__vip_min_rfm_scores') %}
with metrics as (

    select * from {{ ref('customer_metrics') }}

)

select
    person_id,
    {{ dbt.concat([
        "'RFM '", "rfm_cell", "': '", number_text('rfm_frequency'), "' purchase days, '",
        number_text('cast(rfm_monetary as decimal(18, 2))'), "' EUR, last purchase '",
        number_text('rfm_recency_days'), "' days ago'",
    ]) }} as reason,
    rfm_cell,
    rfm_recency_days,
    rfm_frequency,
    rfm_monetary,
    run_date
from metrics
where rfm_recency_score >= {{ minimum.recency }}
    and rfm_frequency_score >= {{ minimum.frequency }}
    and rfm_monetary_score >= {{ minimum.monetary }}
