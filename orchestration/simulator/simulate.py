"""``simulate(config)``: generate the world, then write the exports and the ground truth.

The order matters because people react to each other's systems: organic sessions produce signups,
newsletter forms and abandoned carts; those drive consent and the ESP; email clicks produce more sessions;
all sessions produce orders; everything produces access-log lines. Each step draws from its own
generator derived from the seed, so the output is a pure function of the configuration.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm import tqdm

from orchestration.simulator import consent as C
from orchestration.simulator import faults as F
from orchestration.simulator import truth as T
from orchestration.simulator.access_logs import build_requests
from orchestration.simulator.catalog import CATEGORY_NAMES, build_catalog
from orchestration.simulator.clock import OffsetTable
from orchestration.simulator.config import (
    ESP_EVENT_TYPES,
    SimulationConfig,
    SimulationReport,
    Window,
    derived_rng,
)
from orchestration.simulator.contacts import (
    add_signup_times,
    build_contacts,
    daily_contact_frames,
    profile_updates,
)
from orchestration.simulator.csv_exports import SPECS, consent_frames, order_frames, write_csv_table
from orchestration.simulator.esp import abandoned_carts, simulate_esp
from orchestration.simulator.events import K_FORM, EventTable, generate_events
from orchestration.simulator.hourly_exports import (
    EventIds,
    access_frame,
    app_frame,
    esp_frame,
    tracker_frame,
    write_hourly_source,
)
from orchestration.simulator.orders import combine_orders, history_orders, window_orders
from orchestration.simulator.people import build_population
from orchestration.simulator.render import Renderer
from orchestration.simulator.sessions import (
    APP,
    FORM_NEWSLETTER,
    FORM_SIGNUP,
    WEB,
    SessionPlan,
    gap_filter,
    mark_newsletter_forms,
    organic_sessions,
)
from orchestration.simulator.truth_events import APP_TYPES, TRACKER_TYPES, true_event_tables
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
_GENERATION_STEPS = 7


def _form_times(events: EventTable, form: int, n_persons: int) -> np.ndarray:
    times = np.full(n_persons, -1, dtype=np.int64)
    rows = np.flatnonzero((events.kind == K_FORM) & (events.form == form))
    times[events.person[rows]] = events.t_ms[rows]
    return times


def _clear_previous_output(config: SimulationConfig) -> None:
    """Only what an earlier run wrote: folders the landing format owns, files the truth owns."""
    for folder in EXPORT_FOLDERS:
        shutil.rmtree(config.out_dir / folder, ignore_errors=True)
    for name in TRUTH_FILES:
        (config.truth_dir / name).unlink(missing_ok=True)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    config.truth_dir.mkdir(parents=True, exist_ok=True)


def simulate(config: SimulationConfig) -> SimulationReport:
    started = time.perf_counter()
    window = Window(config.start_date, config.days)
    rate = config.fault_rate

    def rng(step: str) -> np.random.Generator:
        return derived_rng(config.seed, step)

    bar = tqdm(
        total=_GENERATION_STEPS + 4 * config.days,
        disable=not config.progress,
        file=sys.stderr,
        unit="step",
        desc="simulate",
    )

    def advance(label: str) -> None:
        bar.set_postfix_str(label, refresh=False)
        bar.update(1)

    _clear_previous_output(config)
    catalog = build_catalog(rng("catalog"), config.scale)
    offsets = OffsetTable(window)
    pop = build_population(rng("population"), config.n_customers, config.n_anonymous, window, catalog)
    contacts = build_contacts(rng("contacts"), pop, window)
    consent_history = C.history(rng("consent_history"), pop, contacts, window)
    opted_in_at_start = C.email_state_at(consent_history, pop.size, window.start_ms)
    advance("people")

    organic, _ = organic_sessions(rng("sessions"), pop, window, offsets)
    mark_newsletter_forms(rng("newsletter_forms"), organic, pop.is_registered & ~opted_in_at_start)
    organic_events = generate_events(rng("organic_events"), organic, pop, catalog, window)
    signup_ms = _form_times(organic_events, FORM_SIGNUP, pop.size)
    newsletter_ms = _form_times(organic_events, FORM_NEWSLETTER, pop.size)
    add_signup_times(contacts, pop, signup_ms)
    contacts.assign_ids()
    contacts.opt_in[contacts.primary_of[: pop.n_registered]] = opted_in_at_start[: pop.n_registered]
    advance("organic sessions")

    consent_window = C.window_changes(
        rng("consent_window"), pop, opted_in_at_start, signup_ms, newsletter_ms, window
    )
    timeline = C.EmailTimeline(
        np.zeros(pop.size, dtype=bool), C.ConsentRecords.concat([consent_history, consent_window])
    )
    esp = simulate_esp(
        rng("esp"), pop, contacts, timeline, signup_ms, abandoned_carts(organic_events, pop), catalog, window
    )
    advance("email")

    # Email clicks become sessions unless the person is already browsing then.
    both = SessionPlan.concat([organic, esp.click_sessions])
    kept = gap_filter(both.person, both.start_ms, np.arange(both.size) < organic.size)
    clicks = esp.click_sessions.take(np.sort(kept[kept >= organic.size]) - organic.size)
    sessions = SessionPlan.concat([organic, clicks])
    click_events = generate_events(
        rng("click_events"), clicks, pop, catalog, window, session_offset=organic.size
    )
    events = EventTable.concat([organic_events, click_events])
    advance("click sessions")

    current_orders, purchase_order = window_orders(rng("order_status"), events, contacts)
    orders, order_index = combine_orders(
        history_orders(rng("order_history"), pop, contacts, catalog, window), current_orders
    )
    event_order = np.where(purchase_order >= 0, order_index[np.maximum(purchase_order, 0)], -1)
    consent_all = C.ConsentRecords.concat([consent_history, consent_window, esp.unsubscribes])
    updates = profile_updates(rng("contact_updates"), contacts, pop, window) + C.contact_opt_in_updates(
        consent_all, contacts, window
    )
    requests = build_requests(
        rng("access_logs"), events, sessions, pop, catalog.size, len(CATEGORY_NAMES), window
    )
    advance("orders and access logs")

    # --- exports ---
    sink = FileSink(config.out_dir)
    fault_rows: list[tuple] = []
    csv_rng = rng("csv_faults")
    drift_day = (1 + int(csv_rng.integers(window.days - 1))) if rate > 0 and window.days > 1 else None
    all_days = list(range(window.days))
    order_files, item_files = order_frames(orders, contacts, catalog, window)
    csv_tables = {
        "crm_contacts": (daily_contact_frames(contacts, updates, window), all_days),
        "crm_orders": (order_files, all_days),
        "crm_order_items": (item_files, all_days),
        "crm_products": ([catalog.to_frame()], [0]),
        "consent_records": (consent_frames(consent_all, contacts, window), all_days),
    }
    for table, (frames, days) in csv_tables.items():
        fault_rows += write_csv_table(
            sink,
            SPECS[table],
            frames,
            days,
            window,
            rng(f"faults_{table}"),
            rate,
            drift_day if table == "crm_contacts" else None,
        )
    advance("CSV exports")

    renderer = Renderer(catalog, _lookups(pop, contacts, orders, esp.campaign_ids))
    web = _source_subset(events, WEB)
    app = _source_subset(events, APP)
    ids = {
        name: EventIds.draw(rng(f"ids_{name}"), n)
        for name, n in (
            ("tracker", web.size),
            ("app", app.size),
            ("esp", esp.events.size),
            ("session", sessions.size),
        )
    }
    message_ids = rng("message_ids").integers(0, 2**64, max(esp.n_sends, 1), dtype=np.uint64)
    web_order, app_order = event_order[web.index], event_order[app.index]
    app_offsets = offsets.offset_minutes(pop.country[app.table.person], app.table.t_ms)

    def make_tracker(plan, rows):
        return tracker_frame(
            plan, rows, web.table, ids["tracker"], ids["session"], sessions, pop.cookie_user_agent, web_order
        )

    def make_app(plan, rows):
        frame = app_frame(plan, rows, app.table, ids["app"], sessions, app_offsets, app_order)
        session = app.table.session[plan.item[rows]]
        return frame.assign(s_hi=ids["session"].hi[session], s_lo=ids["session"].lo[session])

    def make_esp(plan, rows):
        return esp_frame(plan, rows, esp.events, ids["esp"], message_ids)

    hourly = (
        (
            "web_tracker_events",
            F.plan_event_lines(rng("faults_tracker"), web.table.t_ms, window, rate, True),
            make_tracker,
            renderer.tracker,
            _namer(TRACKER_TYPES, web.table.kind),
        ),
        (
            "app_events",
            F.plan_event_lines(rng("faults_app"), app.table.t_ms, window, rate, False),
            make_app,
            renderer.app,
            _namer(APP_TYPES, app.table.kind),
        ),
        (
            "esp_events",
            F.plan_event_lines(rng("faults_esp"), esp.events.t_ms, window, rate, False),
            make_esp,
            renderer.esp,
            _namer(dict(enumerate(ESP_EVENT_TYPES)), esp.events.kind),
        ),
        (
            "web_access_logs",
            F.plan_log_lines(rng("faults_access"), requests.t_ms, window, rate),
            lambda plan, rows: access_frame(plan, rows, requests),
            renderer.access,
            _namer({}, requests.status),
        ),
    )
    for table, plan, make_frame, render, namer in hourly:
        fault_rows += write_hourly_source(
            sink,
            table,
            plan,
            window,
            lambda rows, p=plan, m=make_frame: m(p, rows),
            render,
            namer,
            on_day=lambda day, t=table: advance(f"{t} day {day + 1}"),
        )

    # --- ground truth ---
    truth = config.truth_dir
    T.write_csv(truth / "persons.csv", T.persons_frame(pop, contacts, signup_ms))
    T.write_csv(
        truth / "identifiers.csv", T.identifiers_frame(pop, contacts, events, sessions, esp.events.person)
    )
    session_ids = [
        T.uuid_text(int(h), int(lo)) for h, lo in zip(ids["session"].hi, ids["session"].lo, strict=True)
    ]
    T.write_csv(truth / "cart_abandonments.csv", T.cart_abandonments_frame(events, catalog, session_ids))
    T.write_events_parquet(
        truth / "events.parquet",
        [
            *true_event_tables(renderer, "web_tracker_events", web.size, make_tracker),
            *true_event_tables(renderer, "app_events", app.size, make_app),
            *true_event_tables(renderer, "esp_events", esp.events.size, make_esp),
        ],
    )
    faults_frame = T.write_faults(truth / "faults.csv", fault_rows)
    advance("ground truth")
    report = SimulationReport(
        files=dict(sorted(sink.files.items())),
        lines=dict(sorted(sink.lines.items())),
        faults={
            name: int((faults_frame["fault_type"] == name).sum())
            for name in sorted(set(F.FAULT_NAMES.values()) | {"schema_drift"})
        },
        persons=pop.size,
        registered_persons=pop.n_registered,
        contacts=contacts.size,
        true_events={"web_tracker_events": web.size, "app_events": app.size, "esp_events": esp.events.size},
        bytes_written=sink.bytes,
    )
    T.write_summary(
        truth / "summary.json",
        {
            "config": config.public_dict(),
            "persons": report.persons,
            "registered_persons": report.registered_persons,
            "anonymous_persons": pop.size - pop.n_registered,
            "contacts": report.contacts,
            "orders": orders.size,
            "orders_in_window": int((orders.t_ms >= window.start_ms).sum()),
            "sessions": sessions.size,
            "files": report.files,
            "lines": report.lines,
            "faults": report.faults,
            "true_events": report.true_events,
            "access_log_requests": requests.size,
            "bytes_written": report.bytes_written,
        },
    )
    bar.close()
    renderer.con.close()
    report.wall_seconds = round(time.perf_counter() - started, 3)
    return report


@dataclass
class _SourceEvents:
    """The events of one channel in export order (time, then session), and where they came from."""

    table: EventTable
    index: np.ndarray

    @property
    def size(self) -> int:
        return self.table.size


def _source_subset(events: EventTable, channel: int) -> _SourceEvents:
    rows = np.flatnonzero(events.channel == channel)
    rows = rows[np.lexsort((events.session[rows], events.t_ms[rows]))]
    return _SourceEvents(events.take(rows), rows)


def _namer(names: dict[int, str], kinds: np.ndarray):
    return lambda item: names.get(int(kinds[item]), "")


def _lookups(pop, contacts, orders, campaign_ids: list[str]) -> dict[str, pd.DataFrame]:
    """String lookups the renderer joins by integer index."""
    primary = contacts.primary_of
    has_contact = primary >= 0
    emails = np.array(contacts.text["email"], dtype=object)
    n_reg = pop.n_registered
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
