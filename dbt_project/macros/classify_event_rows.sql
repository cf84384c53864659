{#
  Adds `occurrence` and `rejection_reason` to parsed event rows. Reasons, first match wins:
  missing_event_id, unknown_event_type, unparseable_timestamp, duplicate_event_id (a later copy of an
  event id: the copy from the earliest file and line is kept).
#}
{% macro classify_event_rows(relation, known_event_types) %}
, numbered as (

    select
        *,
        row_number() over (partition by event_id order by _source_file, _line_number) as occurrence
    from {{ relation }}

)

select
    *,
    case
        when event_id is null or trim(event_id) = '' then 'missing_event_id'
        when event_type is null or event_type not in ('{{ known_event_types | join("', '") }}')
            then 'unknown_event_type'
        when occurred_at is null then 'unparseable_timestamp'
        when occurrence > 1 then 'duplicate_event_id'
    end as rejection_reason
from numbered
{% endmacro %}
