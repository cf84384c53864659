-- One row per (identifier pair, rule). Every edge is kept with the rule that created it; `is_active` says
-- whether it joins people: not when either end is blocked, and not when a cookie or device was logged in
-- as more contacts than tailor__identity_max_contacts_per_device (a shared family iPad or kiosk).
with observations as (

    select * from {{ ref('int_identity__observations') }}
    where value_b is not null

),

nodes as (

    select * from {{ ref('int_identity__nodes') }}

),

pairs as (

    select
        rule,
        {{ dbt.concat(['type_a', "':'", 'value_a']) }} as node_key_a,
        {{ dbt.concat(['type_b', "':'", 'value_b']) }} as node_key_b,
        first_seen_at,
        last_seen_at,
        sightings,
        match_probability
    from observations

),

logins_per_device as (

    select node_key_a as node_key, count(distinct node_key_b) as contacts_logged_in
    from pairs
    where rule in ('web_login', 'app_login')
    group by node_key_a

),

shared_devices as (

    select node_key
    from logins_per_device
    where contacts_logged_in > {{ var('tailor__identity_max_contacts_per_device') }}

)

select
    p.rule,
    p.node_key_a,
    p.node_key_b,
    p.first_seen_at,
    p.last_seen_at,
    p.sightings,
    p.match_probability,
    case
        when a.blocked_reason is not null or b.blocked_reason is not null
            then coalesce(a.blocked_reason, b.blocked_reason)
        when sa.node_key is not null or sb.node_key is not null then 'shared_identifier'
    end as inactive_reason,
    a.blocked_reason is null and b.blocked_reason is null
    and sa.node_key is null and sb.node_key is null as is_active
from pairs p
inner join nodes a on a.node_key = p.node_key_a
inner join nodes b on b.node_key = p.node_key_b
left join shared_devices sa on sa.node_key = p.node_key_a
left join shared_devices sb on sb.node_key = p.node_key_b
