"""The dbt seed of crawler user-agent patterns, generated from the installed ``crawler-user-agents`` package.

dbt classifies each distinct user agent against these regular expressions (``int_user_agents__classified``);
the seed is committed so that a build needs no Python step, and regenerated after upgrading the package:

    python -m orchestration.extract.crawler_patterns

``pattern_index`` is the pattern's position in ``crawleruseragents.CRAWLER_USER_AGENTS_DATA`` (the index that
``crawleruseragents.matching_crawlers`` reports), so a classification can be traced back to the package.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

SEED_PATH = DBT_PROJECT_DIR / "seeds" / "crawler_user_agent_patterns.csv"
COLUMNS = ("pattern_index", "pattern", "url")


def pattern_rows(crawlers: Iterable[Mapping]) -> list[tuple[int, str, str]]:
    """One row per crawler entry, in the package's order; a missing url is an empty string."""
    return [(index, entry["pattern"], entry.get("url") or "") for index, entry in enumerate(crawlers)]


def render_seed(rows: Iterable[tuple[int, str, str]]) -> str:
    """CSV text with a header; every text value quoted, so leading/trailing spaces in patterns survive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def installed_seed_text() -> str:
    """The seed as the installed package gives it."""
    import crawleruseragents  # imported here: loading the package parses its JSON file

    return render_seed(pattern_rows(crawleruseragents.CRAWLER_USER_AGENTS_DATA))


def write_seed(path: Path = SEED_PATH) -> int:
    """Write the seed file; returns the number of patterns."""
    text = installed_seed_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return text.count("\n") - 1


def main() -> None:
    count = write_seed()
    print(f"wrote {count} crawler patterns to {SEED_PATH}")


if __name__ == "__main__":
    main()
