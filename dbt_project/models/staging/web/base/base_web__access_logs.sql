-- Every raw access-log line parsed with the combined log format (optionally vhost_combined: `host:port`
-- first), with the reason it cannot be used (NULL when it can). Patterns avoid backslashes so that the
-- same string literal means the same regex on DuckDB (RE2) and Spark (Java). Partitioned by landing hour
-- (macro landed_rows): incremental runs parse only the hours they rebuild.
{%- set combined = '^(?:([^ ]+:[0-9]+) )?([^ ]+) [^ ]+ ([^ ]+) [[]([^]]+)[]] "([^"]*)" ([0-9]{3}) ([0-9]+|-) "([^"]*)" "([^"]*)"$' -%}
{%- set started = '^(?:[^ ]+:[0-9]+ )?[^ ]+ [^ ]+ [^ ]+ [[][^]]+[]] "' -%}
{%- set request = '^([A-Z]+) ([^ ]+) (HTTP/[0-9.]+)$' %}

{{ config(**partition_replace_config('_landed_hour')) }}
with source as (

    {{ landed_rows('web', 'web_access_logs') }}

),

parsed as (

    select
        line as original_text,
        {{ regexp_matches('line', combined) }} as is_combined_format,
        {{ regexp_matches('line', started) }} as has_combined_prefix,
        nullif(regexp_extract(line, '{{ combined }}', 1), '') as virtual_host,
        nullif(regexp_extract(line, '{{ combined }}', 2), '') as ip_address,
        nullif(regexp_extract(line, '{{ combined }}', 3), '-') as remote_user,
        nullif(regexp_extract(line, '{{ combined }}', 4), '') as requested_at_text,
        nullif(regexp_extract(line, '{{ combined }}', 5), '') as request_line,
        try_cast(nullif(regexp_extract(line, '{{ combined }}', 6), '') as integer) as status_code,
        try_cast(nullif(regexp_extract(line, '{{ combined }}', 7), '-') as bigint) as response_bytes,
        nullif(nullif(regexp_extract(line, '{{ combined }}', 8), '-'), '') as referrer_url,
        nullif(nullif(regexp_extract(line, '{{ combined }}', 9), '-'), '') as user_agent,
        _source_file,
        _line_number,
        _landed_hour,
        _loaded_at
    from source

),

typed as (

    select
        *,
        {{ clf_time_to_timestamp('requested_at_text') }} as requested_at,
        nullif(regexp_extract(request_line, '{{ request }}', 1), '') as http_method,
        nullif(regexp_extract(request_line, '{{ request }}', 2), '') as request_path,
        nullif(regexp_extract(request_line, '{{ request }}', 3), '') as http_protocol
    from parsed

)

select
    *,
    case
        when not is_combined_format and has_combined_prefix then 'truncated_log_line'
        when not is_combined_format then 'not_combined_log_format'
        when requested_at is null then 'unparseable_timestamp'
    end as rejection_reason
from typed
