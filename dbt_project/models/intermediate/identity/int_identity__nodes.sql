-- One row per identifier seen anywhere, with when it was first seen and whether it is blocked.
{%- set blocked_values = var('tailor__identity_blocked_values') %}
{%- set email_patterns = var('tailor__identity_blocked_email_patterns') %}
with observations as (

    select * from {{ ref('int_identity__observations') }}

),

sides as (

    select type_a as identifier_type, value_a as identifier_value, first_seen_at, last_seen_at, sightings
    from observations
    union all
    select type_b, value_b, first_seen_at, last_seen_at, sightings
    from observations
    where value_b is not null

),

nodes as (

    select
        identifier_type,
        identifier_value,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        sum(sightings) as sightings
    from sides
    group by identifier_type, identifier_value

)

select
    {{ dbt.concat(['identifier_type', "':'", 'identifier_value']) }} as node_key,
    identifier_type,
    identifier_value,
    first_seen_at,
    last_seen_at,
    sightings,
    case
        when lower(trim(identifier_value)) in ('{{ blocked_values | join("', '") }}') then 'blocked_value'
        {%- for pattern in email_patterns %}
        when identifier_type = 'email' and {{ regexp_matches('identifier_value', pattern) }} then 'blocked_email_pattern'
        {%- endfor %}
        when identifier_type = 'email' and not {{ regexp_matches('identifier_value', '^[^@ ]+@[^@ ]+[.][^@ .]+$') }}
            then 'invalid_email'
    end as blocked_reason
from nodes
