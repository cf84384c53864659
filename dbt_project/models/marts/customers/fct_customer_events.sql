-- Every event (int_events__unioned) with the person it belongs to, resolved through the identity map by
-- the most reliable identifier the event carries: contact_id, then email, then anonymous_id / device_id
-- (an event has at most one of the last two). Blocked identifiers resolve to nobody, so the next one is
-- tried. Events no identifier resolves keep a NULL person_id (nothing is dropped). Tracker events carry
-- their web session.
--
-- Incremental, row by row (docs/orchestration.md): a run recomputes the events of the days
-- int_events__unioned rebuilt since this table last ran (its _built_at), and every stored event whose
-- person, resolving identifier or web session is no longer what the identity map and the sessions say
-- (identity merges and splits, late events joining sessions). So the table always equals a full build,
-- while a run writes only what changed.
{{ config(**row_upsert_config('event_id')) }}
with person_map as (

    select identifier_type, identifier_value, person_id
    from {{ ref('int_identity__person_map') }}
    where person_id is not null

),

session_events as (

    select event_id, web_session_id from {{ ref('int_web_session_events') }}

),
{%- if is_incremental() %}

stale_events as (

    select stored.event_id
    from {{ this }} as stored
    left join person_map as by_contact
        on by_contact.identifier_type = 'contact_id' and by_contact.identifier_value = stored.contact_id
    left join person_map as by_email
        on by_email.identifier_type = 'email' and by_email.identifier_value = stored.email
    left join person_map as by_cookie
        on by_cookie.identifier_type = 'anonymous_id' and by_cookie.identifier_value = stored.anonymous_id
    left join person_map as by_device
        on by_device.identifier_type = 'device_id' and by_device.identifier_value = stored.device_id
    left join session_events on session_events.event_id = stored.event_id
    where coalesce(by_contact.person_id, by_email.person_id, by_cookie.person_id, by_device.person_id)
            is distinct from stored.person_id
        or case
            when by_contact.person_id is not null then 'contact_id'
            when by_email.person_id is not null then 'email'
            when by_cookie.person_id is not null then 'anonymous_id'
            when by_device.person_id is not null then 'device_id'
        end is distinct from stored.resolved_by
        or session_events.web_session_id is distinct from stored.web_session_id

),
{%- endif %}

events as (

    select * from {{ ref('int_events__unioned') }}
    {%- if is_incremental() %}
    where _built_at > {{ watermark('_built_at') }}
        or event_id in (select event_id from stale_events)
    {%- endif %}

),

resolved as (

    select
        events.*,
        coalesce(
            by_contact.person_id, by_email.person_id, by_cookie.person_id, by_device.person_id
        ) as person_id,
        case
            when by_contact.person_id is not null then 'contact_id'
            when by_email.person_id is not null then 'email'
            when by_cookie.person_id is not null then 'anonymous_id'
            when by_device.person_id is not null then 'device_id'
        end as resolved_by
    from events
    left join person_map as by_contact
        on by_contact.identifier_type = 'contact_id' and by_contact.identifier_value = events.contact_id
    left join person_map as by_email
        on by_email.identifier_type = 'email' and by_email.identifier_value = events.email
    left join person_map as by_cookie
        on by_cookie.identifier_type = 'anonymous_id' and by_cookie.identifier_value = events.anonymous_id
    left join person_map as by_device
        on by_device.identifier_type = 'device_id' and by_device.identifier_value = events.device_id

)

select
    resolved.event_id,
    resolved.source_event_id,
    resolved.source,
    resolved.event_type,
    resolved.source_event_type,
    resolved.occurred_at,
    resolved.person_id,
    resolved.resolved_by,
    resolved.contact_id,
    resolved.email,
    resolved.anonymous_id,
    resolved.device_id,
    resolved.session_id,
    session_events.web_session_id,
    resolved.product_id,
    resolved.category,
    resolved.price,
    resolved.quantity,
    resolved.order_id,
    resolved.order_status,
    resolved.revenue,
    resolved.campaign_id,
    resolved.message_id,
    resolved.page_url,
    resolved.referrer_url,
    resolved.user_agent,
    resolved.is_bot,
    resolved.event_date,
    resolved._built_at
from resolved
left join session_events on session_events.event_id = resolved.event_id
