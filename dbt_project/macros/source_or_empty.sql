{#
  `select * from` a source table, or an empty relation with the given columns when the table does not exist
  yet (e.g. the probabilistic matching step has never run). The source() call keeps the lineage either way.
#}
{% macro source_or_empty(source_name, table_name, columns) %}
    {%- set src = source(source_name, table_name) -%}
    {%- set relation = adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) if execute else src -%}
    {%- if relation is none -%}
        select
        {%- for name, data_type in columns.items() %}
            cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    {%- else -%}
        select * from {{ src }}
    {%- endif -%}
{% endmacro %}
