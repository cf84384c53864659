{# A string field of a JSON document; NULL when absent. `path` is a JSONPath such as '$.properties.price'. #}
{% macro json_string(column, path) -%}
    {{ return(adapter.dispatch('json_string', 'tailor')(column, path)) }}
{%- endmacro %}

{% macro default__json_string(column, path) -%}
    get_json_object({{ column }}, '{{ path }}')
{%- endmacro %}

{% macro duckdb__json_string(column, path) -%}
    json_extract_string({{ column }}, '{{ path }}')
{%- endmacro %}
