-- One row per stay of a person in a segment, from the snapshot of segment_memberships.
with snapshot as (

    select * from {{ ref('snap_segment_memberships') }}

)

select
    {{ dbt.concat(['membership_key', "'|'", "cast(dbt_valid_from as " ~ dbt.type_string() ~ ")"]) }}
        as membership_version_key,
    segment_name,
    segment_label,
    person_id,
    reason,
    dbt_valid_from as entered_at,
    dbt_valid_to as exited_at,
    dbt_valid_to is null as is_current_member,
    run_date as entered_run_date
from snapshot
