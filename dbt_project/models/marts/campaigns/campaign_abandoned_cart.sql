-- Audience: the cart abandoners segment (a cart add without an order within the abandonment window, judged
-- in the last few days; models/marts/segments/cart_abandoners.sql).
select
    person_id,
    'cart_abandoners' as segment_name,
    reason
from {{ ref('cart_abandoners') }}
