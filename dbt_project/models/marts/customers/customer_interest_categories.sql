-- One row per person and product category: the same interest points as customer_interest_products (each
-- interaction counts for its product's category), added up per category and normalized per person
-- (1 = the person's top category). Products missing from the catalog have no category and are left out.
with product_interest as (

    select * from {{ ref('customer_interest_products') }}
    where category is not null

),

scored as (

    select
        person_id,
        category,
        run_date,
        sum(interest_score_raw) as interest_score_raw,
        cast(sum(product_views) as bigint) as product_views,
        cast(sum(cart_adds) as bigint) as cart_adds,
        cast(sum(purchases) as bigint) as purchases,
        cast(count(*) as bigint) as products_interacted,
        max(last_interacted_at) as last_interacted_at
    from product_interest
    group by person_id, category, run_date

)

select
    person_id,
    category,
    -- scored and ranked on interest_compared, like customer_interest_products
    {{ interest_compared('interest_score_raw') }}
        / nullif(max({{ interest_compared('interest_score_raw') }}) over (partition by person_id), 0) as interest_score,
    interest_score_raw,
    cast(row_number() over (partition by person_id order by {{ interest_compared('interest_score_raw') }} desc, category) as integer)
        as interest_rank,
    product_views,
    cart_adds,
    purchases,
    products_interacted,
    last_interacted_at,
    run_date
from scored
