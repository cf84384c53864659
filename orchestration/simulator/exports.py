"""Writing the world's exports: the daily CSVs, then the hourly NDJSON and access-log files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.simulator import faults as F
from orchestration.simulator.access_logs import build_requests
from orchestration.simulator.catalog import CATEGORY_NAMES
from orchestration.simulator.config import ESP_EVENT_TYPES, SimulationConfig, derived_rng
from orchestration.simulator.contacts import daily_contact_frames
from orchestration.simulator.csv_exports import SPECS, consent_frames, order_frames, write_csv_table
from orchestration.simulator.events import EventTable
from orchestration.simulator.hourly_exports import (
    EventIds,
    access_frame,
    app_frame,
    esp_frame,
    tracker_frame,
    write_hourly_source,
)
from orchestration.simulator.render import Renderer
from orchestration.simulator.sessions import APP, WEB
from orchestration.simulator.truth_events import APP_TYPES, TRACKER_TYPES
from orchestration.simulator.world import World
from orchestration.simulator.writers import FileSink


def write_csv_exports(world: World, sink: FileSink, config: SimulationConfig) -> list[tuple]:
    window, rate = world.window, config.fault_rate
    drift_rng = derived_rng(config.seed, "schema_drift")
    # Schema drift hits exactly one contacts file of a later day (none without faults or a later day).
    drift_day = 1 + int(drift_rng.integers(window.days - 1)) if rate > 0 and window.days > 1 else None
    all_days = list(range(window.days))
    order_files, item_files = order_frames(world.orders, world.contacts, world.catalog, window)
    tables = {
        "crm_contacts": (daily_contact_frames(world.contacts, world.contact_updates, window), all_days),
        "crm_orders": (order_files, all_days),
        "crm_order_items": (item_files, all_days),
        "crm_products": ([world.catalog.to_frame()], [0]),
        "consent_records": (consent_frames(world.consent, world.contacts, window), all_days),
    }
    faults: list[tuple] = []
    for table, (frames, days) in tables.items():
        table_rng = derived_rng(config.seed, f"faults_{table}")
        drift = drift_day if table == "crm_contacts" else None
        faults += write_csv_table(sink, SPECS[table], frames, days, window, table_rng, rate, drift)
    return faults


@dataclass
class SourceEvents:
    """The events of one channel in export order (time, then session), and where they came from."""

    table: EventTable
    index: np.ndarray  # rows of the world's event table

    @property
    def size(self) -> int:
        return self.table.size

    @staticmethod
    def of(events: EventTable, channel: int) -> SourceEvents:
        rows = np.flatnonzero(events.channel == channel)
        rows = rows[np.lexsort((events.session[rows], events.t_ms[rows]))]
        return SourceEvents(events.take(rows), rows)


class EventSources:
    """Tracker, app and ESP records with their random ids, and the per-line frames the renderer reads."""

    def __init__(self, world: World, seed: int):
        self.world = world
        self.web = SourceEvents.of(world.events, WEB)
        self.app = SourceEvents.of(world.events, APP)
        esp = world.esp.events
        self.ids = {
            name: EventIds.draw(derived_rng(seed, f"ids_{name}"), n)
            for name, n in (
                ("tracker", self.web.size),
                ("app", self.app.size),
                ("esp", esp.size),
                ("session", world.sessions.size),
            )
        }
        self.message_ids = derived_rng(seed, "message_ids").integers(
            0, 2**64, max(world.esp.n_sends, 1), dtype=np.uint64
        )
        self.web_order = world.event_order[self.web.index]
        self.app_order = world.event_order[self.app.index]
        # The app writes the device's local offset: the owner's home time zone at that instant.
        self.app_offsets = world.offsets.offset_minutes(
            world.pop.country[self.app.table.person], self.app.table.t_ms
        )

    def frame_web(self, plan: F.LinePlan, rows: slice) -> pd.DataFrame:
        w = self.world
        return tracker_frame(
            plan,
            rows,
            self.web.table,
            self.ids["tracker"],
            self.ids["session"],
            w.sessions,
            w.pop.cookie_user_agent,
            self.web_order,
        )

    def frame_app(self, plan: F.LinePlan, rows: slice) -> pd.DataFrame:
        frame = app_frame(
            plan, rows, self.app.table, self.ids["app"], self.world.sessions, self.app_offsets, self.app_order
        )
        session = self.app.table.session[plan.item[rows]]
        return frame.assign(s_hi=self.ids["session"].hi[session], s_lo=self.ids["session"].lo[session])

    def frame_esp(self, plan: F.LinePlan, rows: slice) -> pd.DataFrame:
        return esp_frame(plan, rows, self.world.esp.events, self.ids["esp"], self.message_ids)


def _namer(names: dict[int, str], kinds: np.ndarray) -> Callable[[int], str]:
    return lambda item: names.get(int(kinds[item]), "")


def write_hourly_exports(
    world: World,
    sources: EventSources,
    renderer: Renderer,
    sink: FileSink,
    config: SimulationConfig,
    advance: Callable[[str], None],
) -> tuple[list[tuple], int]:
    """All hourly files; returns the planted faults and the number of access-log requests."""
    window, rate, seed = world.window, config.fault_rate, config.seed
    esp = world.esp.events

    def rng(step: str) -> np.random.Generator:
        return derived_rng(seed, step)

    faults: list[tuple] = []

    def write(table: str, plan: F.LinePlan, make_frame, render, namer) -> None:
        faults.extend(
            write_hourly_source(
                sink,
                table,
                plan,
                window,
                lambda rows: make_frame(plan, rows),
                render,
                namer,
                on_day=lambda day: advance(f"{table} day {day + 1}"),
            )
        )

    # Line plans hold millions of rows at scale 1: one source at a time.
    write(
        "web_tracker_events",
        F.plan_event_lines(rng("faults_tracker"), sources.web.table.t_ms, window, rate, True),
        sources.frame_web,
        renderer.tracker,
        _namer(TRACKER_TYPES, sources.web.table.kind),
    )
    write(
        "app_events",
        F.plan_event_lines(rng("faults_app"), sources.app.table.t_ms, window, rate, False),
        sources.frame_app,
        renderer.app,
        _namer(APP_TYPES, sources.app.table.kind),
    )
    write(
        "esp_events",
        F.plan_event_lines(rng("faults_esp"), esp.t_ms, window, rate, False),
        sources.frame_esp,
        renderer.esp,
        _namer(dict(enumerate(ESP_EVENT_TYPES)), esp.kind),
    )
    requests = build_requests(
        rng("access_logs"),
        world.events,
        world.sessions,
        world.pop,
        world.catalog.size,
        len(CATEGORY_NAMES),
        window,
    )
    write(
        "web_access_logs",
        F.plan_log_lines(rng("faults_access"), requests.t_ms, window, rate),
        lambda plan, rows: access_frame(plan, rows, requests),
        renderer.access,
        _namer({}, requests.status),
    )
    return faults, requests.size


def renderer_lookups(world: World) -> dict[str, pd.DataFrame]:
    """String lookups the renderer joins by integer index."""
    pop, contacts, orders = world.pop, world.contacts, world.orders
    primary = contacts.primary_of
    has_contact = primary >= 0
    emails = np.array(contacts.text["email"], dtype=object)
    n_reg = pop.n_registered
    campaign_ids = world.esp.campaign_ids
    return {
        "persons": pd.DataFrame(
            {
                "idx": np.arange(pop.size),
                "user_id": np.where(has_contact, contacts.contact_ids[np.maximum(primary, 0)], None),
                "email": np.where(has_contact, emails[np.maximum(primary, 0)], None),
                # ESPs store addresses trimmed and lower-cased.
                "esp_email": [contacts.canonical_email(p) if p < n_reg else None for p in range(pop.size)],
                "email_client": pop.email_client,
            }
        ),
        "cookies": pd.DataFrame({"idx": np.arange(len(pop.cookie_ids)), "anonymous_id": pop.cookie_ids}),
        "devices": pd.DataFrame(
            {
                "idx": np.arange(len(pop.device_ids)),
                "device_id": pop.device_ids,
                "platform": np.where(pop.device_platform == 0, "ios", "android"),
                "app_version": pop.device_app_version,
            }
        ),
        "order_totals": pd.DataFrame(
            {
                "idx": np.arange(orders.size),
                "order_id": orders.order_ids,
                "revenue_cents": orders.totals_cents(),
            }
        ),
        "campaigns": pd.DataFrame({"idx": np.arange(len(campaign_ids)), "campaign_id": campaign_ids}),
    }
