-- One row per parsed access-log request. A malformed request line (e.g. a scanner's garbage) is kept with
-- NULL method/path: the request happened. Partitioned by landing hour like its base model.
{{ config(**partition_replace_config('_landed_hour')) }}
select
    {{ dbt.concat(['_source_file', "':'", 'cast(_line_number as ' ~ dbt.type_string() ~ ')']) }} as log_line_id,
    requested_at,
    ip_address,
    virtual_host,
    remote_user,
    http_method,
    request_path,
    http_protocol,
    request_line,
    status_code,
    response_bytes,
    referrer_url,
    user_agent,
    _source_file,
    _line_number,
    _landed_hour,
    _loaded_at
from {{ ref('base_web__access_logs') }}
where rejection_reason is null
{%- if is_incremental() %}
    and _landed_hour in ({{ landing_hours_to_rebuild(ref('base_web__access_logs')) }})
{%- endif %}
