with source as (

    select * from {{ source('consent', 'consent_records') }}

)

select
    {{ clean_text('consent_id') }} as consent_id,
    {{ clean_text('contact_id') }} as contact_id,
    {{ normalize_email('email') }} as email,
    lower({{ clean_text('purpose') }}) as purpose,
    lower({{ clean_text('status') }}) as consent_status,
    {{ to_utc_timestamp('recorded_at') }} as recorded_at,
    lower({{ clean_text('source') }}) as consent_source,
    _source_file,
    _line_number
from source
