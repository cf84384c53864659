-- The current version of each CRM contact: the row with the latest updated_at (ties: the later file/line).
with source as (

    select * from {{ source('crm', 'crm_contacts') }}

),

renamed as (

    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_email('email') }} as email,
        email as email_as_exported,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('street') }} as street,
        {{ clean_text('city') }} as city,
        {{ clean_text('postcode') }} as postcode,
        upper({{ clean_text('country') }}) as country_code,
        birth_date,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at,
        marketing_opt_in as has_marketing_opt_in,
        _source_file,
        _line_number,
        row_number() over (
            partition by {{ clean_text('contact_id') }}
            order by updated_at desc, _source_file desc, _line_number desc
        ) as version_rank
    from source

)

select
    contact_id,
    email,
    email_as_exported,
    {{ regexp_matches('email', '^[^@ ]+@[^@ ]+[.][^@ .]+$') }} as is_valid_email,
    first_name,
    last_name,
    phone,
    street,
    city,
    postcode,
    country_code,
    birth_date,
    created_at,
    updated_at,
    has_marketing_opt_in,
    _source_file,
    _line_number
from renamed
where version_rank = 1
