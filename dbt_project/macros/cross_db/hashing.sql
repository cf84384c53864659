{# Hex digest helpers, the same digests on DuckDB and Spark. #}

{# The integer value of a text of hex digits (at most 15, so it fits a bigint). #}
{% macro hex_to_bigint(expression) -%}
    {{ return(adapter.dispatch('hex_to_bigint', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__hex_to_bigint(expression) -%}
    cast(conv({{ expression }}, 16, 10) as bigint)
{%- endmacro %}

{% macro duckdb__hex_to_bigint(expression) -%}
    cast(('0x' || {{ expression }}) as bigint)
{%- endmacro %}

{# SHA-256 of a text, as 64 lower-case hex digits. #}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{#
  A number in [0, 1) that is a pure function of the text `expression`: the first 13 hex digits of its md5
  (52 bits, exact in a double) divided by 16^13. Uniform for distinct inputs, the same on every engine.
#}
{% macro unit_interval_hash(expression) -%}
    (cast({{ hex_to_bigint('substr(' ~ dbt.hash(expression) ~ ', 1, 13)') }} as double) / 4503599627370496.0)
{%- endmacro %}
