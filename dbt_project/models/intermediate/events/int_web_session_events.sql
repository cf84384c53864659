-- Tracker events assigned to web sessions. A session is a run of events of one cookie (anonymous_id) in
-- which no gap between consecutive events exceeds tailor__session_timeout_minutes (a gap of exactly the
-- timeout continues the session). Sessions are cut in event time, not arrival order, over all events each
-- build: a late event (landing in a later file) falls into the session it belongs to, and may bridge two.
-- web_session_id hashes the cookie and the session's first event time, so it is stable across rebuilds
-- unless a late event becomes the session's new first event. Tracker events without a cookie have no session.
with events as (

    select event_id, anonymous_id, occurred_at
    from {{ ref('int_events__unioned') }}
    where source = 'tracker' and anonymous_id is not null

),

gaps as (

    select
        *,
        lag(occurred_at) over (partition by anonymous_id order by occurred_at, event_id) as previous_occurred_at
    from events

),

starts as (

    select
        *,
        case
            when previous_occurred_at is null then 1
            -- In microseconds: exact on both engines (Spark's dateadd by minutes drops fractions of a second).
            when {{ epoch_microseconds('occurred_at') }} - {{ epoch_microseconds('previous_occurred_at') }}
                > cast({{ var('tailor__session_timeout_minutes') }} as bigint) * 60 * 1000000 then 1
            else 0
        end as starts_session
    from gaps

),

numbered as (

    select
        *,
        sum(starts_session) over (
            partition by anonymous_id
            order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as cookie_session_number
    from starts

),

bounded as (

    select
        *,
        min(occurred_at) over (partition by anonymous_id, cookie_session_number) as session_started_at
    from numbered

)

select
    event_id,
    {{ dbt.hash(dbt.concat([
        'anonymous_id', "'|'", 'cast(' ~ epoch_microseconds('session_started_at') ~ ' as ' ~ dbt.type_string() ~ ')'
    ])) }} as web_session_id,
    anonymous_id,
    occurred_at,
    session_started_at,
    cookie_session_number,
    row_number() over (
        partition by anonymous_id, cookie_session_number order by occurred_at, event_id
    ) as event_number_in_session
from bounded
