{#
  Every row of `source_relation` is either in the model or in `quarantine_relation`: nothing vanishes
  between raw and staging. Fails with the three counts when they do not add up.
#}
{% test all_rows_accounted_for(model, source_relation, quarantine_relation) %}
with counts as (
    select
        (select count(*) from {{ source_relation }}) as source_rows,
        (select count(*) from {{ model }}) as staged_rows,
        (select count(*) from {{ quarantine_relation }}) as quarantined_rows
)
select * from counts where source_rows <> staged_rows + quarantined_rows
{% endtest %}
