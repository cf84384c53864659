"""The committed crawler seed is exactly what the installed crawler-user-agents package gives."""

import csv
import io

import crawleruseragents
import duckdb

from orchestration.extract.crawler_patterns import (
    SEED_PATH,
    installed_seed_text,
    pattern_rows,
    render_seed,
    write_seed,
)


def test_committed_seed_equals_the_installed_package():
    assert SEED_PATH.read_text(encoding="utf-8") == installed_seed_text(), (
        "regenerate with: python -m orchestration.extract.crawler_patterns"
    )


def test_seed_round_trips_every_pattern_exactly_in_package_order():
    rows = list(csv.DictReader(io.StringIO(installed_seed_text())))
    expected = [entry["pattern"] for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA]
    assert [row["pattern"] for row in rows] == expected
    assert [int(row["pattern_index"]) for row in rows] == list(range(len(expected)))
    assert any(p != p.strip() for p in expected)  # leading/trailing spaces matter and must survive


def test_render_seed_quotes_text_and_handles_missing_urls(tmp_path):
    text = render_seed(pattern_rows([{"pattern": " bot, x", "url": "http://b"}, {"pattern": "y"}]))
    assert text == '"pattern_index","pattern","url"\n0," bot, x","http://b"\n1,"y",""\n'
    target = tmp_path / "seed.csv"
    assert write_seed(target) == len(crawleruseragents.CRAWLER_USER_AGENTS_DATA)
    assert target.read_text(encoding="utf-8") == installed_seed_text()


def test_every_pattern_compiles_in_duckdb_and_agrees_with_the_package_on_real_user_agents():
    patterns = [entry["pattern"] for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA]
    samples = [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.1 Mobile/15E148 Safari/604.1",
        "curl/8.5.0",
    ]
    con = duckdb.connect()
    con.execute("create table patterns (pattern varchar)")
    con.executemany("insert into patterns values (?)", [[p] for p in patterns])
    con.execute("create table agents (user_agent varchar)")
    con.executemany("insert into agents values (?)", [[s] for s in samples])
    matched = dict(
        con.execute(
            "select a.user_agent, count(p.pattern) from agents a "
            "left join patterns p on regexp_matches(a.user_agent, p.pattern) group by 1"
        ).fetchall()
    )
    assert {ua: n > 0 for ua, n in matched.items()} == {
        ua: crawleruseragents.is_crawler(ua) for ua in samples
    }
    assert sum(n > 0 for n in matched.values()) == 3
