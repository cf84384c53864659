{#
  The one-row query giving `run_date`, the last (UTC) day that metrics and scores describe: the var
  tailor__run_date ('YYYY-MM-DD') when set, else the date of the latest non-bot event in `events_relation`
  (which has occurred_at and is_bot), so a rebuild of the same data gives the same numbers. Events after
  run_date are ignored by the models using it, which makes a backfill with an explicit date reproducible.
#}
{% macro run_date_query(events_relation) -%}
    {%- set run_date = var('tailor__run_date', none) -%}
    {%- if run_date -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', run_date | string) -%}
            {{ exceptions.raise_compiler_error("tailor__run_date must be 'YYYY-MM-DD', got " ~ run_date) }}
        {%- endif -%}
        select cast('{{ run_date }}' as date) as run_date
    {%- else -%}
        select max(cast(occurred_at as date)) as run_date from {{ events_relation }} where not is_bot
    {%- endif -%}
{%- endmacro %}
