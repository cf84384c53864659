with source as (

    select * from {{ source('crm', 'crm_orders') }}

)

select
    {{ clean_text('order_id') }} as order_id,
    {{ clean_text('contact_id') }} as contact_id,
    {{ normalize_email('email') }} as email,
    {{ to_utc_timestamp('ordered_at') }} as ordered_at,
    lower({{ clean_text('status') }}) as order_status,
    upper({{ clean_text('currency') }}) as currency_code,
    total_amount,
    lower({{ clean_text('channel') }}) as channel,
    _source_file,
    _line_number,
    _loaded_at
from source
