"""The ground truth: who everyone really is, what really happened, and every planted fault.

Written to ``truth_dir`` only, never next to the exports. Formats are documented in ``docs/simulator.md``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.simulator import events as E
from orchestration.simulator import personas as P
from orchestration.simulator.catalog import CATEGORY_NAMES, Catalog
from orchestration.simulator.config import DAY_MS
from orchestration.simulator.contacts import ContactTable
from orchestration.simulator.people import Population
from orchestration.simulator.sessions import APP, WEB, SessionPlan

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("source", pa.string()),
        ("event_type", pa.string()),
        ("occurred_at", pa.timestamp("ms", tz="UTC")),
        ("person_id", pa.int64()),
        ("anonymous_id", pa.string()),
        ("device_id", pa.string()),
        ("email", pa.string()),
        ("user_id", pa.string()),
        ("session_id", pa.string()),
        ("product_id", pa.string()),
        ("order_id", pa.string()),
        ("campaign_id", pa.string()),
    ]
)


def uuid_text(hi: int, lo: int) -> str:
    """The same v4-shaped UUID the exports carry (see ``render.sql_uuid``)."""
    return (
        f"{hi >> 32:08x}-{(hi >> 16) & 0xFFFF:04x}-4{hi & 0xFFF:03x}-{((lo >> 48) & 0x3FFF) | 0x8000:04x}-"
        f"{lo & 0xFFFFFFFFFFFF:012x}"
    )


def _iso(t_ms: np.ndarray) -> np.ndarray:
    text = np.datetime_as_string(np.asarray(t_ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return text.astype(object) + "Z"


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def persons_frame(pop: Population, contacts: ContactTable, signup_ms: np.ndarray) -> pd.DataFrame:
    primary = contacts.primary_of
    favourites = ["|".join(CATEGORY_NAMES[c] for c in row if c >= 0) for row in pop.favourites]
    signed = np.where(signup_ms >= 0, _iso(np.maximum(signup_ms, 0)), None)
    return pd.DataFrame(
        {
            "person_id": np.arange(pop.size) + 1,
            "persona": np.array(P.PERSONAS, dtype=object)[pop.persona],
            "is_registered": np.where(pop.is_registered, "true", "false"),
            "primary_contact_id": np.where(primary >= 0, contacts.contact_ids[np.maximum(primary, 0)], None),
            "home_timezone": pop.timezone_names(),
            "is_lapsed": np.where(pop.is_registered & (pop.persona == P.LAPSED), "true", "false"),
            "signed_up_at": signed,
            "favourite_categories": favourites,
        }
    )


def identifiers_frame(
    pop: Population,
    contacts: ContactTable,
    events: E.EventTable,
    sessions: SessionPlan,
    esp_people: np.ndarray,
) -> pd.DataFrame:
    """Every identifier value as it appears in the exports, with the person(s) using it."""
    parts = [
        pd.DataFrame(
            {
                "identifier_type": "contact_id",
                "identifier_value": contacts.contact_ids,
                "person_index": contacts.person,
            }
        )
    ]
    emails = np.array(contacts.text["email"], dtype=object)
    parts.append(
        pd.DataFrame(
            {"identifier_type": "email", "identifier_value": emails, "person_index": contacts.person}
        )
    )
    esp_people = np.unique(esp_people)
    parts.append(
        pd.DataFrame(
            {
                "identifier_type": "email",
                "identifier_value": [contacts.canonical_email(p) for p in esp_people],
                "person_index": esp_people,
            }
        )
    )
    session_person = np.unique(np.stack([events.session, events.person]), axis=1)
    s, p = session_person
    web, app = sessions.channel[s] == WEB, sessions.channel[s] == APP
    parts.append(
        pd.DataFrame(
            {
                "identifier_type": "anonymous_id",
                "identifier_value": pop.cookie_ids[sessions.ident[s[web]]],
                "person_index": p[web],
            }
        )
    )
    parts.append(
        pd.DataFrame(
            {
                "identifier_type": "device_id",
                "identifier_value": pop.device_ids[sessions.ident[s[app]]],
                "person_index": p[app],
            }
        )
    )
    frame = pd.concat(parts, ignore_index=True).drop_duplicates(
        ["identifier_type", "identifier_value", "person_index"]
    )
    users = frame.groupby(["identifier_type", "identifier_value"])["person_index"].transform("nunique")
    frame = frame.assign(person_id=frame["person_index"] + 1, is_shared=np.where(users > 1, "true", "false"))
    frame = frame.sort_values(["identifier_type", "identifier_value", "person_id"], kind="stable")
    return frame[["identifier_type", "identifier_value", "person_id", "is_shared"]]


def cart_abandonments_frame(events: E.EventTable, catalog: Catalog, session_ids: list[str]) -> pd.DataFrame:
    """Cart adds of sessions without a purchase in the session or by the person within 24 hours after."""
    purchase = events.kind == E.K_PURCHASE
    bought_sessions = np.unique(events.session[purchase])
    p_person, p_t = events.person[purchase], events.t_ms[purchase]
    order = np.lexsort((p_t, p_person))
    keys = p_person[order].astype(np.int64) * (1 << 42) + p_t[order]
    cart = np.flatnonzero(events.kind == E.K_CART)
    cart = cart[~np.isin(events.session[cart], bought_sessions)]
    c_keys = events.person[cart].astype(np.int64) * (1 << 42) + events.t_ms[cart]
    later = np.searchsorted(keys, c_keys, side="right")  # first purchase of this person after the add
    within = (later < len(keys)) & (later >= 0)
    next_key = (
        keys[np.minimum(later, max(len(keys) - 1, 0))] if len(keys) else np.zeros(len(cart), dtype=np.int64)
    )
    bought_soon = within & (next_key - c_keys <= DAY_MS)
    cart = cart[~bought_soon]
    # One row per product and session: its first add.
    frame = pd.DataFrame(
        {
            "session": events.session[cart],
            "product": events.product[cart],
            "t": events.t_ms[cart],
            "person": events.person[cart],
            "channel": events.channel[cart],
        }
    )
    frame = frame.sort_values(["session", "product", "t"], kind="stable").drop_duplicates(
        ["session", "product"]
    )
    frame = frame.sort_values(["t", "session", "product"], kind="stable")
    return pd.DataFrame(
        {
            "person_id": frame["person"].to_numpy() + 1,
            "session_id": np.array(session_ids, dtype=object)[frame["session"].to_numpy()],
            "channel": np.where(frame["channel"].to_numpy() == APP, "app", "web"),
            "product_id": catalog.product_ids[frame["product"].to_numpy()],
            "cart_added_at": _iso(frame["t"].to_numpy()),
            "abandoned": "true",
        }
    )


def write_events_parquet(path: Path, tables: Iterable[pa.Table]) -> None:
    """Streams the tables (chunks of a million events) so they never sit in memory together."""
    with pq.ParquetWriter(path, EVENTS_SCHEMA, compression="zstd") as writer:
        for table in tables:
            writer.write_table(table.cast(EVENTS_SCHEMA))


def write_faults(path: Path, rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["source_table", "file", "line_number", "fault_type", "detail"])
    frame = frame.sort_values(["source_table", "file", "line_number", "fault_type"], kind="stable")
    write_csv(path, frame)
    return frame


def write_summary(path: Path, summary: dict) -> None:
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
