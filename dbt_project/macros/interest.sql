{#
  Exponential decay: the weight of something `age_days` old when weights halve every `half_life_days`,
  0.5 ^ (age_days / half_life_days). power() exists on DuckDB and Spark alike.
#}
{% macro decay_weight(age_days, half_life_days) -%}
    power(0.5, cast({{ age_days }} as double) / {{ half_life_days }})
{%- endmacro %}
