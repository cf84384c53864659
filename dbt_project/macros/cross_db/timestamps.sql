{# Every timestamp in tailor's models is a naive TIMESTAMP in UTC, named <event>_at. #}

{# ISO 8601 text with or without an offset -> UTC; NULL when it does not parse. #}
{% macro to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expression) -%}
    {# Spark applies the offset and returns the instant in the session time zone, which tailor sets to UTC. #}
    try_cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(expression) -%}
    {# A plain cast to TIMESTAMP would drop the offset; going through TIMESTAMPTZ applies it. #}
    timezone('UTC', try_cast({{ expression }} as timestamptz))
{%- endmacro %}

{# Unix epoch seconds -> UTC. #}
{% macro epoch_seconds_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('epoch_seconds_to_timestamp', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__epoch_seconds_to_timestamp(expression) -%}
    timestamp_seconds(try_cast({{ expression }} as bigint))
{%- endmacro %}

{% macro duckdb__epoch_seconds_to_timestamp(expression) -%}
    timezone('UTC', to_timestamp(try_cast({{ expression }} as bigint)))
{%- endmacro %}

{# Apache/Nginx %t, e.g. 03/Nov/2026:10:15:02 +0100 -> UTC. #}
{% macro clf_time_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('clf_time_to_timestamp', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__clf_time_to_timestamp(expression) -%}
    to_timestamp({{ expression }}, 'dd/MMM/yyyy:HH:mm:ss Z')
{%- endmacro %}

{% macro duckdb__clf_time_to_timestamp(expression) -%}
    timezone('UTC', try_strptime({{ expression }}, '%d/%b/%Y:%H:%M:%S %z'))
{%- endmacro %}
