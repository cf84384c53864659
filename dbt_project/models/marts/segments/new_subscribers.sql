-- People whose first email-marketing opt-in (any of their contacts) was recorded in the
-- tailor__new_subscriber_days days ending on run_date. Consent records after run_date are ignored.
{%- set days = var('tailor__new_subscriber_days') | int %}
with consents as (

    select contact_id, recorded_at, consent_source
    from {{ ref('stg_consent__records') }}
    where purpose = 'email_marketing' and consent_status = 'opt_in' and recorded_at is not null

),

contacts as (

    select identifier_value as contact_id, person_id
    from {{ ref('int_identity__person_map') }}
    where identifier_type = 'contact_id' and person_id is not null

),

run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

first_opt_ins as (

    select
        contacts.person_id,
        min(consents.recorded_at) as subscribed_at
    from consents
    inner join contacts on contacts.contact_id = consents.contact_id
    cross join run_dates
    where cast(consents.recorded_at as date) <= run_dates.run_date
    group by contacts.person_id

)

select
    first_opt_ins.person_id,
    {{ dbt.concat(["'subscribed to email on '", minute_text('first_opt_ins.subscribed_at'), "' UTC'"]) }} as reason,
    first_opt_ins.subscribed_at,
    run_dates.run_date
from first_opt_ins
cross join run_dates
where {{ dbt.datediff('cast(first_opt_ins.subscribed_at as date)', 'run_dates.run_date', 'day') }} < {{ days }}
