{#
  Does `expression` match the regular expression held in the column (or expression) `pattern_expression`?
  Unlike regexp_matches, the pattern is data, not a literal: no quoting or escaping applies, so a seed of
  patterns means the same on DuckDB (RE2) and Spark (Java regex).
#}
{% macro regexp_matches_column(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches_column', 'tailor')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regexp_matches_column(expression, pattern_expression) -%}
    ({{ expression }} rlike {{ pattern_expression }})
{%- endmacro %}

{% macro duckdb__regexp_matches_column(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }})
{%- endmacro %}
