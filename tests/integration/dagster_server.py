"""A real `dagster dev` (webserver + daemon) on 127.0.0.1 for tests, and a small GraphQL client for it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from orchestration.dagster_home import prepare_dagster_home
from orchestration.settings import REPO_ROOT, Settings

VENV_BIN = Path(sys.executable).parent
LOCATION = "orchestration.definitions"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RUN = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run { status stepStats { stepKey status startTime endTime } }
  }
}
"""
RUN_ERRORS = """
query RunErrors($runId: ID!) {
  logsForRun(runId: $runId) {
    ... on EventConnection { events { __typename ... on MessageEvent { message } } }
  }
}
"""
ASSET_NODES = "{ assetNodes { assetKey { path } groupName } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DagsterServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        assert "errors" not in body, body["errors"]
        return body["data"]

    def asset_groups(self) -> dict[tuple[str, ...], str]:
        return {tuple(n["assetKey"]["path"]): n["groupName"] for n in self.graphql(ASSET_NODES)["assetNodes"]}

    def launch(self, asset_keys: list[tuple[str, ...]], partition: str | None = None) -> str:
        """Launch a materialization of these assets (of one partition, for partitioned ones)."""
        tags = [{"key": "dagster/partition", "value": partition}] if partition else []
        params = {
            "selector": {
                "repositoryLocationName": LOCATION,
                "repositoryName": "__repository__",
                "jobName": "__ASSET_JOB",
                "assetSelection": [{"path": list(key)} for key in asset_keys],
            },
            "runConfigData": {},
            "executionMetadata": {"tags": tags},
        }
        result = self.graphql(LAUNCH, {"params": params})["launchRun"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def wait(self, run_ids: list[str], timeout: float = 300) -> dict[str, dict]:
        deadline = time.monotonic() + timeout
        while True:
            runs = {run_id: self.graphql(RUN, {"runId": run_id})["runOrError"] for run_id in run_ids}
            if all(run["status"] in FINISHED for run in runs.values()):
                return runs
            assert time.monotonic() < deadline, f"runs not finished after {timeout} s: {runs}"
            time.sleep(1)

    def run_messages(self, run_id: str) -> list[str]:
        events = self.graphql(RUN_ERRORS, {"runId": run_id})["logsForRun"]["events"]
        return [event.get("message") or "" for event in events]

    def stop(self) -> None:
        """SIGINT to the whole process group (webserver, daemon, code servers), then SIGKILL if needed."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def start_dagster_dev(settings: Settings, log_path: Path, timeout: float = 180) -> DagsterServer:
    """`dagster dev` for this tailor home (its own DAGSTER_HOME, pools limited), once it answers."""
    dagster_home = prepare_dagster_home(settings)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAILOR_", "DAGSTER_"))} | {
        "TAILOR_HOME": str(settings.home),
        "DAGSTER_HOME": str(dagster_home),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "dagster"), "dev", "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = DagsterServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/server_info", timeout=5) as response:
                if response.status == 200 and _location_loaded(server):
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"dagster dev did not come up: {log_path.read_text()[-3000:]}")
        time.sleep(1)
    server.graphql("mutation { setNuxSeen }")  # else a welcome dialog covers the page
    return server


def _location_loaded(server: DagsterServer) -> bool:
    try:
        return bool(server.graphql(ASSET_NODES)["assetNodes"])
    except (AssertionError, KeyError, urllib.error.URLError):
        return False
