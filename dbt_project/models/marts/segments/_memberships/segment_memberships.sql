-- Who is in which segment now: the union of every model tagged `segment` (found in the dbt graph when
-- this runs, so a new segment file needs no edit here), one row per segment and person. A view, so it
-- always shows the segment tables as last built, whichever order dbt ran them in. dbt records dependencies
-- while parsing, before the graph exists, so the segments are not parents of this model: a segment not
-- built yet gets an empty stand-in table (macro ensure_segment_relation) that its own run replaces.
-- depends_on: {{ ref('customer_metrics') }}, {{ ref('person_event_scores') }}, {{ ref('purchase_intent') }}
{%- set segments = segment_models() %}
{%- for segment in segments %}
    {%- do ensure_segment_relation(segment.relation) %}
{%- endfor %}
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
    from {{ segment.relation }}
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
