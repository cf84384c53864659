-- Audience: the win-back candidates segment (lapsed buyers still active in email, web or app;
-- models/marts/segments/winback_candidates.sql).
select
    person_id,
    'winback_candidates' as segment_name,
    reason
from {{ ref('winback_candidates') }}
