"""The Dagster UI and daemon as a data engineer uses them (`make ui`): a real `dagster dev` on 127.0.0.1 with
a temporary DAGSTER_HOME, the asset graph in headless Chromium, runs launched through GraphQL, and two
concurrent launches that both write the DuckDB file."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import sync_playwright

from orchestration.dbt_runner import run_dbt
from orchestration.extract.load import load_landing
from orchestration.settings import load_settings
from orchestration.simulator import SimulationConfig, simulate
from tests.integration.dagster_server import LOCATION, start_dagster_dev

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Nodes near the graph's edge may be culled from the page, so check the middle of the warehouse in the graph
# and the contract with the renderers on its own asset page.
KEY_ASSETS = ["dim_customers", "fct_customer_events", "int_events__unioned", "payload_inputs"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_ui") / "home"
    settings = load_settings({"TAILOR_HOME": str(home)})
    simulate(
        SimulationConfig(
            settings.landing_dir, settings.truth_dir, scale=0.002, seed=3, days=3, progress=False
        )
    )
    load_landing(settings.duckdb_path, settings.landing_dir)
    assert run_dbt(["build", "-s", "staging", "--quiet"], settings)
    server = start_dagster_dev(settings, home.parent / "dagster_dev.log")
    yield server, settings
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def asset_key(groups: dict[tuple[str, ...], str], name: str) -> tuple[str, ...]:
    [key] = [key for key in groups if key[-1] == name]
    return key


def test_the_asset_graph_shows_the_key_assets(server, browser, tmp_path):
    dagster, _ = server
    groups = dagster.asset_groups()
    group = groups[asset_key(groups, "dim_customers")]
    page = browser.new_page(viewport={"width": 2400, "height": 1500})
    page.goto(f"{dagster.url}/locations/{LOCATION}/asset-groups/{group}", wait_until="networkidle")
    page.get_by_text("dim_customers", exact=True).first.wait_for(timeout=60_000)
    page.screenshot(path=tmp_path / "asset_graph.png")
    visible = page.inner_text("body")
    # The group's assets, and its neighbours upstream (events) and downstream (the renderers' contract).
    assert all(name in visible for name in KEY_ASSETS), visible[:2000]
    assert (tmp_path / "asset_graph.png").stat().st_size > 10_000
    contract = "/".join(asset_key(groups, "payload_inputs"))
    page.goto(f"{dagster.url}/assets/{contract}", wait_until="networkidle")
    page.get_by_text("payload_inputs").first.wait_for(timeout=60_000)
    assert "Materialize" in page.inner_text("body")
    page.screenshot(path=tmp_path / "payload_inputs.png")
    page.close()


def test_a_materialization_launched_through_graphql_succeeds(server, browser, tmp_path):
    dagster, settings = server
    run_id = dagster.launch([("ml", "crm_contact_matches")])
    [run] = dagster.wait([run_id]).values()
    assert run["status"] == "SUCCESS", dagster.run_messages(run_id)[-20:]
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        (contacts,) = con.execute("select max(contacts) from ml.crm_contact_match_runs").fetchone()
    finally:
        con.close()
    assert contacts > 0  # the run really matched the staged CRM contacts
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{dagster.url}/runs/{run_id}", wait_until="networkidle")
    page.get_by_text("ml__crm_contact_matches").first.wait_for(timeout=60_000)
    page.screenshot(path=tmp_path / "run.png")
    page.close()


def test_two_concurrent_runs_writing_duckdb_both_succeed_one_after_the_other(server):
    """Both runs rebuild the staging models of one landing day (one dbt step each, writing the DuckDB file). The pool
    `duckdb_writer` (limit 1 in this instance's dagster.yaml) makes the second step wait for the first;
    without it they overlap and one fails on DuckDB's file lock."""
    dagster, _ = server
    staging = [key for key in dagster.asset_groups() if key[0] == "staging"]
    assert len(staging) > 10
    run_ids = [dagster.launch(staging, partition="2026-11-02") for _ in range(2)]
    runs = dagster.wait(run_ids)
    for run_id, run in runs.items():
        messages = dagster.run_messages(run_id)
        assert run["status"] == "SUCCESS", messages[-20:]
        assert not any("Could not set lock" in message for message in messages)
    (first,), (second,) = (run["stepStats"] for run in runs.values())
    earlier, later = sorted([first, second], key=lambda step: step["startTime"])
    assert earlier["endTime"] <= later["startTime"], (earlier, later)
