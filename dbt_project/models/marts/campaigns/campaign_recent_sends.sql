-- One row per email sent or planned to a person in the 7 days ending on the run date, or within the longest
-- campaign cooldown (whichever is longer): what frequency caps and cooldowns count.
--   esp:      ESP `sent` events (distinct messages) of the person's addresses; campaign = the ESP's campaign_id.
--   send_log: sends planned by *earlier* runs (another run id) that the ESP has not reported yet, i.e. no
--             `sent` event of the same campaign to the person on or after that run's date. The current run's
--             own rows are never counted, so rebuilding a run does not count itself.
-- send_log is read as a relation, not through ref(): it is downstream of this model (it logs planned_sends).
{%- set string = dbt.type_string() %}
{%- set lookback_days = [7] %}
{%- for config in campaign_configs() %}{% do lookback_days.append(config.cooldown_days) %}{% endfor %}
{%- set log_relation = namespace(value=none) %}
{%- if execute %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'send_log' and node.package_name == project_name %}
        {%- set log_relation.value = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) %}
    {%- endfor %}
{%- endif %}
with run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

runs as (

    select
        run_date,
        {{ campaign_run_id('run_date') }} as run_id,
        {{ dbt.dateadd('day', -(lookback_days | max) + 1, 'run_date') }} as window_start_date
    from run_dates

),

esp_sends as (

    select
        events.person_id,
        events.campaign_id as campaign,
        cast(min(events.occurred_at) as date) as sent_on,
        events.message_id
    from {{ ref('fct_customer_events') }} as events
    cross join runs
    where events.event_type = 'email_sent'
        and events.person_id is not null
        and cast(events.occurred_at as date) <= runs.run_date
        and cast(events.occurred_at as date) >= cast(runs.window_start_date as date)
    group by events.person_id, events.campaign_id, events.message_id

),

logged_sends as (
{%- if log_relation.value is not none %}

    select log.person_id, log.campaign, log.run_date as sent_on, log.run_id, log.is_marketing
    from {{ log_relation.value }} as log
    cross join runs
    where log.run_id <> runs.run_id
        and log.run_date <= runs.run_date
        and log.run_date >= cast(runs.window_start_date as date)
{%- else %}

    select
        cast(null as {{ string }}) as person_id,
        cast(null as {{ string }}) as campaign,
        cast(null as date) as sent_on,
        cast(null as {{ string }}) as run_id,
        cast(null as boolean) as is_marketing
    where 1 = 0
{%- endif %}

),

unreported_logged_sends as (

    select logged_sends.*
    from logged_sends
    where not exists (
        select 1
        from esp_sends
        where esp_sends.person_id = logged_sends.person_id
            and esp_sends.campaign = logged_sends.campaign
            and esp_sends.sent_on >= logged_sends.sent_on
    )

)

select
    esp_sends.person_id,
    esp_sends.campaign,
    esp_sends.sent_on,
    cast('esp' as {{ string }}) as sent_by,
    cast(esp_sends.message_id as {{ string }}) as send_ref,
    -- the ESP does not say which of its sends are marketing: all of them count against the cap
    true as is_marketing
from esp_sends
union all
select
    person_id,
    campaign,
    sent_on,
    cast('send_log' as {{ string }}) as sent_by,
    run_id as send_ref,
    is_marketing
from unreported_logged_sends
