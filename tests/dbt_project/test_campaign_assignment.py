"""Variant / holdout assignment: the compiled hash macro is uniform, independent between campaigns, stable."""

import subprocess

import duckdb
import numpy as np
import pytest
from scipy import stats

from orchestration.dbt_runner import DBT_EXECUTABLE
from orchestration.settings import DBT_PROJECT_DIR

PERSONS = 200_000


def compiled_unit(tmp_path, salt: str) -> str:
    """The SQL expression campaign_assignment_unit(person_id, campaign) compiles to under `salt`."""
    completed = subprocess.run(
        [
            DBT_EXECUTABLE,
            "compile",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--inline",
            "select {{ campaign_assignment_unit('person_id', 'campaign') }} as u",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "TAILOR_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
            "TAILOR_ASSIGNMENT_SALT": salt,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    sql = completed.stdout.strip().splitlines()[-1]
    assert sql.startswith("select ") and sql.endswith(" as u"), completed.stdout
    return sql.removeprefix("select ").removesuffix(" as u")


def units(expression: str, campaign: str) -> np.ndarray:
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"select {expression} from (select 'p_' || cast(i as varchar) as person_id, ? as campaign "
            f"from range({PERSONS}) as t (i)) order by person_id",
            [campaign],
        ).fetchnumpy()
    finally:
        con.close()
    return next(iter(rows.values()))


@pytest.fixture(scope="module")
def dev_unit(tmp_path_factory):
    return compiled_unit(tmp_path_factory.mktemp("assign"), "dev-salt")


def test_assignment_units_are_uniform_on_zero_one(dev_unit):
    u = units(dev_unit, "campaign_win_back")
    assert u.min() >= 0 and u.max() < 1
    observed, _ = np.histogram(u, bins=20, range=(0, 1))
    assert stats.chisquare(observed).pvalue > 0.001
    # and the variant split rule: a 10% holdout then 34/33/33 lands within 0.5 pp of the weights
    assert abs((u < 0.1).mean() - 0.1) < 0.005


def test_assignment_is_independent_between_campaigns(dev_unit):
    a = units(dev_unit, "campaign_abandoned_cart")
    b = units(dev_unit, "campaign_vip_newsletter")
    table, _, _ = np.histogram2d(a, b, bins=10, range=[[0, 1], [0, 1]])
    assert stats.chi2_contingency(table).pvalue > 0.001
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01


def test_assignment_changes_with_the_salt(tmp_path, dev_unit):
    # the same salt gives the same units (a pure function); another salt reshuffles everyone
    assert np.array_equal(units(dev_unit, "c"), units(dev_unit, "c"))
    other = units(compiled_unit(tmp_path / "other", "prod-salt"), "c")
    assert abs(np.corrcoef(units(dev_unit, "c"), other)[0, 1]) < 0.01
