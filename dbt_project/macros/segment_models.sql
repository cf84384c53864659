{#
  The segment models: every model of this project tagged `segment`, read from the dbt graph when the
  model using this runs (at parse time the graph is still empty, so this returns [] then). Sorted by name,
  so the union is deterministic. Each item: name, label, owner, refresh (from the model's meta) and
  description.
#}
{% macro segment_models() -%}
    {%- set segments = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model' and 'segment' in node.tags and node.config.enabled -%}
                {%- set meta = node.config.get('meta', {}) or {} -%}
                {%- do segments.append({
                    'name': node.name,
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
