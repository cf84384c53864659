-- Audience: people whose top product they viewed at least 3 times and never bought.
select
    person_id,
    'high_interest' as segment_name,
    {{ dbt.concat(["'top product '", 'product_id', "' viewed '", 'cast(product_views as ' ~ dbt.type_string() ~ ')', "' times, not bought'"]) }}
        as reason
from {{ ref('customer_interest_products') }}
where interest_rank = 1 and product_views >= 3 and purchases = 0
