-- People classed 'High Purchase Intent' by the rule-based purchase_intent model.
with intent as (

    select * from {{ ref('purchase_intent') }}

)

select person_id, intent_reason as reason, run_date
from intent
where intent_class = 'High Purchase Intent'
