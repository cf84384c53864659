-- One row per campaign and audience member of this run: what happened to them and why. Every audience row
-- of a campaign in this run ends in exactly one outcome:
--   excluded       fails a check (exclusion_reason: the first failing one in the order below; failed_checks: all)
--   deprioritized  eligible, but a campaign of higher priority (ties: campaign name) was chosen for the person
--   held_out       the chosen campaign, but the person's assignment unit falls in the campaign's holdout
--   planned        the chosen campaign, sent with the assigned variant
-- Checks, in order: unknown_person, invalid_email, suppressed, hard_bounced, complained, then for marketing
-- campaigns unsubscribed and no_marketing_consent, then cooldown and, for marketing, frequency_cap.
{%- set string = dbt.type_string() %}
{%- set max_sends = var('tailor__campaign_max_marketing_sends_7d') %}
with run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

runs as (

    select run_date, {{ campaign_run_id('run_date') }} as run_id
    from run_dates

),

definitions as (

    select * from {{ ref('campaign_definitions') }}

),

campaigns as (

    select distinct campaign, template, priority, cadence, is_in_run, cooldown_days, is_marketing, holdout_share
    from definitions

),

audiences as (

    select audiences.*, campaigns.template, campaigns.priority, campaigns.cooldown_days, campaigns.is_marketing,
        campaigns.holdout_share
    from {{ ref('campaign_audiences') }} as audiences
    inner join campaigns on campaigns.campaign = audiences.campaign
    where campaigns.is_in_run

),

customers as (

    select * from {{ ref('dim_customers') }}

),

person_emails as (

    select person_id, identifier_value as email
    from {{ ref('int_identity__person_map') }}
    where identifier_type = 'email' and person_id is not null
    union
    select person_id, email
    from customers
    where email is not null

),

suppressions as (

    select person_emails.person_id, min(suppression_list.reason) as suppression_reason
    from person_emails
    inner join {{ ref('suppression_list') }} as suppression_list
        on {{ normalize_email('suppression_list.email') }} = {{ normalize_email('person_emails.email') }}
    group by person_emails.person_id

),

recent_sends as (

    select recent_sends.*, {{ dbt.datediff('recent_sends.sent_on', 'runs.run_date', 'day') }} as days_ago
    from {{ ref('campaign_recent_sends') }} as recent_sends
    cross join runs

),

marketing_sends_7d as (

    select person_id, count(*) as sends
    from recent_sends
    where is_marketing and days_ago between 0 and 6
    group by person_id

),

last_campaign_sends as (

    select person_id, campaign, max(sent_on) as last_sent_on, min(days_ago) as days_since_last_send
    from recent_sends
    where days_ago >= 0
    group by person_id, campaign

),

checked as (

    select
        runs.run_id,
        runs.run_date,
        audiences.person_id,
        audiences.campaign,
        audiences.template,
        audiences.segment_name,
        audiences.reason,
        audiences.priority,
        audiences.is_marketing,
        audiences.holdout_share,
        customers.email,
        customers.email_marketing_consent,
        customers.email_marketing_consent_at,
        coalesce(sends.sends, 0) as marketing_sends_7d,
        last_sends.last_sent_on,
        suppressions.suppression_reason,
        customers.person_id is null as is_unknown_person,
        customers.email is null
            or not {{ regexp_matches('customers.email', var('tailor__campaign_email_pattern')) }} as has_invalid_email,
        suppressions.person_id is not null as is_suppressed,
        coalesce(customers.has_hard_bounced, false) as has_hard_bounced,
        coalesce(customers.has_complained, false) as has_complained,
        audiences.is_marketing and coalesce(customers.has_unsubscribed, false) as has_unsubscribed,
        audiences.is_marketing and coalesce(customers.email_marketing_consent, 'unknown') <> 'opt_in'
            as lacks_marketing_consent,
        audiences.cooldown_days > 0 and coalesce(last_sends.days_since_last_send < audiences.cooldown_days, false)
            as is_in_cooldown,
        audiences.is_marketing and coalesce(sends.sends, 0) + 1 > {{ max_sends }} as is_over_cap,
        {{ campaign_assignment_unit('audiences.person_id', 'audiences.campaign') }} as assignment_unit
    from audiences
    cross join runs
    left join customers on customers.person_id = audiences.person_id
    left join suppressions on suppressions.person_id = audiences.person_id
    left join marketing_sends_7d as sends on sends.person_id = audiences.person_id
    left join last_campaign_sends as last_sends
        on last_sends.person_id = audiences.person_id and last_sends.campaign = audiences.campaign

),

