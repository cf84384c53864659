-- Every sighting of identifiers, alone or together, with the rule that links them. Grain: one row per
-- (rule, identifier pair) with the first and last time it was seen; a single identifier has no partner.
with contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

consent as (

    select * from {{ ref('stg_consent__records') }}

),

tracker as (

    select * from {{ ref('stg_web__tracker_events') }}

),

app as (

    select * from {{ ref('stg_app__events') }}

),

esp as (

    select * from {{ ref('stg_esp__events') }}

),

matches as (

    {{ source_or_empty('ml', 'crm_contact_matches', {
        'contact_id_l': dbt.type_string(), 'contact_id_r': dbt.type_string(),
        'match_probability': dbt.type_float(), 'matched_at': dbt.type_timestamp()}) }}

),

sightings as (

    select 'crm_contact_email' as rule, 'contact_id' as type_a, contact_id as value_a,
        'email' as type_b, email as value_b, created_at as seen_at, cast(null as {{ dbt.type_float() }}) as match_probability
    from contacts
    union all
    select 'crm_order_email', 'contact_id', contact_id, 'email', email, ordered_at, null
    from orders
    union all
    select 'consent_email', 'contact_id', contact_id, 'email', email, recorded_at, null
    from consent
    union all
    select 'web_login', 'anonymous_id', anonymous_id, 'contact_id', user_id, occurred_at, null
    from tracker where user_id is not null
    union all
    select 'web_email', 'anonymous_id', anonymous_id, 'email', email, occurred_at, null
    from tracker where email is not null
    union all
    select 'web_visit', 'anonymous_id', anonymous_id, null, null, occurred_at, null
    from tracker
    union all
    select 'app_login', 'device_id', device_id, 'contact_id', user_id, occurred_at, null
    from app where user_id is not null
    union all
    select 'app_use', 'device_id', device_id, null, null, occurred_at, null
    from app
    union all
    select 'esp_recipient', 'email', email, null, null, occurred_at, null
    from esp
    union all
    -- Undated on purpose: when the matcher ran says nothing about when the person was first seen, and
    -- person ids must not depend on it.
    select 'crm_probabilistic_match', 'contact_id', contact_id_l, 'contact_id', contact_id_r,
        cast(null as {{ dbt.type_timestamp() }}), match_probability
    from matches
    where match_probability >= {{ var('tailor__identity_match_threshold') }}

)

select
    rule,
    type_a,
    value_a,
    type_b,
    value_b,
    min(seen_at) as first_seen_at,
    max(seen_at) as last_seen_at,
    count(*) as sightings,
    max(match_probability) as match_probability
from sightings
where value_a is not null
group by rule, type_a, value_a, type_b, value_b
