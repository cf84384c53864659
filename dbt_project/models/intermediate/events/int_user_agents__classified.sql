-- Each distinct user agent of the web server's requests and the tracker's events, classified once against
-- the crawler patterns of the crawler-user-agents package (seed crawler_user_agent_patterns, case-sensitive
-- like the package's is_crawler). ESP user agents are left out on purpose: mail image proxies such as
-- GoogleImageProxy match a crawler pattern but fetch images for real people opening an email.
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

first_matches as (

    select
        user_agents.user_agent,
        min(patterns.pattern_index) as matched_pattern_index
    from user_agents
    inner join patterns on {{ regexp_matches_column('user_agents.user_agent', 'patterns.pattern') }}
    group by user_agents.user_agent

)

select
    user_agents.user_agent,
    first_matches.matched_pattern_index is not null as is_bot,
    first_matches.matched_pattern_index,
    patterns.pattern as matched_pattern
from user_agents
left join first_matches on first_matches.user_agent = user_agents.user_agent
left join patterns on patterns.pattern_index = first_matches.matched_pattern_index
