{#
  How tailor's incremental models write, with a strategy both engines have (docs/orchestration.md):

  partition_replace_config(column): the model's batch holds *complete* partitions (every row of a landing
    hour, every event of a day); each partition in the batch replaces the stored one. DuckDB: delete+insert
    keyed on the column; Spark: insert_overwrite partitioned by it (dynamic partition overwrite).
  row_upsert_config(key): the batch holds rows that changed; each replaces the stored row with its key.
    DuckDB: delete+insert on the key; Spark: merge (needs a Delta table, file_format delta).

  on_schema_change fails the run: a new column in an incremental model needs a full refresh
  (`dbt build --full-refresh -s <model>`), not half-filled history. Usage:
      {{ config(**partition_replace_config('event_date')) }}
#}
{% macro partition_replace_config(partition_column) -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                   'partition_by': [partition_column], 'on_schema_change': 'fail'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                   'unique_key': partition_column, 'on_schema_change': 'fail'}) }}
    {%- endif -%}
{%- endmacro %}

{% macro row_upsert_config(unique_key) -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'merge', 'file_format': 'delta',
                   'unique_key': unique_key, 'on_schema_change': 'fail'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                   'unique_key': unique_key, 'on_schema_change': 'fail'}) }}
    {%- endif -%}
{%- endmacro %}

{#
  The greatest value of `column` in this model's existing table (optionally among rows matching `where`),
  as a scalar subquery that is never NULL: rows strictly after it are new to the model. On a first build
  there is no table and every row is new.
#}
{% macro watermark(column, where=none, floor="cast('1900-01-01' as timestamp)") -%}
    coalesce((select max({{ column }}) from {{ this }}{% if where %} where {{ where }}{% endif %}), {{ floor }})
{%- endmacro %}

{# When this dbt invocation started, as a timestamp: marks the rows (re)built by this run. #}
{% macro build_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
