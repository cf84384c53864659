{#
  Every audience member of every campaign in the run is accounted for exactly once: per campaign,
  audience rows = planned_sends rows + excluded_sends rows. Returns the campaigns where that fails.
#}
{% test campaign_outcomes_reconcile(model, audiences, definitions, planned, excluded) %}
with in_run as (
    select distinct campaign from {{ definitions }} where is_in_run
),
audience_counts as (
    select a.campaign, count(*) as audience_rows
    from {{ audiences }} as a
    inner join in_run on in_run.campaign = a.campaign
    group by a.campaign
),
planned_counts as (
    select campaign, count(*) as planned_rows from {{ planned }} group by campaign
),
excluded_counts as (
    select campaign, count(*) as excluded_rows from {{ excluded }} group by campaign
),
compared as (
    select
        coalesce(a.campaign, p.campaign, e.campaign) as campaign,
        coalesce(a.audience_rows, 0) as audience_rows,
        coalesce(p.planned_rows, 0) as planned_rows,
        coalesce(e.excluded_rows, 0) as excluded_rows
    from audience_counts as a
    full outer join planned_counts as p on p.campaign = a.campaign
    full outer join excluded_counts as e on e.campaign = coalesce(a.campaign, p.campaign)
)
select * from compared where audience_rows <> planned_rows + excluded_rows
{% endtest %}
