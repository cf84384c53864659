-- Every time identifiers changed person: old id -> new id, when, what kind of change, and why.
--   merge: the old person no longer exists (all its identifiers now belong to the new one);
--   split: the old person still exists and some of its identifiers left it.
-- `why` names the identity rules of the current edges that join the moved identifiers to their new person
-- (for a merge) or that stopped joining them (for a split: blocked or shared identifiers).
with versions as (

    select
        node_key,
        person_id,
        dbt_valid_from,
        lag(person_id) over (partition by node_key order by dbt_valid_from) as previous_person_id
    from {{ ref('snap_identity__person_map') }}

),

moves as (

    select node_key, previous_person_id as old_person_id, person_id as new_person_id, dbt_valid_from as changed_at
    from versions
    where previous_person_id is not null
        and (person_id is null or person_id <> previous_person_id)

),

current_map as (

    select * from {{ ref('int_identity__person_map') }}

),

still_existing as (

    select distinct person_id from current_map where person_id is not null

),

edges as (

    select * from {{ ref('int_identity__edges') }}

),

reasons as (

    select
        m.old_person_id,
        m.new_person_id,
        m.changed_at,
        e.rule,
        e.is_active,
        e.inactive_reason
    from moves m
    inner join edges e on m.node_key in (e.node_key_a, e.node_key_b)

),

changes as (

    select old_person_id, new_person_id, changed_at, count(*) as identifiers_moved
    from moves
    group by old_person_id, new_person_id, changed_at

),

labelled as (

    select
        c.*,
        case when s.person_id is null then 'merge' else 'split' end as change_type
    from changes c
    left join still_existing s on s.person_id = c.old_person_id

),

explained as (

    select
        l.old_person_id,
        l.new_person_id,
        l.changed_at,
        {{ dbt.listagg("distinct coalesce(r.inactive_reason, r.rule)", "', '") }} as why
    from labelled l
    inner join reasons r
        on r.old_person_id = l.old_person_id
        and coalesce(r.new_person_id, '') = coalesce(l.new_person_id, '')
        and r.changed_at = l.changed_at
    where (l.change_type = 'merge' and r.is_active) or (l.change_type = 'split' and not r.is_active)
    group by l.old_person_id, l.new_person_id, l.changed_at

)

select
    l.old_person_id,
    l.new_person_id,
    l.changed_at,
    l.change_type,
    l.identifiers_moved,
    e.why
from labelled l
left join explained e
    on e.old_person_id = l.old_person_id
    and coalesce(e.new_person_id, '') = coalesce(l.new_person_id, '')
    and e.changed_at = l.changed_at
