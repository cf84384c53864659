{#
  Adds `rejection_reason` to parsed event rows, for what a row shows on its own; first match wins:
  missing_event_id, unknown_event_type, unparseable_timestamp. Repeated event ids are judged across files
  by staged_event_winners (the copy from the earliest file and line is the event; later copies are
  quarantined as duplicate_event_id), because a copy can land in a later hour than the original.
#}
{% macro classify_event_rows(relation, known_event_types) %}
select
    *,
    case
        when event_id is null or trim(event_id) = '' then 'missing_event_id'
        when event_type is null or event_type not in ('{{ known_event_types | join("', '") }}')
            then 'unknown_event_type'
        when occurred_at is null then 'unparseable_timestamp'
    end as rejection_reason
from {{ relation }}
{% endmacro %}
