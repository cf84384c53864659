{# Rows of `model` for which the boolean SQL `expression` is not true (false or NULL) fail the test. #}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
