with source as (

    select * from {{ source('crm', 'crm_order_items') }}

)

select
    {{ clean_text('order_id') }} as order_id,
    line_number as order_line_number,
    {{ clean_text('product_id') }} as product_id,
    quantity,
    unit_price,
    quantity * unit_price as line_amount,
    _source_file,
    _line_number,
    _loaded_at
from source
