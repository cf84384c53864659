"""Probabilistic de-duplication of CRM contacts (Splink on DuckDB), as a pure library.

- ``ml.identity.standardize``: ``standardize_contacts`` cleans a contacts frame for matching.
- ``ml.identity.matching``: ``MatchingConfig``, ``match_contacts`` -> ``MatchResult`` (pairs, clusters, summary).
- ``ml.identity.evaluate``: ``pairwise_scores`` and the loaders of the labelled fixtures.
- ``ml.identity.baseline``: Splink's tutorial models on the fixtures, as a yardstick.
- ``ml.identity.synthetic``: generated contacts with an answer key; ``ml.identity.benchmark`` times them.

Nothing here imports the orchestration layer (Dagster, dbt) or touches files it was not handed.
"""
