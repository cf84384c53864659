{#
  Per-customer purchase summary behind RFM and "buy till you die" models, defined as in Fader & Hardie's
  CDNOW summary (and the lifetimes package), so it can be checked against that published answer key:

  - purchases on the same calendar day are one purchase (their amounts added up);
  - only purchases on or before `as_of_date` count (the end of the calibration period, inclusive);
  - purchase_days: days with a purchase; repeat_purchase_days (x): purchase_days - 1;
  - first_to_last_purchase_days (t_x): days from the first to the last purchase day;
  - customer_age_days (T): days from the first purchase day to as_of_date;
  - days_since_last_purchase (RFM recency): days from the last purchase day to as_of_date;
  - total_amount (RFM monetary): all purchase days' amounts;
  - mean_repeat_amount (zbar): mean amount of the repeat purchase days, the first day excluded;
    NULL without a repeat purchase (the CDNOW summary writes 0.00 there).

  Emits CTEs for the caller's WITH list (no nested WITH, which not every engine accepts), the last one named
  `name`, with one row per value of `customer_column`:

      with completed_orders as (...),
      {{ rfm_summary_ctes('rfm', 'completed_orders', 'person_id', 'ordered_at', 'revenue',
                          "(select run_date from run_dates)") }}
      select ... from rfm

  `as_of_date` is a SQL expression of type date that needs no FROM: a literal or a scalar subquery.
#}
{% macro rfm_summary_ctes(name, orders, customer_column, ordered_at_column, amount_column, as_of_date) %}
{{ name }}__as_of as (

    select {{ as_of_date }} as as_of_date

),

{{ name }}__purchase_days as (

    select
        orders.{{ customer_column }},
        cast(orders.{{ ordered_at_column }} as date) as purchase_date,
        as_of.as_of_date,
        sum(orders.{{ amount_column }}) as purchase_amount
    from {{ orders }} as orders
    cross join {{ name }}__as_of as as_of
    where cast(orders.{{ ordered_at_column }} as date) <= as_of.as_of_date
    group by orders.{{ customer_column }}, cast(orders.{{ ordered_at_column }} as date), as_of.as_of_date

),

{{ name }}__numbered as (

    select
        *,
        row_number() over (partition by {{ customer_column }} order by purchase_date) as purchase_day_number
    from {{ name }}__purchase_days

),

{{ name }} as (

    select
        {{ customer_column }},
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) as purchase_days,
        count(*) - 1 as repeat_purchase_days,
        sum(purchase_amount) as total_amount,
        avg(case when purchase_day_number > 1 then purchase_amount end) as mean_repeat_amount,
        {{ dbt.datediff('min(purchase_date)', 'max(purchase_date)', 'day') }} as first_to_last_purchase_days,
        {{ dbt.datediff('min(purchase_date)', 'max(as_of_date)', 'day') }} as customer_age_days,
        {{ dbt.datediff('max(purchase_date)', 'max(as_of_date)', 'day') }} as days_since_last_purchase
    from {{ name }}__numbered
    group by {{ customer_column }}

)
{% endmacro %}


{#
  A 1-5 quintile score of `value` (ntile(5)), 5 = best: the highest values when `higher_is_better`, else
  the lowest. Rows are ordered by `value`, then `tie_breaker` so the tiles are deterministic; tied values
  then share the lowest score any of them got, so equal customers always score equally (a 5 means
  strictly in the best fifth). Needs two query levels: use `quintile_tile` in one CTE and
  `quintile_score` over its output in the next.
#}
{% macro quintile_tile(value, tie_breaker, higher_is_better=true) -%}
    case when {{ value }} is not null then
        ntile(5) over (
            partition by case when {{ value }} is null then 1 else 0 end
            order by {{ value }} {{ 'asc' if higher_is_better else 'desc' }}, {{ tie_breaker }}
        )
    end
{%- endmacro %}

{% macro quintile_score(value, tile) -%}
    min({{ tile }}) over (partition by {{ value }})
{%- endmacro %}
