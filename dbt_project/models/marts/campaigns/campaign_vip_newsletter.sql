-- Audience: the best customers by RFM: top fifth by spend or by purchase frequency.
select
    person_id,
    'vip' as segment_name,
    {{ dbt.concat(["'RFM cell '", 'rfm_cell']) }} as reason
from {{ ref('customer_metrics') }}
where rfm_monetary_score = 5 or rfm_frequency_score = 5
