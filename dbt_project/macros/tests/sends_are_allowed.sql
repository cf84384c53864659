{#
  The last line of defense, checked on every build and at every scale: no planned send may go to a person
  who hard-bounced or is on the suppression list (by any of the person's addresses), and no marketing send
  to a person who unsubscribed, complained or lacks an email-marketing opt-in. Written independently of
  campaign_decisions (which applies the same rules with reasons), straight from dim_customers, the identity
  map and the suppression list. Any row fails the build before anything can be rendered.
#}
{% test sends_are_allowed(model, customers, person_map, suppression_list) %}

with sends as (

    select person_id, email, is_marketing from {{ model }}

),

person_emails as (

    select person_id, identifier_value as email
    from {{ person_map }}
    where identifier_type = 'email' and person_id is not null
    union all
    select person_id, email from sends

),

suppressed as (

    select distinct person_emails.person_id
    from person_emails
    inner join {{ suppression_list }} as suppression_list
        on {{ normalize_email('suppression_list.email') }} = {{ normalize_email('person_emails.email') }}

)

select sends.*, customers.email_marketing_consent, customers.has_unsubscribed, customers.has_complained,
    customers.has_hard_bounced, suppressed.person_id is not null as is_suppressed
from sends
left join {{ customers }} as customers on customers.person_id = sends.person_id
left join suppressed on suppressed.person_id = sends.person_id
where customers.person_id is null
    or suppressed.person_id is not null
    or coalesce(customers.has_hard_bounced, false)
    or (
        sends.is_marketing
        and (
            coalesce(customers.email_marketing_consent, 'unknown') <> 'opt_in'
            or coalesce(customers.has_unsubscribed, false)
            or coalesce(customers.has_complained, false)
        )
    )

{% endtest %}
