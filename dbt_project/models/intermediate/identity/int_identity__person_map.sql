-- Every identifier with the person it belongs to. The rule for stable ids (docs/identity.md):
-- a person's id is derived from the component's *founding identifier*, the one seen first (ties: contact
-- id, email, device, cookie; then the smaller value). Identifiers that join later never change it, a
-- rebuild from scratch gives the same ids, and when two people merge the one seen first keeps its id.
-- Blocked identifiers belong to nobody (person_id is NULL), so they cannot pull events to a stranger.
with components as (

    select * from {{ ref('int_identity__components') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by component_key
            order by
                case when first_seen_at is null then 1 else 0 end,
                first_seen_at,
                case identifier_type
                    when 'contact_id' then 1 when 'email' then 2 when 'device_id' then 3 else 4
                end,
                identifier_value
        ) as seniority
    from components
    where blocked_reason is null

),

founders as (

    select component_key, node_key as founding_node_key
    from ranked
    where seniority = 1

)

select
    c.node_key,
    c.identifier_type,
    c.identifier_value,
    case when c.blocked_reason is null
        then {{ dbt.concat(["'p_'", "left(" ~ dbt.hash('f.founding_node_key') ~ ", 16)"]) }}
    end as person_id,
    case when c.blocked_reason is null then f.founding_node_key end as founding_node_key,
    c.blocked_reason
from components c
left join founders f on f.component_key = c.component_key
