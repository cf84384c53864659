-- The sends this run plans: one row per person at most (the chosen campaign, not held out), with its variant.
select
    run_id,
    run_date,
    person_id,
    campaign,
    template,
    assigned_variant as variant,
    subject_line,
    segment_name,
    reason,
    priority,
    is_marketing,
    assignment_unit,
    email,
    consent_snapshot_id
from {{ ref('campaign_decisions') }}
where outcome = 'planned'
