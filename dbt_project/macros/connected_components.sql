{#
  Connected components of an undirected graph, by min-label propagation with pointer jumping, iterated
  with plain CREATE TABLE AS statements until no label changes (exact, and portable: no recursive CTE).
  Returns the relation holding (node_key, component_key), component_key = the smallest node_key.

  `nodes_sql` selects node_key; `edges_sql` selects node_key_a, node_key_b (each edge once is enough).
  Work tables live beside the model and are dropped by `drop_connected_components_work`.
  Outside run/build (compile, docs) nothing is executed and each node is its own component.
#}
{% macro connected_components(nodes_sql, edges_sql, max_rounds) %}
    {%- set work = [this.incorporate(path={"identifier": this.identifier ~ "__work_a"}, type="table"),
                    this.incorporate(path={"identifier": this.identifier ~ "__work_b"}, type="table"),
                    this.incorporate(path={"identifier": this.identifier ~ "__edges"}, type="table")] -%}
    {%- if not (execute and flags.WHICH in ('run', 'build')) -%}
        {{ return("(select node_key, node_key as component_key from (" ~ nodes_sql ~ ") as nodes)") }}
    {%- endif -%}
    {%- for relation in work %}{% do adapter.drop_relation(relation) %}{% endfor -%}
    {%- call statement('cc_edges') -%}
        create table {{ work[2] }} as
        select node_key_a as src, node_key_b as dst from ({{ edges_sql }}) e
        union all
        select node_key_b, node_key_a from ({{ edges_sql }}) e
    {%- endcall -%}
    {%- call statement('cc_init') -%}
        create table {{ work[0] }} as select node_key, node_key as component_key from ({{ nodes_sql }}) n
    {%- endcall -%}
    {%- set state = namespace(current=0, done=false, rounds=0) -%}
    {%- for round in range(max_rounds) if not state.done -%}
        {%- set source_rel = work[state.current] -%}
        {%- set target_rel = work[1 - state.current] -%}
        {%- do adapter.drop_relation(target_rel) -%}
        {%- call statement('cc_round') -%}
            create table {{ target_rel }} as
            with propagated as (
                select l.node_key, least(l.component_key, coalesce(min(n.component_key), l.component_key)) as component_key
                from {{ source_rel }} l
                left join {{ work[2] }} e on e.src = l.node_key
                left join {{ source_rel }} n on n.node_key = e.dst
                group by l.node_key, l.component_key
            )
            select p.node_key, least(p.component_key, coalesce(j.component_key, p.component_key)) as component_key
            from propagated p
            left join propagated j on j.node_key = p.component_key
        {%- endcall -%}
        {%- set changed = run_query(
            "select count(*) from " ~ target_rel ~ " t join " ~ source_rel ~ " s on s.node_key = t.node_key "
            ~ "where s.component_key <> t.component_key").columns[0].values()[0] -%}
        {%- set state.current = 1 - state.current -%}
        {%- set state.rounds = round + 1 -%}
        {%- if changed == 0 %}{% set state.done = true %}{% endif -%}
    {%- endfor -%}
    {%- if not state.done -%}
        {{ exceptions.raise_compiler_error("connected components did not converge in " ~ max_rounds ~ " rounds; raise tailor__identity_max_propagation_rounds") }}
    {%- endif -%}
    {{ log("connected components converged after " ~ state.rounds ~ " rounds", info=False) }}
    {{ return(work[state.current]) }}
{% endmacro %}

{% macro drop_connected_components_work() %}
    {%- for suffix in ["__work_a", "__work_b", "__edges"] %}
        {% do adapter.drop_relation(this.incorporate(path={"identifier": this.identifier ~ suffix}, type="table")) %}
    {%- endfor %}
{% endmacro %}
