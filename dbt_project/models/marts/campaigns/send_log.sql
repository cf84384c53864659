-- Every run's planned sends, kept across runs: the state frequency caps and cooldowns count until the ESP
-- reports the send (campaign_recent_sends). Rebuilding a run replaces that run's rows (key: run_id).
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    unique_key=(none if target.type == 'spark' else ['run_id']),
    partition_by=(['run_id'] if target.type == 'spark' else none),
    on_schema_change='fail',
) }}
select
    run_id,
    run_date,
    person_id,
    campaign,
    variant,
    is_marketing
from {{ ref('planned_sends') }}
