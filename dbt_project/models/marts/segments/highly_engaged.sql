-- People whose event score (person_event_scores: frequency, recency and depth of their activity) is at
-- least tailor__highly_engaged_min_score.
with scores as (

    select * from {{ ref('person_event_scores') }}

)

select
    person_id,
    {{ dbt.concat([
        "'event score '", number_text('cast(round(event_score, 2) as decimal(4, 2))'), "': active on '",
        number_text('active_days'), "' days, last '", number_text('days_since_last_activity'),
        "' days ago, '", number_text('cast(round(product_views_per_session, 1) as decimal(8, 1))'),
        "' product views per session'",
    ]) }} as reason,
    event_score,
    run_date
from scores
where event_score >= {{ var('tailor__highly_engaged_min_score') }}
