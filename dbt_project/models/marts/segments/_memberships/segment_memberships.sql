-- Who is in which segment now: the union of every model tagged `segment` (found in the dbt graph, so a new
-- segment file needs no edit here), one row per segment and person. The segments are this model's parents
-- (macro depend_on_tagged_models), so `dbt build -s tag:segment+` rebuilds it and the history after them.
{%- do depend_on_tagged_models('segment') %}
{%- set segments = segment_models() %}
with run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

memberships as (

    {%- for segment in segments %}
    select
        {{ string_literal(segment.name) }} as segment_name,
        {{ string_literal(segment.label) }} as segment_label,
        {{ string_literal(segment.refresh or 'nightly') }} as refresh,
        {{ string_literal(segment.owner or 'unknown') }} as owner,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(reason as {{ dbt.type_string() }}) as reason
    from {{ ref(segment.name) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- if segments | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as segment_label,
        cast(null as {{ dbt.type_string() }}) as refresh,
        cast(null as {{ dbt.type_string() }}) as owner,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as reason
    where 1 = 0
    {%- endif %}

)

select
    {{ dbt.concat(['memberships.segment_name', "'|'", 'memberships.person_id']) }} as membership_key,
    memberships.segment_name,
    memberships.segment_label,
    memberships.refresh,
    memberships.owner,
    memberships.person_id,
    memberships.reason,
    run_dates.run_date
from memberships
cross join run_dates
where memberships.person_id is not null
