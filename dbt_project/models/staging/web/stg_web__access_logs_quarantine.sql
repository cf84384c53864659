{{ config(**partition_replace_config('_landed_hour')) }}
select
    rejection_reason,
    case rejection_reason
        when 'truncated_log_line' then 'line ends before the combined log format is complete'
        when 'not_combined_log_format'
            then 'line does not match the combined log format: host ident user [time] "request" status bytes "referrer" "user-agent"'
        when 'unparseable_timestamp' then 'time is not dd/Mon/yyyy:HH:MM:SS +zzzz'
    end as reason,
    original_text,
    _source_file,
    _line_number,
    _landed_hour,
    _loaded_at
from {{ ref('base_web__access_logs') }}
where rejection_reason is not null
{%- if is_incremental() %}
    and _landed_hour in ({{ landing_hours_to_rebuild(ref('base_web__access_logs')) }})
{%- endif %}
