{#
  The segment models: every model of this project tagged `segment`, read from the dbt graph when the
  model using this runs (at parse time the graph is still empty, so this returns [] then). Sorted by name,
  so the union is deterministic. Each item: name, relation (database.schema.alias), label, owner, refresh
  (from the model's meta) and description.
#}
{% macro segment_models() -%}
    {%- set segments = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model' and 'segment' in node.tags and node.config.enabled -%}
                {%- set meta = node.config.get('meta', {}) or {} -%}
                {%- do segments.append({
                    'name': node.name,
                    'relation': api.Relation.create(
                        database=node.database, schema=node.schema, identifier=node.alias or node.name),
                    'label': meta.get('label', node.name),
                    'owner': meta.get('owner'),
                    'refresh': meta.get('refresh'),
                    'description': node.description,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(segments) -}}
{%- endmacro %}

{#
  Make sure the segment's table exists, as an empty (person_id, reason) table when it has never been
  built, so the view over all segments can be created before the segment model runs: dbt learns the
  segments from the graph at run time, too late to order them before the union. The placeholder is added
  to dbt's relation cache, so the segment model's own run replaces it like any older version of itself.
#}
{% macro ensure_segment_relation(relation) -%}
    {%- if execute and adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
        {%- do adapter.create_schema(relation) -%}
        {%- set placeholder = relation.incorporate(type='table') -%}
        {%- call statement('create_segment_placeholder') -%}
            create table {{ placeholder }} as
            select
                cast(null as {{ dbt.type_string() }}) as person_id,
                cast(null as {{ dbt.type_string() }}) as reason
            where 1 = 0
        {%- endcall -%}
        {%- do adapter.cache_added(placeholder) -%}
        {{- log('segment ' ~ relation ~ ' not built yet: an empty table stands in until its model runs', info=True) -}}
    {%- endif -%}
{%- endmacro %}
