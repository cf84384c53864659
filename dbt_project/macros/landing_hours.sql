{#
  Landing hours: the partitions of the staging layer, the same as Dagster's hourly partitions
  (orchestration/extract/partitions.py states the rule and a test keeps both in step). A file belongs to the
  UTC hour in its name, 'YYYY-MM-DDTHH'; a daily export (name with a day only) to the first hour of its day.
#}

{# raw.load_manifest.landed_hour ('YYYY-MM-DD' or 'YYYY-MM-DDTHH') -> the landing hour 'YYYY-MM-DDTHH'. #}
{% macro landing_hour_of(landed_hour) -%}
    case when length({{ landed_hour }}) = 10 then {{ dbt.concat([landed_hour, "'T00'"]) }} else {{ landed_hour }} end
{%- endmacro %}

{#
  The run's window of landing hours, {'min_hour': 'YYYY-MM-DDTHH', 'max_hour': ...} (both included), or none.
  From the vars tailor__min_landed_hour / tailor__max_landed_hour, else from the environment variables
  TAILOR_DBT_MIN_LANDED_HOUR / TAILOR_DBT_MAX_LANDED_HOUR. Dagster uses the environment: dbt re-parses the
  whole project when --vars change between invocations (+2.5 s each), not when an environment variable
  read here does.
#}
{% macro landing_window() -%}
    {%- set min_hour = var('tailor__min_landed_hour', none) or env_var('TAILOR_DBT_MIN_LANDED_HOUR', '') -%}
    {%- set max_hour = var('tailor__max_landed_hour', none) or env_var('TAILOR_DBT_MAX_LANDED_HOUR', '') -%}
    {%- if not min_hour and not max_hour -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for value in [min_hour, max_hour] -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}$', value | string) -%}
            {{ exceptions.raise_compiler_error(
                "the landing window needs both tailor__min_landed_hour and tailor__max_landed_hour as "
                ~ "'YYYY-MM-DDTHH', got " ~ min_hour ~ " and " ~ max_hour) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'min_hour': min_hour | string, 'max_hour': max_hour | string}) }}
{%- endmacro %}

{# SQL condition: the landing hour expression lies in the run's window (false without a window). #}
{% macro in_landing_window(hour_expression) -%}
    {%- set window = landing_window() -%}
    {%- if window is none -%}
        1 = 0
    {%- else -%}
        {{ hour_expression }} between '{{ window.min_hour }}' and '{{ window.max_hour }}'
    {%- endif -%}
{%- endmacro %}

{#
  SQL condition: an event date lies in the days of the run's window, widened by
  tailor__late_event_lookback_days before it (events of those days may still arrive in the window's files).
#}
{% macro in_window_event_days(date_expression) -%}
    {%- set window = landing_window() -%}
    {%- if window is none -%}
        1 = 0
    {%- else -%}
        {{ date_expression }} between
            {{ dbt.dateadd('day', -(var('tailor__late_event_lookback_days') | int),
                           "cast('" ~ window.min_hour[:10] ~ "' as date)") }}
            and cast('{{ window.max_hour[:10] }}' as date)
    {%- endif -%}
{%- endmacro %}

{#
  A CTE body: the landing hours an incremental staging model rebuilds, from `relation` (which has
  _landed_hour and _loaded_at): the hours in the run's window, and every hour holding rows loaded after the
  newest row this model has seen (files loaded by any run, even one that stopped before staging: nothing is
  stranded). On a first build: every hour.
#}
{% macro landing_hours_to_rebuild(relation) -%}
    select distinct _landed_hour from {{ relation }}
    {%- if is_incremental() %}
    where {{ in_landing_window('_landed_hour') }} or _loaded_at > {{ watermark('_loaded_at') }}
    {%- endif %}
{%- endmacro %}

{#
  A subquery: the rows of a raw source table with their landing hour (_landed_hour), from the load manifest.
  Incremental runs take only the hours to rebuild: those in the run's window and those with files loaded
  after the newest row this model holds. Whole hours, so partition_replace_config('_landed_hour') can
  replace them.
#}
{% macro landed_rows(source_name, table_name) -%}
    {%- set manifest = source('loads', 'load_manifest') -%}
    select raw_rows.*, files._landed_hour
    from {{ source(source_name, table_name) }} as raw_rows
    inner join (
        select file_path, {{ landing_hour_of('landed_hour') }} as _landed_hour
        from {{ manifest }}
        where source_table = '{{ table_name }}'
        {%- if is_incremental() %}
            and {{ landing_hour_of('landed_hour') }} in (
                select {{ landing_hour_of('landed_hour') }}
                from {{ manifest }}
                where source_table = '{{ table_name }}'
                    and ({{ in_landing_window(landing_hour_of('landed_hour')) }}
                        or loaded_at > {{ watermark('_loaded_at') }})
            )
        {%- endif %}
    ) as files on files.file_path = raw_rows._source_file
{%- endmacro %}
