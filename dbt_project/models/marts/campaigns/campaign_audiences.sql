-- One row per campaign and person in its audience: the union of every model tagged `campaign`, found in
-- the graph (macro campaign_nodes). A person listed twice by one campaign counts once (the first reason).
{%- do depend_on_tagged_models('campaign') %}
{%- set string = dbt.type_string() %}
{%- set campaigns = campaign_nodes() %}
with unioned as (
{%- for node in campaigns %}

    select
        cast(person_id as {{ string }}) as person_id,
        cast('{{ node.name }}' as {{ string }}) as campaign,
        cast(segment_name as {{ string }}) as segment_name,
        cast(reason as {{ string }}) as reason
    from {{ ref(node.name) }}
    where person_id is not null
    {{ 'union all' if not loop.last }}
{%- else %}

    select
        cast(null as {{ string }}) as person_id,
        cast(null as {{ string }}) as campaign,
        cast(null as {{ string }}) as segment_name,
        cast(null as {{ string }}) as reason
    where 1 = 0
{%- endfor %}

),

ranked as (

    select
        *,
        row_number() over (partition by campaign, person_id order by reason, segment_name) as listing_rank
    from unioned

)

select person_id, campaign, segment_name, reason
from ranked
where listing_rank = 1
