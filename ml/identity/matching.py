"""Probabilistic de-duplication of CRM contacts (Fellegi-Sunter, trained unsupervised, via Splink on DuckDB).

``match_contacts`` takes the current contacts, standardizes them, trains a model on them (u by seeded
random sampling, m by expectation maximisation, the prior from deterministic rules), scores the pairs
that the blocking rules generate, and clusters pairs at or above the threshold by connected components.
It never reads or writes files and never imports the orchestration layer.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator

from ml.identity.comparisons import contact_comparisons
from ml.identity.standardize import standardize_contacts

# Candidate pairs: a pair is scored if any rule holds. Each rule is an equality on a fairly selective
# key, so the number of pairs grows with the sum of squared key-group sizes, close to linear in the
# number of contacts for names, dates and addresses as they occur in a customer base.
DEFAULT_BLOCKING_RULES: tuple[str, ...] = (
    "l.birth_date = r.birth_date",
    "l.email = r.email",
    "l.phone_national = r.phone_national",
    "l.postcode = r.postcode and substr(l.last_name, 1, 1) = substr(r.last_name, 1, 1)",
    "l.last_name = r.last_name and substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1)",
    "l.first_name = r.last_name and l.last_name = r.first_name",
    "l.email_local = r.email_local and substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1)",
)
# Expectation maximisation cannot learn the comparison its blocking rule fixes, so the blocks between
# them must leave every comparison free somewhere; a block a data set cannot fill is skipped. None may
# be dominated by relatives (a plain postcode or email block is: EM then learns households as matches)
# or by namesakes (a first + last name block is), hence the first-name initial on the last two.
DEFAULT_EM_TRAINING_BLOCKS: tuple[str, ...] = (
    "l.birth_date = r.birth_date",
    "l.email = r.email and substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1)",
    "l.postcode = r.postcode and substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1)",
)
# Rules that almost never join two different people; their pair count, divided by the share of true
# pairs they are assumed to find, estimates the prior probability that two random contacts match.
DEFAULT_DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.email = r.email and l.last_name = r.last_name",
    "l.first_name = r.first_name and l.last_name = r.last_name and l.birth_date = r.birth_date",
    "l.phone_national = r.phone_national and l.last_name = r.last_name",
)

# Relatives share a surname, an address, a landline and sometimes an email account; the model, which
# treats those fields as independent evidence, then scores them as one person. A pair whose first
# names are both known and clearly different (not a typo, not swapped with the last name) and that
# also disagrees on a personal field (birth dates more than a year apart and not one digit off, or two
# unrelated email addresses) is two people. On the labelled fixtures this removes 2 of 3,475 true pairs.
_FIRST_NAMES_DIFFER = """
    jaro_winkler_similarity(l.first_name, r.first_name) < 0.75
    and coalesce(jaro_winkler_similarity(l.first_name, r.last_name), 0) < 0.75
    and coalesce(jaro_winkler_similarity(l.last_name, r.first_name), 0) < 0.75"""
_BIRTH_DATES_DIFFER = """
    abs(date_diff('day', cast(l.birth_date as date), cast(r.birth_date as date))) > 365
    and levenshtein(l.birth_date, r.birth_date) > 1"""
_EMAILS_DIFFER = """
    jaro_winkler_similarity(l.email, r.email) < 0.88
    and coalesce(jaro_winkler_similarity(l.email_local, r.email_local), 0) < 0.88"""
DIFFERENT_PERSON_SQL = (
    f"coalesce(({_FIRST_NAMES_DIFFER}) and (coalesce({_BIRTH_DATES_DIFFER}, false) "
    f"or coalesce({_EMAILS_DIFFER}, false)), false)"
)


@dataclass(frozen=True)
class MatchingConfig:
    """How to train and apply the model. One configuration serves every data set."""

    match_threshold: float = 0.8
    blocking_rules: tuple[str, ...] = DEFAULT_BLOCKING_RULES
    em_training_blocks: tuple[str, ...] = DEFAULT_EM_TRAINING_BLOCKS
    deterministic_rules: tuple[str, ...] = DEFAULT_DETERMINISTIC_RULES
    # Share of all true duplicate pairs the deterministic rules are assumed to find.
    deterministic_rules_recall: float = 0.6
    # Random pairs sampled to estimate u; u sampling is the slowest step of training.
    max_pairs_for_u: float = 1e6
    seed: int = 42
    # Below this many contacts there are too few pairs to estimate anything: no pairs are returned.
    min_contacts_to_train: int = 20
    # An EM block with fewer candidate pairs than this is skipped (too little to estimate from).
    min_pairs_per_em_block: int = 50
    # Drop pairs that DIFFERENT_PERSON_SQL says are two people, whatever their score.
    apply_different_person_rule: bool = True
    # Smallest m probability any comparison level may have after training (see _regularize_model).
    m_probability_floor: float = 0.005
    # None lets DuckDB use every core.
    duckdb_threads: int | None = None


@dataclass
class TrainingSummary:
    record_count: int
    scored_pair_count: int
    pair_count: int
    seconds: float
    probability_two_random_records_match: float | None = None
    # One row per comparison level: comparison, level, m_probability, u_probability, match_weight.
    parameters: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings_json: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    # contact_id_l < contact_id_r, match_probability >= the threshold, sorted by the two ids.
    pairs: pd.DataFrame
    # Every input contact once; cluster_id is the smallest contact_id of its cluster.
    clusters: pd.DataFrame
    summary: TrainingSummary


PAIR_COLUMNS = ["contact_id_l", "contact_id_r", "match_probability", "match_weight"]


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id_l": pd.Series(dtype="string"),
            "contact_id_r": pd.Series(dtype="string"),
            "match_probability": pd.Series(dtype="float64"),
            "match_weight": pd.Series(dtype="float64"),
        }
    )


def clusters_from_pairs(contact_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """Connected components of the pair graph; cluster_id is the smallest contact_id in the component.

    Union-find over integer positions, with the smaller root winning each union; contact ids are sorted
    first, so position order is id order and the root of a component is its smallest id.
    """
    ids = pd.Index(sorted(contact_ids.astype(str)))
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    left = ids.get_indexer(pairs["contact_id_l"].astype(str))
    right = ids.get_indexer(pairs["contact_id_r"].astype(str))
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = [root(i) for i in range(len(ids))]
    return pd.DataFrame(
        {"contact_id": ids.astype("string"), "cluster_id": ids[roots].astype("string")}
    ).reset_index(drop=True)


def _parameters_table(model: dict) -> pd.DataFrame:
    """One row per non-null comparison level of a saved Splink model."""
    rows = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            rows.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level["label_for_charts"],
                    "m_probability": m,
                    "u_probability": u,
                    "match_weight": math.log2(m / u) if m and u else None,
                }
            )
    return pd.DataFrame(rows)


def _significant(value: float | None, digits: int = 10) -> float | None:
    return None if value is None else float(f"{value:.{digits - 1}e}")


def _regularize_model(model: dict, m_floor: float) -> dict:
    """The trained model with every m at or above ``m_floor`` and m, u rounded to 10 digits.

    The floor keeps one field from vetoing a match: EM on a few hundred true pairs happily learns
    m = 1e-7 for "birth dates differ" when its training pairs have none, and one mistyped field then
    costs twenty bits. Real duplicates do get a wrong birth date or a new address; the floor caps the
    cost near log2(m_floor / u). A level EM never saw among likely matches (m is None) is rare among
    them, so it gets the floor too.
    The rounding makes runs identical: DuckDB sums in parallel, so the trained values differ between
    runs in the last bits, which is below any meaning but would make the scores differ too.
    """
    model = copy.deepcopy(model)
    model["linker_uid"] = "tailor"
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        if all(level.get("m_probability") is None for level in levels):
            continue  # no data for this comparison at all: every pair falls in its null level
        for level in levels:
            m = level.get("m_probability")
            level["m_probability"] = _significant(m_floor if m is None or m < m_floor else m)
            level["u_probability"] = _significant(level.get("u_probability"))
    return model


def _splink_input(standardized: pd.DataFrame) -> pd.DataFrame:
    frame = standardized.copy()
    # Splink's date comparison parses text; ISO text also keeps the Levenshtein ("one digit off") level.
    frame["birth_date"] = frame["birth_date"].dt.strftime("%Y-%m-%d").astype("string")
    return frame


def _blocked_pair_count(connection: duckdb.DuckDBPyConnection, table: str, rule: str) -> int:
    sql = f"select count(*) from {table} as l join {table} as r on l.contact_id < r.contact_id and ({rule})"
    return connection.execute(sql).fetchall()[0][0]


def _prior_match_probability(
    connection: duckdb.DuckDBPyConnection, table: str, config: MatchingConfig
) -> float:
    """Pairs the deterministic rules join, divided by their assumed recall, over all pairs.

    The same estimate as Splink's estimate_probability_two_random_records_match, computed here because
    Splink raises on small inputs where the rules join more than ``recall`` of all pairs. Each rule
    counts only the pairs no earlier rule joined, so that every join stays an equality join.
    """
    observed = 0
    earlier: list[str] = []
    for rule in config.deterministic_rules:
        not_earlier = " and ".join(f"not coalesce(({r}), false)" for r in earlier) or "true"
        observed += _blocked_pair_count(connection, table, f"({rule}) and {not_earlier}")
        earlier.append(rule)
    record_count = connection.execute(f"select count(*) from {table}").fetchall()[0][0]
    total_pairs = record_count * (record_count - 1) / 2
    # Clamped: zero would make every score 0; one would make every pair a match.
    return min(max(observed / config.deterministic_rules_recall / total_pairs, 1 / total_pairs), 0.5)


def _train(
    linker: Linker,
    contacts_table,
    connection: duckdb.DuckDBPyConnection,
    config: MatchingConfig,
    notes: list[str],
) -> dict:
    """Estimate u, then m by EM on each training block; returns the trained model (Splink JSON)."""
    training = linker.training
    # One chunk: Splink's chunked mode re-samples until every level has 100 pairs, which on rare levels
    # means all chunks anyway, and costs a probe pass on top.
    training.estimate_u_using_random_sampling(
        max_pairs=config.max_pairs_for_u, seed=config.seed, num_chunks=1, min_count_per_level=None
    )
    for rule in config.em_training_blocks:
        # A field this data set does not have (FEBRL has no email, fake_1000 no postcode) gives a block
        # with no pairs; EM on it would teach nothing, and Splink fails half-way through, leaving the
        # model's prior overwritten. Such blocks are skipped and the others train the model.
        pair_count = _blocked_pair_count(connection, contacts_table.physical_name, rule)
        if pair_count < config.min_pairs_per_em_block:
            notes.append(f"EM block {rule!r} skipped: {pair_count} pairs")
            continue
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as error:
            # EM can drive a level's m to exactly 0 on a small block (Splink then refuses the value). The
            # block is dropped and the model as it was before it is kept, rather than failing the build.
            notes.append(f"EM block {rule!r} skipped: {str(error).splitlines()[0]}")
            linker = Linker(contacts_table, before, log_level=None)
    return linker.misc.save_model_to_json()


def match_contacts(contacts: pd.DataFrame, config: MatchingConfig | None = None) -> MatchResult:
    """Find duplicate contacts. ``contacts`` has the CRM columns (missing ones count as null)."""
    config = config or MatchingConfig()
    started = time.perf_counter()
    standardized = standardize_contacts(contacts)
    if standardized["contact_id"].duplicated().any():
        raise ValueError("contact_id must be unique: pass one (the current) row per contact")
    notes: list[str] = []
    if len(standardized) < config.min_contacts_to_train:
        notes.append(
            f"{len(standardized)} contacts: fewer than {config.min_contacts_to_train}, no model trained"
        )
        summary = TrainingSummary(len(standardized), 0, 0, time.perf_counter() - started, notes=notes)
        return MatchResult(_no_pairs(), clusters_from_pairs(standardized["contact_id"], _no_pairs()), summary)

    connection = duckdb.connect()
    if config.duckdb_threads is not None:
        connection.execute(f"SET threads = {int(config.duckdb_threads)}")
    try:
        db_api = DuckDBAPI(connection=connection)
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="contact_id",
            comparisons=contact_comparisons(),
            blocking_rules_to_generate_predictions=list(config.blocking_rules),
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
        )
        contacts_table = db_api.register(_splink_input(standardized))
        settings.probability_two_random_records_match = _prior_match_probability(
            connection, contacts_table.physical_name, config
        )
        trainer = Linker(contacts_table, settings, log_level=None)
        model = _regularize_model(
            _train(trainer, contacts_table, connection, config, notes), config.m_probability_floor
        )
        scorer = Linker(contacts_table, model, log_level=None)
        # Unfiltered, so that the summary can say how many candidate pairs the blocking rules made.
        table = scorer.inference.predict(warning_mode="never").physical_name
        scored_pair_count = connection.execute(f"select count(*) from {table}").fetchall()[0][0]
        guard = DIFFERENT_PERSON_SQL if config.apply_different_person_rule else "false"
        pairs = connection.execute(
            f"""
            select least(p.contact_id_l, p.contact_id_r) as contact_id_l,
                   greatest(p.contact_id_l, p.contact_id_r) as contact_id_r,
                   p.match_probability, p.match_weight
            from {table} as p
            join {contacts_table.physical_name} as l on l.contact_id = p.contact_id_l
            join {contacts_table.physical_name} as r on r.contact_id = p.contact_id_r
            where p.match_probability >= ? and not {guard}
            order by 1, 2
            """,
            [float(config.match_threshold)],
        ).df()
    finally:
        connection.close()

    pairs = pairs.astype({"contact_id_l": "string", "contact_id_r": "string"})[PAIR_COLUMNS]
    summary = TrainingSummary(
        record_count=len(standardized),
        scored_pair_count=scored_pair_count,
        pair_count=len(pairs),
        seconds=time.perf_counter() - started,
        probability_two_random_records_match=model["probability_two_random_records_match"],
        parameters=_parameters_table(model),
        settings_json=json.dumps(model, default=str),
        notes=notes,
    )
    return MatchResult(pairs, clusters_from_pairs(standardized["contact_id"], pairs), summary)
