{#
  Exponential decay: the weight of something `age_days` old when weights halve every `half_life_days`,
  0.5 ^ (age_days / half_life_days). power() exists on DuckDB and Spark alike.
#}
{% macro decay_weight(age_days, half_life_days) -%}
    power(0.5, cast({{ age_days }} as double) / {{ half_life_days }})
{%- endmacro %}

{#
  The interest points that scores and ranks compare: the raw sum rounded to 9 decimals. Sums of the same
  points in another order (a rebuild, a backfill) differ in the last bits; equal interests must fall to the
  tie-break, not to that noise, and everything tied for the top must score exactly 1.
#}
{% macro interest_compared(interest_score_raw) -%}
    round({{ interest_score_raw }}, 9)
{%- endmacro %}
