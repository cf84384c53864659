{#
  A model that unions every model with a tag (segment_memberships: `segment`, campaign_audiences:
  `campaign`) must run after them. dbt learns a model's parents while parsing, before the graph exists, so
  the names come from macros/generated/tagged_models.sql, which `tailor parse` / `tailor build` / `make
  parse` / the Dagster code location regenerate from the dbt manifest (orchestration/dbt_graph.py).
  Analysts never edit it. If it is stale (a new tagged model, plain `dbt build` without tailor), the build
  stops with the command to run instead of silently reading the new model before it is built.
#}
{% macro depend_on_tagged_models(tag) -%}
    {%- for name in generated_tagged_models().get(tag, []) -%}
        {%- do ref(name) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- set missing = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and tag in node.tags and node.package_name == project_name
                    and node.config.enabled and node.unique_id not in model.depends_on.nodes -%}
                {%- do missing.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "the model(s) " ~ (missing | sort | join(', ')) ~ " tagged `" ~ tag ~ "` are new to the dbt graph: "
                ~ "run `tailor parse` (or `make parse`) once, or build with `tailor build ...`, which regenerate "
                ~ "macros/generated/tagged_models.sql from the manifest; then build again") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
