"""``simulate(config)``: generate the world, write the exports to ``out_dir`` and the truth to ``truth_dir``."""

from __future__ import annotations

import itertools
import shutil
import sys
import time

from tqdm import tqdm

from orchestration.simulator import truth as T
from orchestration.simulator.config import FAULT_TYPES, SimulationConfig, SimulationReport
from orchestration.simulator.exports import (
    EventSources,
    renderer_lookups,
    write_csv_exports,
    write_hourly_exports,
)
from orchestration.simulator.render import Renderer
from orchestration.simulator.truth_events import true_event_tables
from orchestration.simulator.world import World, build_world
from orchestration.simulator.writers import FileSink

EXPORT_FOLDERS = ("crm", "consent", "web", "app", "esp")
TRUTH_FILES = (
    "persons.csv",
    "identifiers.csv",
    "cart_abandonments.csv",
    "events.parquet",
    "faults.csv",
    "summary.json",
)
_STEPS_BEFORE_HOURLY = 6  # world building (5) and the CSV exports
_STEPS_AFTER_HOURLY = 1  # the ground truth


def _clear_previous_output(config: SimulationConfig) -> None:
    """Remove only what an earlier run wrote: the folders the landing format owns, the truth's files."""
    for folder in EXPORT_FOLDERS:
        shutil.rmtree(config.out_dir / folder, ignore_errors=True)
    for name in TRUTH_FILES:
        (config.truth_dir / name).unlink(missing_ok=True)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    config.truth_dir.mkdir(parents=True, exist_ok=True)


def simulate(config: SimulationConfig) -> SimulationReport:
    started = time.perf_counter()
    total_steps = _STEPS_BEFORE_HOURLY + 4 * config.days + _STEPS_AFTER_HOURLY
    bar = tqdm(total=total_steps, disable=not config.progress, file=sys.stderr, unit="step", desc="simulate")

    def advance(label: str) -> None:
        bar.set_postfix_str(label, refresh=False)
        bar.update(1)

    _clear_previous_output(config)
    world = build_world(config, advance)
    sink = FileSink(config.out_dir)
    fault_rows = write_csv_exports(world, sink, config)
    advance("CSV exports")
    renderer = Renderer(world.catalog, renderer_lookups(world))
    sources = EventSources(world, config.seed)
    hourly_faults, n_requests = write_hourly_exports(world, sources, renderer, sink, config, advance)
    fault_rows += hourly_faults
    fault_counts = _write_truth(config, world, sources, renderer, fault_rows)
    advance("ground truth")
    renderer.con.close()

    report = SimulationReport(
        files=dict(sorted(sink.files.items())),
        lines=dict(sorted(sink.lines.items())),
        faults=fault_counts,
        persons=world.pop.size,
        registered_persons=world.pop.n_registered,
        contacts=world.contacts.size,
        true_events={
            "web_tracker_events": sources.web.size,
            "app_events": sources.app.size,
            "esp_events": world.esp.events.size,
        },
        bytes_written=sink.bytes,
    )
    T.write_summary(
        config.truth_dir / "summary.json",
        {
            "config": config.public_dict(),
            "persons": report.persons,
            "registered_persons": report.registered_persons,
            "anonymous_persons": report.persons - report.registered_persons,
            "contacts": report.contacts,
            "sessions": world.sessions.size,
            "orders": world.orders.size,
            "orders_in_window": int((world.orders.t_ms >= world.window.start_ms).sum()),
            "access_log_requests": n_requests,
            "true_events": report.true_events,
            "files": report.files,
            "lines": report.lines,
            "faults": report.faults,
            "bytes_written": report.bytes_written,
        },
    )
    bar.close()
    report.wall_seconds = round(time.perf_counter() - started, 3)
    return report


def _write_truth(
    config: SimulationConfig, world: World, sources: EventSources, renderer: Renderer, fault_rows: list[tuple]
) -> dict[str, int]:
    truth = config.truth_dir
    pop, contacts, events = world.pop, world.contacts, world.events
    T.write_csv(truth / "persons.csv", T.persons_frame(pop, contacts, world.signup_ms))
    T.write_csv(
        truth / "identifiers.csv",
        T.identifiers_frame(pop, contacts, events, world.sessions, world.esp.events.person),
    )
    session_ids = sources.ids["session"]
    session_text = [
        T.uuid_text(int(h), int(lo)) for h, lo in zip(session_ids.hi, session_ids.lo, strict=True)
    ]
    T.write_csv(
        truth / "cart_abandonments.csv", T.cart_abandonments_frame(events, world.catalog, session_text)
    )
    T.write_events_parquet(
        truth / "events.parquet",
        itertools.chain(
            true_event_tables(renderer, "web_tracker_events", sources.web.size, sources.frame_web),
            true_event_tables(renderer, "app_events", sources.app.size, sources.frame_app),
            true_event_tables(renderer, "esp_events", world.esp.events.size, sources.frame_esp),
        ),
    )
    faults = T.write_faults(truth / "faults.csv", fault_rows)
    counts = faults["fault_type"].value_counts()
    return {name: int(counts.get(name, 0)) for name in FAULT_TYPES}
