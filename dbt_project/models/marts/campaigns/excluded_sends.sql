-- Why a person in a campaign's audience gets no email from it in this run: one row per audience member not
-- planned, with the reason (eligibility checks, cooldown, frequency cap, deprioritized, held out).
select
    run_id,
    run_date,
    person_id,
    campaign,
    outcome,
    exclusion_reason,
    exclusion_detail,
    failed_checks,
    assigned_variant,
    is_holdout_group,
    marketing_sends_7d,
    segment_name,
    reason
from {{ ref('campaign_decisions') }}
where outcome <> 'planned'
