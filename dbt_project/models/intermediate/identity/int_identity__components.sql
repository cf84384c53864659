{{ config(post_hook="{{ drop_connected_components_work() }}") }}
-- Connected components of the active identity graph: every identifier gets the key of its component (the
-- smallest node_key in it). Blocked identifiers stay alone.
{%- set labels = connected_components(
    "select node_key from " ~ ref('int_identity__nodes'),
    "select node_key_a, node_key_b from " ~ ref('int_identity__edges') ~ " where is_active",
    var('tailor__identity_max_propagation_rounds')) %}

select
    nodes.node_key,
    nodes.identifier_type,
    nodes.identifier_value,
    nodes.first_seen_at,
    nodes.blocked_reason,
    labels.component_key
from {{ ref('int_identity__nodes') }} as nodes
inner join {{ labels }} as labels on labels.node_key = nodes.node_key
