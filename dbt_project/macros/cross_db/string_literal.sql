{#
  `value` as a SQL string literal that means exactly `value` on this engine: DuckDB takes backslashes
  literally and doubles quotes; Spark unescapes backslashes, so they and quotes are backslash-escaped.
  For text that must contain backslashes or quotes (regular expressions read from data).
#}
{% macro string_literal(value) -%}
    {{ return(adapter.dispatch('string_literal', 'tailor')(value)) }}
{%- endmacro %}

{% macro default__string_literal(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro duckdb__string_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}