reasoned as (

    select
        checked.*,
        case
            when is_unknown_person then 'unknown_person'
            when has_invalid_email then 'invalid_email'
            when is_suppressed then 'suppressed'
            when has_hard_bounced then 'hard_bounced'
            when has_complained then 'complained'
            when has_unsubscribed then 'unsubscribed'
            when lacks_marketing_consent then 'no_marketing_consent'
            when is_in_cooldown then 'cooldown'
            when is_over_cap then 'frequency_cap'
        end as check_failed,
        concat_ws(', ',
            case when is_unknown_person then 'unknown_person' end,
            case when has_invalid_email then 'invalid_email' end,
            case when is_suppressed then 'suppressed' end,
            case when has_hard_bounced then 'hard_bounced' end,
            case when has_complained then 'complained' end,
            case when has_unsubscribed then 'unsubscribed' end,
            case when lacks_marketing_consent then 'no_marketing_consent' end,
            case when is_in_cooldown then 'cooldown' end,
            case when is_over_cap then 'frequency_cap' end
        ) as failed_checks
    from checked

),

prioritized as (

    select
        reasoned.*,
        case when check_failed is null then row_number() over (
            partition by person_id, case when check_failed is null then 1 else 0 end
            order by priority desc, campaign
        ) end as priority_rank
    from reasoned

),

chosen as (

    select person_id, campaign as chosen_campaign, priority as chosen_priority
    from prioritized
    where priority_rank = 1

),

assigned as (

    select
        prioritized.*,
        chosen.chosen_campaign,
        chosen.chosen_priority,
        prioritized.assignment_unit < prioritized.holdout_share as is_holdout_group,
        definitions.variant as assigned_variant,
        definitions.subject_line
    from prioritized
    left join chosen on chosen.person_id = prioritized.person_id
    left join definitions
        on definitions.campaign = prioritized.campaign
        and prioritized.assignment_unit >= prioritized.holdout_share
        and (prioritized.assignment_unit - prioritized.holdout_share) / (1 - prioritized.holdout_share)
            >= definitions.variant_lower_bound
        and (prioritized.assignment_unit - prioritized.holdout_share) / (1 - prioritized.holdout_share)
            < definitions.variant_upper_bound

)

select
    run_id,
    run_date,
    person_id,
    campaign,
    template,
    segment_name,
    reason,
    priority,
    is_marketing,
    assignment_unit,
    is_holdout_group,
    assigned_variant,
    subject_line,
    case
        when check_failed is not null then 'excluded'
        when priority_rank > 1 then 'deprioritized'
        when is_holdout_group then 'held_out'
        else 'planned'
    end as outcome,
    case
        when check_failed is not null then check_failed
        when priority_rank > 1 then 'deprioritized'
        when is_holdout_group then 'held_out'
    end as exclusion_reason,
    case
        when check_failed = 'suppressed' then {{ dbt.concat(["'suppression list: '", 'suppression_reason']) }}
        when check_failed = 'no_marketing_consent' then
            {{ dbt.concat(["'email_marketing consent: '", "coalesce(email_marketing_consent, 'unknown')"]) }}
        when check_failed = 'cooldown' then
            {{ dbt.concat(["'last sent '", 'cast(last_sent_on as ' ~ string ~ ')']) }}
        when check_failed = 'frequency_cap' then
            {{ dbt.concat(['cast(marketing_sends_7d as ' ~ string ~ ')', "' marketing sends in 7 days, cap " ~ max_sends ~ "'"]) }}
        when check_failed is not null then failed_checks
        when priority_rank > 1 then
            {{ dbt.concat(["'lost to '", 'chosen_campaign', "' (priority '", 'cast(chosen_priority as ' ~ string ~ ')', "')'"]) }}
        when is_holdout_group then
            {{ dbt.concat(["'holdout share '", 'cast(holdout_share as ' ~ string ~ ')']) }}
    end as exclusion_detail,
    failed_checks,
    marketing_sends_7d,
    email,
    {{ dbt.hash(dbt.concat([
        'person_id', "'|'", "coalesce(email, '')", "'|'", "coalesce(email_marketing_consent, 'unknown')", "'|'",
        "coalesce(cast(email_marketing_consent_at as " ~ string ~ "), '')", "'|'",
        'cast(has_hard_bounced as ' ~ string ~ ')', "'|'", 'cast(has_complained as ' ~ string ~ ')', "'|'",
        'cast(has_unsubscribed as ' ~ string ~ ')', "'|'", 'cast(is_suppressed as ' ~ string ~ ')'])) }}
        as consent_snapshot_id
from assigned
