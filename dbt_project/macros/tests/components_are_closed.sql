{# No active edge joins two different components: the propagation converged. #}
{% test components_are_closed(model, edges) %}
select e.node_key_a, e.node_key_b, a.component_key as component_a, b.component_key as component_b
from {{ edges }} e
inner join {{ model }} a on a.node_key = e.node_key_a
inner join {{ model }} b on b.node_key = e.node_key_b
where e.is_active and a.component_key <> b.component_key
{% endtest %}
