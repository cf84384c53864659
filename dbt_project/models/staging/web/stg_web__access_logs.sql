-- One row per parsed access-log request. A malformed request line (e.g. a scanner's garbage) is kept with
-- NULL method/path: the request happened.
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
    _line_number
from {{ ref('base_web__access_logs') }}
where rejection_reason is null
