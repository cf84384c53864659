"""Small simulated worlds shared by the simulator tests."""

import pytest

from tests.orchestration.simulator.helpers import FAULT_RATE, Run, run_simulation


@pytest.fixture(scope="session")
def faulted(tmp_path_factory) -> Run:
    """A small world with every fault type at 5%."""
    return run_simulation(tmp_path_factory.mktemp("faulted"), scale=0.005, fault_rate=FAULT_RATE)


@pytest.fixture(scope="session")
def clean(tmp_path_factory) -> Run:
    """A small world without planted faults, a week long so behaviour has room to show."""
    return run_simulation(tmp_path_factory.mktemp("clean"), scale=0.02, days=7, fault_rate=0.0)
