{# Microseconds since 1970-01-01 of a UTC timestamp, as a bigint: exact differences between instants. #}
{% macro epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(expression) -%}
    unix_micros({{ expression }})
{%- endmacro %}

{% macro duckdb__epoch_microseconds(expression) -%}
    epoch_us({{ expression }})
{%- endmacro %}

{# Seconds (with fractions, as a double) from timestamp `start` to timestamp `end`. #}
{% macro seconds_between(start, end) -%}
    (cast({{ epoch_microseconds(end) }} - {{ epoch_microseconds(start) }} as double) / 1000000.0)
{%- endmacro %}
