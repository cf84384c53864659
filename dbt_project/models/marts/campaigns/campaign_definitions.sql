-- One row per campaign and variant, from the meta of the models tagged `campaign` (read at compile time,
-- validated by the macro campaign_configs). Variant bounds cut [0, 1) by cumulative weight, in the order
-- the variants are listed; they apply to the non-held-out part of the assignment unit (docs/campaigns.md).
-- A child of every campaign model, so building a campaign (`-s campaign_x+`) refreshes its definition.
{%- do depend_on_tagged_models('campaign') %}
{%- set string = dbt.type_string() %}
{%- set configs = campaign_configs() %}
{%- set cadences = var('tailor__campaign_cadences') %}
{%- if configs | length == 0 %}
select
    cast(null as {{ string }}) as campaign,
    cast(null as {{ string }}) as template,
    cast(null as integer) as priority,
    cast(null as {{ string }}) as cadence,
    cast(null as boolean) as is_in_run,
    cast(null as integer) as cooldown_days,
    cast(null as boolean) as is_marketing,
    cast(null as double) as holdout_share,
    cast(null as integer) as variant_index,
    cast(null as {{ string }}) as variant,
    cast(null as double) as variant_weight,
    cast(null as double) as variant_lower_bound,
    cast(null as double) as variant_upper_bound,
    cast(null as {{ string }}) as subject_line
where 1 = 0
{%- else %}
{%- for config in configs %}
{%- set cumulative = namespace(bound=0) %}
{%- for variant in config.variants %}
{%- set lower = cumulative.bound %}
{%- set cumulative.bound = cumulative.bound + variant.weight %}
select
    cast('{{ config.name }}' as {{ string }}) as campaign,
    cast({{ string_literal(config.template) }} as {{ string }}) as template,
    cast({{ config.priority }} as integer) as priority,
    cast('{{ config.cadence }}' as {{ string }}) as cadence,
    {{ 'true' if config.cadence in cadences else 'false' }} as is_in_run,
    cast({{ config.cooldown_days }} as integer) as cooldown_days,
    {{ 'true' if config.is_marketing else 'false' }} as is_marketing,
    cast({{ config.holdout_share }} as double) as holdout_share,
    cast({{ loop.index }} as integer) as variant_index,
    cast({{ string_literal(variant.name) }} as {{ string }}) as variant,
    cast({{ variant.weight }} as double) as variant_weight,
    cast({{ lower }} as double) as variant_lower_bound,
    {#- the last variant ends at exactly 1, whatever the float sum of the weights #}
    cast({{ 1 if loop.last else cumulative.bound }} as double) as variant_upper_bound,
    cast({{ string_literal(variant.subject) }} as {{ string }}) as subject_line
{{ 'union all' if not loop.last }}
{%- endfor %}
{{ 'union all' if not loop.last }}
{%- endfor %}
{%- endif %}
