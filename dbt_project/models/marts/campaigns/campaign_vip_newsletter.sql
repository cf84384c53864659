-- Audience: the VIP customers segment (best customers by RFM; models/marts/segments/vip_customers.sql).
select
    person_id,
    'vip_customers' as segment_name,
    reason
from {{ ref('vip_customers') }}
