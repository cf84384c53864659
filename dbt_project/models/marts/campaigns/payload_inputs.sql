-- One row per planned send with every field a template may use: the only interface between the warehouse
-- and the renderers (contract enforced; columns and nullability in _campaigns__models.yml and
-- docs/campaigns.md). Product slots are the person's top interest products that are in the catalog.
{%- set product_slots = 3 %}
with sends as (

    select * from {{ ref('planned_sends') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

products as (

    select * from {{ ref('stg_crm__products') }}

),

ranked_products as (

    select
        interest.person_id,
        products.product_id,
        products.product_name,
        products.price,
        products.product_url,
        products.image_url,
        row_number() over (
            partition by interest.person_id order by interest.interest_rank, interest.product_id
        ) as product_slot
    from {{ ref('customer_interest_products') }} as interest
    inner join products on products.product_id = interest.product_id
    where products.product_name is not null
        and interest.person_id in (select person_id from sends)

),

top_categories as (

    select person_id, category
    from {{ ref('customer_interest_categories') }}
    where interest_rank = 1

)

select
    sends.run_id,
    sends.run_date,
    sends.person_id,
    sends.campaign,
    sends.template,
    sends.variant,
    sends.subject_line,
    sends.is_marketing,
    sends.email,
    customers.first_name,
    customers.last_name,
    customers.country_code,
    sends.segment_name,
    sends.reason as segment_reason,
    top_categories.category as top_category,
    {%- for slot in range(1, product_slots + 1) %}
    product_{{ slot }}.product_id as product_{{ slot }}_id,
    product_{{ slot }}.product_name as product_{{ slot }}_name,
    product_{{ slot }}.price as product_{{ slot }}_price,
    product_{{ slot }}.product_url as product_{{ slot }}_url,
    product_{{ slot }}.image_url as product_{{ slot }}_image_url,
    {%- endfor %}
    {{ unsubscribe_token('sends.person_id', 'sends.email') }} as unsubscribe_token,
    sends.consent_snapshot_id
from sends
left join customers on customers.person_id = sends.person_id
left join top_categories on top_categories.person_id = sends.person_id
{%- for slot in range(1, product_slots + 1) %}
left join ranked_products as product_{{ slot }}
    on product_{{ slot }}.person_id = sends.person_id and product_{{ slot }}.product_slot = {{ slot }}
{%- endfor %}
