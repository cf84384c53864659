"""Seeded source simulator: realistic, reproducible exports of every tailor source plus their ground truth.

    from orchestration.simulator import simulate, SimulationConfig
    report = simulate(SimulationConfig(out_dir=Path("landing"), truth_dir=Path("truth"), scale=0.01))

The exports follow ``docs/landing_format.md``; the ground truth is described in ``docs/simulator.md``.
This package is a pure library (no Dagster).
"""

from orchestration.simulator.config import DEFAULT_START_DATE, SimulationConfig, SimulationReport
from orchestration.simulator.simulate import simulate

__all__ = ["DEFAULT_START_DATE", "SimulationConfig", "SimulationReport", "simulate"]
