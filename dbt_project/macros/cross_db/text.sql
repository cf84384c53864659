{# Does `expression` match the regular expression `pattern` (RE2 / Java syntax subset)? #}
{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'tailor')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{# Trimmed, lower-case email; NULL for empty strings. #}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}

{# Trimmed text with inner runs of spaces collapsed; NULL for empty strings. #}
{% macro clean_text(expression) -%}
    {{ return(adapter.dispatch('clean_text', 'tailor')(expression)) }}
{%- endmacro %}

{% macro default__clean_text(expression) -%}
    nullif(trim(regexp_replace({{ expression }}, '[ ]+', ' ')), '')
{%- endmacro %}

{% macro duckdb__clean_text(expression) -%}
    nullif(trim(regexp_replace({{ expression }}, '[ ]+', ' ', 'g')), '')
{%- endmacro %}
