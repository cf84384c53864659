"""Local time: UTC offsets of the home countries, the day's rhythm, and timestamp formatting helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from orchestration.simulator.config import DAY_MS, HOUR_MS, Window
from orchestration.simulator.reference_people import COUNTRIES

# Relative traffic by local hour: quiet nights, a lunch bump, the evening peak on the sofa.
DIURNAL = np.array(
    [
        0.8,
        0.4,
        0.25,
        0.2,
        0.2,
        0.3,
        0.8,
        1.5,
        2.2,
        2.6,
        2.8,
        3.0,
        3.4,
        3.2,
        2.9,
        2.8,
        2.9,
        3.2,
        3.8,
        4.5,
        5.0,
        4.8,
        3.6,
        2.0,
    ]
)
_MARGIN_HOURS = 48


class OffsetTable:
    """UTC offset (minutes) per home country and UTC hour, from the real tz database (DST included)."""

    def __init__(self, window: Window):
        self.first_ms = window.start_ms - _MARGIN_HOURS * HOUR_MS
        n_hours = window.n_hours + 2 * _MARGIN_HOURS
        self.minutes = np.zeros((len(COUNTRIES), n_hours), dtype=np.int64)
        for c, country in enumerate(COUNTRIES):
            zone = ZoneInfo(country.timezone)
            for h in range(n_hours):
                instant = datetime.fromtimestamp((self.first_ms + h * HOUR_MS) / 1000, UTC)
                self.minutes[c, h] = int(instant.astimezone(zone).utcoffset().total_seconds() // 60)

    def offset_minutes(self, country: np.ndarray, t_ms: np.ndarray) -> np.ndarray:
        hour = np.clip((t_ms - self.first_ms) // HOUR_MS, 0, self.minutes.shape[1] - 1)
        return self.minutes[country, hour]


def diurnal_times(
    rng: np.random.Generator, t_ms: np.ndarray, country: np.ndarray, offsets: OffsetTable
) -> np.ndarray:
    """Move each instant to a random local time of day on its local date, following the day's rhythm."""
    offset_ms = offsets.offset_minutes(country, t_ms) * 60_000
    local_day = (t_ms + offset_ms) // DAY_MS
    hour = rng.choice(24, size=len(t_ms), p=DIURNAL / DIURNAL.sum())
    within = (rng.random(len(t_ms)) * HOUR_MS).astype(np.int64)
    return local_day * DAY_MS + hour * HOUR_MS + within - offset_ms


def offset_suffix(minutes: int) -> str:
    """``+01:00`` style offset for ISO 8601 timestamps."""
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso_seconds(t_ms: np.ndarray, offset_minutes: np.ndarray | None = None) -> np.ndarray:
    """``YYYY-MM-DDTHH:MM:SS+00:00`` strings (vectorized); with offsets, the same instant in local time."""
    t_ms = np.asarray(t_ms, dtype=np.int64)
    if offset_minutes is None:
        offset_minutes = np.zeros(len(t_ms), dtype=np.int64)
    local = (t_ms // 1000 + offset_minutes * 60).astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="s").astype(object)
    unique, inverse = np.unique(offset_minutes, return_inverse=True)
    suffixes = np.array([offset_suffix(int(m)) for m in unique], dtype=object)
    return text + suffixes[inverse]
