{#
  Helpers shared by the segment models (models/marts/segments). Times are compared as epoch microseconds
  (macro epoch_microseconds), which is exact and the same on DuckDB and Spark.
#}

{# Microseconds in `hours` hours / `days` days, as a bigint literal expression. #}
{% macro hours_in_microseconds(hours) -%}
    cast({{ hours }} * 3600000000 as bigint)
{%- endmacro %}

{% macro days_in_microseconds(days) -%}
    cast({{ days }} * 86400000000 as bigint)
{%- endmacro %}

{#
  One-row CTE `run_bounds`: run_date (macro run_date_query over fct_customer_events) and run_ends_us, the
  first microsecond after run_date (UTC), i.e. the end of the day the segments are judged at. Events at or
  after it are in the future for this run.
#}
{% macro segment_run_bounds_cte() -%}
run_dates as (

    {{ run_date_query(ref('fct_customer_events')) }}

),

run_bounds as (

    select
        run_date,
        {{ epoch_microseconds('cast(run_date as timestamp)') }} + {{ days_in_microseconds(1) }} as run_ends_us
    from run_dates

)
{%- endmacro %}

{# 'YYYY-MM-DD HH:MM' of a timestamp, for human-readable reasons. #}
{% macro minute_text(expression) -%}
    substring(cast({{ expression }} as {{ dbt.type_string() }}), 1, 16)
{%- endmacro %}

{# 'YYYY-MM-DD' of a timestamp or date. #}
{% macro date_text(expression) -%}
    cast(cast({{ expression }} as date) as {{ dbt.type_string() }})
{%- endmacro %}

{# A whole number as text. #}
{% macro number_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}
