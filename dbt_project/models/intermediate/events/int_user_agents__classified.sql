-- Each distinct user agent of the web server's requests and the tracker's events, classified once against
-- the crawler patterns of the crawler-user-agents package (seed crawler_user_agent_patterns, case-sensitive
-- like the package's is_crawler). ESP user agents are left out on purpose: mail image proxies such as
-- GoogleImageProxy match a crawler pattern but fetch images for real people opening an email.
-- Whether a user agent is a bot is decided by all patterns as one regex; only bots are then matched pattern
-- by pattern to name the first matching one.
{%- set crawler_regex = crawler_patterns_regex_literal() %}
with access_logs as (

    select user_agent from {{ ref('stg_web__access_logs') }}

),

tracker as (

    select user_agent from {{ ref('stg_web__tracker_events') }}

),

patterns as (

    select pattern_index, pattern from {{ ref('crawler_user_agent_patterns') }}

),

user_agents as (

    select user_agent from access_logs where user_agent is not null
    union
    select user_agent from tracker where user_agent is not null

),

bots as (

    {%- if crawler_regex is not none %}
    select user_agent from user_agents
    where {{ regexp_matches_column('user_agent', crawler_regex) }}
    {%- else %}
    select user_agent from user_agents
    {%- endif %}

),

first_matches as (

    select
        bots.user_agent,
        min(patterns.pattern_index) as matched_pattern_index
    from bots
    inner join patterns on {{ regexp_matches_column('bots.user_agent', 'patterns.pattern') }}
    group by bots.user_agent

)

select
    user_agents.user_agent,
    first_matches.matched_pattern_index is not null as is_bot,
    first_matches.matched_pattern_index,
    patterns.pattern as matched_pattern
from user_agents
left join first_matches on first_matches.user_agent = user_agents.user_agent
left join patterns on patterns.pattern_index = first_matches.matched_pattern_index
