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

{# Does the segment's table exist yet? (A segment never built is left out of the union until it is.) #}
{% macro segment_relation_exists(relation) -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if found is none -%}
        {{- log('segment ' ~ relation ~ ' not built yet: left out of segment_memberships until it is', info=True) -}}
    {%- endif -%}
    {{- return(found is not none) -}}
{%- endmacro %}
