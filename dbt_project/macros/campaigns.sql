{#
  Campaigns are the models tagged `campaign` (models/marts/campaigns/campaign_*.sql); their `meta` says how
  they are sent (docs/campaigns.md). These macros read them from the graph when a model runs.
#}


{# The campaign model nodes, by name. Empty while parsing (the graph is only known at run time). #}
{% macro campaign_nodes() -%}
    {%- set nodes = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model' and 'campaign' in node.tags and node.package_name == project_name -%}
                {%- do nodes.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(nodes) }}
{%- endmacro %}

{#
  Every campaign's meta, validated: a list of dicts with name, template, variants [{name, weight, subject}],
  holdout_share, priority, cadence, cooldown_days, is_marketing. A campaign with a wrong meta fails the
  build with its name and the field at fault, before anything is planned.
#}
{% macro campaign_configs() -%}
    {%- set configs = [] -%}
    {%- for node in campaign_nodes() -%}
        {%- set meta = node.config.get('meta', {}) or node.get('meta', {}) -%}
        {%- set where = "campaign '" ~ node.name ~ "' (meta in its yml): " -%}
        {%- for field in ['template', 'variants', 'priority', 'cadence'] -%}
            {%- if meta.get(field) is none -%}
                {{ exceptions.raise_compiler_error(where ~ "'" ~ field ~ "' is required") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if meta.cadence not in ['hourly', 'nightly'] -%}
            {{ exceptions.raise_compiler_error(where ~ "cadence must be hourly or nightly, got " ~ meta.cadence) }}
        {%- endif -%}
        {%- if meta.priority is not integer -%}
            {{ exceptions.raise_compiler_error(where ~ "priority must be an integer, got " ~ meta.priority) }}
        {%- endif -%}
        {%- set holdout_share = meta.get('holdout_share', 0) -%}
        {%- if holdout_share is not number or holdout_share < 0 or holdout_share >= 1 -%}
            {{ exceptions.raise_compiler_error(where ~ "holdout_share must be in [0, 1), got " ~ holdout_share) }}
        {%- endif -%}
        {%- set cooldown_days = meta.get('cooldown_days', 0) -%}
        {%- if cooldown_days is not integer or cooldown_days < 0 -%}
            {{ exceptions.raise_compiler_error(where ~ "cooldown_days must be a whole number >= 0, got " ~ cooldown_days) }}
        {%- endif -%}
        {%- set is_marketing = meta.get('is_marketing', true) -%}
        {%- if is_marketing not in [true, false] -%}
            {{ exceptions.raise_compiler_error(where ~ "is_marketing must be true or false, got " ~ is_marketing) }}
        {%- endif -%}
        {%- if meta.variants is string or meta.variants is mapping or meta.variants | length == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ "variants must be a non-empty list of {name, weight, subject}") }}
        {%- endif -%}
        {%- set names = [] -%}
        {%- set total = namespace(weight=0) -%}
        {%- for variant in meta.variants -%}
            {%- if variant is not mapping or not variant.get('name') or not variant.get('subject') -%}
                {{ exceptions.raise_compiler_error(where ~ "every variant needs a name and a subject, got " ~ variant) }}
            {%- endif -%}
            {%- if variant.name in names -%}
                {{ exceptions.raise_compiler_error(where ~ "variant '" ~ variant.name ~ "' appears twice") }}
            {%- endif -%}
            {%- if variant.get('weight') is not number or variant.weight <= 0 -%}
                {{ exceptions.raise_compiler_error(where ~ "variant '" ~ variant.name ~ "' needs a weight > 0") }}
            {%- endif -%}
            {%- do names.append(variant.name) -%}
            {%- set total.weight = total.weight + variant.weight -%}
        {%- endfor -%}
        {%- if (total.weight - 1) | abs > 0.000001 -%}
            {{ exceptions.raise_compiler_error(where ~ "variant weights must add up to 1, they add up to " ~ total.weight) }}
        {%- endif -%}
        {%- do configs.append({
            'name': node.name, 'template': meta.template, 'variants': meta.variants,
            'holdout_share': holdout_share, 'priority': meta.priority, 'cadence': meta.cadence,
            'cooldown_days': cooldown_days, 'is_marketing': is_marketing}) -%}
    {%- endfor -%}
    {{ return(configs) }}
{%- endmacro %}

{#
  The assignment unit of a person in a campaign: uniform in [0, 1), a salted hash of (campaign, person).
  Stable across reruns (same salt), independent between campaigns (the campaign is part of the hash).
  The salt is the var tailor__assignment_salt, fed by the environment variable TAILOR_ASSIGNMENT_SALT.
#}
{% macro campaign_assignment_unit(person_id, campaign) -%}
    {{ unit_interval_hash(dbt.concat([string_literal(var('tailor__assignment_salt')), "'|'", campaign, "'|'", person_id])) }}
{%- endmacro %}

{#
  The unsubscribe token of a person's address: SHA-256 of a secret (var tailor__unsubscribe_secret, from the
  environment variable TAILOR_UNSUBSCRIBE_SECRET), the person and the email. The unsubscribe endpoint
  recomputes it to check a link; without the secret, tokens cannot be forged.
#}
{% macro unsubscribe_token(person_id, email) -%}
    {{ sha256_hex(dbt.concat([string_literal(var('tailor__unsubscribe_secret')), "'|'", person_id, "'|'", email])) }}
{%- endmacro %}

{# The id of this campaign run: the var tailor__campaign_run_id, else the run date as 'YYYY-MM-DD'. #}
{% macro campaign_run_id(run_date) -%}
    {%- if var('tailor__campaign_run_id') -%}
        cast({{ string_literal(var('tailor__campaign_run_id')) }} as {{ dbt.type_string() }})
    {%- else -%}
        cast({{ run_date }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
