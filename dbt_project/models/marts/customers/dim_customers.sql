-- One row per person: the golden record. Survivorship rules (docs/identity.md):
--   names, phone, address: from the person's CRM contacts, the most recently updated non-null value;
--   birth date: the most frequent non-null value among the contacts (typos lose the vote), ties: most recent;
--   email: source priority CRM > web form > ESP, then the most recent, among valid unblocked emails;
--   consent: per purpose, the latest consent record of any of the person's contacts or emails, where an ESP
--   unsubscribe or spam complaint counts as an email_marketing opt-out at its time.
with person_map as (

    select * from {{ ref('int_identity__person_map') }}
    where person_id is not null

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

consent_records as (

    select * from {{ ref('stg_consent__records') }}

),

esp_events as (

    select * from {{ ref('stg_esp__events') }}

),

tracker_events as (

    select * from {{ ref('stg_web__tracker_events') }}

),

nodes as (

    select * from {{ ref('int_identity__nodes') }}

),

person_contacts as (

    select m.person_id, c.*
    from contacts c
    inner join person_map m on m.identifier_type = 'contact_id' and m.identifier_value = c.contact_id

),

{%- set recent_fields = ['first_name', 'last_name', 'phone', 'street', 'city', 'postcode', 'country_code'] %}

{%- for field in recent_fields %}

latest_{{ field }} as (

    select person_id, {{ field }}
    from (
        select person_id, {{ field }},
            row_number() over (partition by person_id order by updated_at desc, contact_id) as recency_rank
        from person_contacts
        where {{ field }} is not null
    ) ranked
    where recency_rank = 1

),
{%- endfor %}

birth_date_votes as (

    select person_id, birth_date
    from (
        select person_id, birth_date,
            row_number() over (
                partition by person_id order by count(*) desc, max(updated_at) desc, birth_date
            ) as vote_rank
        from person_contacts
        where birth_date is not null
        group by person_id, birth_date
    ) votes
    where vote_rank = 1

),

email_candidates as (

    select m.person_id, c.email, 1 as source_priority, c.updated_at as seen_at
    from person_contacts c
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = c.email
    where c.is_valid_email and m.person_id = c.person_id
    union all
    select m.person_id, t.email, 2, max(t.occurred_at)
    from tracker_events t
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = t.email
    group by m.person_id, t.email
    union all
    select m.person_id, e.email, 3, max(e.occurred_at)
    from esp_events e
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = e.email
    group by m.person_id, e.email

),

best_email as (

    select person_id, email
    from (
        select person_id, email,
            row_number() over (partition by person_id order by source_priority, seen_at desc, email) as email_rank
        from email_candidates
    ) ranked
    where email_rank = 1

),

consent_events as (

    select m.person_id, r.purpose, r.consent_status, r.recorded_at, r.consent_source
    from consent_records r
    inner join person_map m on m.identifier_type = 'contact_id' and m.identifier_value = r.contact_id
    union
    select m.person_id, r.purpose, r.consent_status, r.recorded_at, r.consent_source
    from consent_records r
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = r.email
    union
    select m.person_id, 'email_marketing', 'opt_out', e.occurred_at, {{ dbt.concat(["'esp_'", 'e.event_type']) }}
    from esp_events e
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = e.email
    where e.event_type in ('unsubscribe', 'spam_complaint')

),

latest_consent as (

    select person_id, purpose, consent_status, recorded_at
    from (
        select *,
            row_number() over (
                partition by person_id, purpose
                -- at the same instant an opt-out wins: the safe reading
                order by recorded_at desc, case consent_status when 'opt_out' then 0 else 1 end
            ) as recency_rank
        from consent_events
    ) ranked
    where recency_rank = 1

),

deliverability as (

    select
        m.person_id,
        max(case when e.event_type = 'bounce' and e.bounce_type = 'hard' then 1 else 0 end) = 1 as has_hard_bounced,
        max(case when e.event_type = 'spam_complaint' then 1 else 0 end) = 1 as has_complained,
        max(case when e.event_type = 'unsubscribe' then 1 else 0 end) = 1 as has_unsubscribed
    from esp_events e
    inner join person_map m on m.identifier_type = 'email' and m.identifier_value = e.email
    group by m.person_id

),

identifiers as (

    select
        m.person_id,
        min(m.founding_node_key) as founding_node_key,
        count(case when m.identifier_type = 'contact_id' then 1 end) as contact_ids,
        count(case when m.identifier_type = 'email' then 1 end) as emails,
        count(case when m.identifier_type = 'anonymous_id' then 1 end) as cookies,
        count(case when m.identifier_type = 'device_id' then 1 end) as devices,
        min(n.first_seen_at) as first_seen_at,
        max(n.last_seen_at) as last_seen_at
    from person_map m
    inner join nodes n on n.node_key = m.node_key
    group by m.person_id

),

primary_contact as (

    select person_id, contact_id
    from (
        select person_id, contact_id,
            row_number() over (partition by person_id order by created_at, contact_id) as seniority
        from person_contacts
    ) ranked
    where seniority = 1

)

select
    i.person_id,
    i.contact_ids > 0 or i.emails > 0 as is_identified,
    p.contact_id as primary_contact_id,
    e.email,
    {%- for field in recent_fields %}
    latest_{{ field }}.{{ field }},
    {%- endfor %}
    b.birth_date,
    coalesce(cm.consent_status, 'unknown') as email_marketing_consent,
    cm.recorded_at as email_marketing_consent_at,
    coalesce(ct.consent_status, 'unknown') as tracking_consent,
    ct.recorded_at as tracking_consent_at,
    coalesce(d.has_hard_bounced, false) as has_hard_bounced,
    coalesce(d.has_complained, false) as has_complained,
    coalesce(d.has_unsubscribed, false) as has_unsubscribed,
    (
        e.email is not null
        and coalesce(cm.consent_status, 'unknown') = 'opt_in'
        and not coalesce(d.has_hard_bounced, false)
        and not coalesce(d.has_complained, false)
    ) as is_emailable,
    i.contact_ids,
    i.emails,
    i.cookies,
    i.devices,
    i.first_seen_at,
    i.last_seen_at,
    i.founding_node_key
from identifiers i
left join primary_contact p on p.person_id = i.person_id
left join best_email e on e.person_id = i.person_id
{%- for field in recent_fields %}
left join latest_{{ field }} on latest_{{ field }}.person_id = i.person_id
{%- endfor %}
left join birth_date_votes b on b.person_id = i.person_id
left join latest_consent cm on cm.person_id = i.person_id and cm.purpose = 'email_marketing'
left join latest_consent ct on ct.person_id = i.person_id and ct.purpose = 'tracking'
left join deliverability d on d.person_id = i.person_id
