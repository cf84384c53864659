-- Audience: the high-interest segment (the same product viewed again and again within a day, recently;
-- models/marts/segments/high_interest.sql).
select
    person_id,
    'high_interest' as segment_name,
    reason
from {{ ref('high_interest') }}
