{#
  Staging of event sources (tracker, app, ESP) in two incremental models over one base model:

  staged_event_winners(base): one row per event id, the copy from the earliest (file, line); it is the
    event when that copy is usable (rejection_reason NULL). Incremental runs recompute the event ids found
    in the landing hours they rebuild, against every stored copy, so a copy landing hours later (or an
    earlier file loaded late) is judged exactly as a full build judges it. Use with row_upsert_config.
  staged_event_rejects(base, staged): every row of base that is not an event, with its reason
    (duplicate_event_id for a usable row that lost to an earlier copy). A row's verdict can change when a
    copy lands in another hour, so incremental runs rebuild every hour holding a copy of an event id of
    the rebuilt hours. Use with partition_replace_config('_landed_hour').

  Together they account for every base row (generic test all_rows_accounted_for).
#}
{% macro staged_event_winners(base_relation, columns) %}
with base as (

    select * from {{ base_relation }}

),
{%- if is_incremental() %}

rebuilt_hours as (

    {{ landing_hours_to_rebuild(base_relation) }}

),

rebuilt_event_ids as (

    select distinct event_id from base
    where _landed_hour in (select _landed_hour from rebuilt_hours) and event_id is not null

),

candidates as (

    select * from base where event_id in (select event_id from rebuilt_event_ids)

),
{%- else %}

candidates as (

    select * from base where event_id is not null

),
{%- endif %}

ranked as (

    select
        *,
        row_number() over (partition by event_id order by _source_file, _line_number) as occurrence
    from candidates

)

select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    _source_file,
    _line_number,
    _landed_hour,
    _loaded_at
from ranked
where occurrence = 1 and rejection_reason is null
{% endmacro %}


{% macro staged_event_rejects(base_relation, staged_relation) %}
with base as (

    select * from {{ base_relation }}

),
{%- if is_incremental() %}

rebuilt_hours as (

    {{ landing_hours_to_rebuild(base_relation) }}

),

rebuilt_event_ids as (

    select distinct event_id from base
    where _landed_hour in (select _landed_hour from rebuilt_hours) and event_id is not null

),

affected_hours as (

    select _landed_hour from rebuilt_hours
    union
    select distinct _landed_hour from base where event_id in (select event_id from rebuilt_event_ids)

),

rows_to_judge as (

    select * from base where _landed_hour in (select _landed_hour from affected_hours)

),
{%- else %}

rows_to_judge as (

    select * from base

),
{%- endif %}

events as (

    select event_id, _source_file, _line_number from {{ staged_relation }}

)

select
    coalesce(rows_to_judge.rejection_reason, 'duplicate_event_id') as rejection_reason,
    rows_to_judge.event_id,
    rows_to_judge.event_type,
    rows_to_judge.occurred_at_text,
    rows_to_judge.original_text,
    rows_to_judge._source_file,
    rows_to_judge._line_number,
    rows_to_judge._landed_hour,
    rows_to_judge._loaded_at
from rows_to_judge
left join events
    on events.event_id = rows_to_judge.event_id
    and events._source_file = rows_to_judge._source_file
    and events._line_number = rows_to_judge._line_number
where events.event_id is null
{% endmacro %}
