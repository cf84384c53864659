-- The latest catalog entry of each product (a product re-exported later wins).
with source as (

    select * from {{ source('crm', 'crm_products') }}

),

ranked as (

    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('name') }} as product_name,
        lower({{ clean_text('category') }}) as category,
        price,
        {{ clean_text('url') }} as product_url,
        {{ clean_text('image_url') }} as image_url,
        _source_file,
        _line_number,
        row_number() over (
            partition by {{ clean_text('product_id') }} order by _source_file desc, _line_number desc
        ) as version_rank
    from source

)

select product_id, product_name, category, price, product_url, image_url, _source_file, _line_number
from ranked
where version_rank = 1
