"""The one place tailor reads its environment.

Every path tailor writes lives under ``TAILOR_HOME`` (default: ``.tailor/`` in the checkout, which git
ignores). The DuckDB file path is also read by ``dbt_project/profiles.yml`` through ``TAILOR_DUCKDB_PATH``,
which :func:`load_settings` derives and exports so dbt and Dagster always agree on one file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"  # written by `tailor parse` and every dbt run


@dataclass(frozen=True)
class EmailSettings:
    """What rendered emails and test sends need: sender, links, legal footer, SMTP server."""

    sender: str = "tailor demo <news@example.com>"
    company_name: str = "Example Outfitters Ltd"
    company_address: str = "1 Example Street, 10115 Berlin, Germany"
    unsubscribe_base_url: str = "https://example.com/unsubscribe"
    preferences_url: str = "https://example.com/preferences"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)


def load_email_settings(env: Mapping[str, str]) -> EmailSettings:
    defaults = EmailSettings()
    security = (env.get("TAILOR_SMTP_SECURITY") or defaults.smtp_security).lower()
    if security not in ("none", "starttls", "ssl"):
        raise ValueError(f"TAILOR_SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
    return EmailSettings(
        sender=env.get("TAILOR_MAIL_FROM") or defaults.sender,
        company_name=env.get("TAILOR_COMPANY_NAME") or defaults.company_name,
        company_address=env.get("TAILOR_COMPANY_ADDRESS") or defaults.company_address,
        unsubscribe_base_url=env.get("TAILOR_UNSUBSCRIBE_BASE_URL") or defaults.unsubscribe_base_url,
        preferences_url=env.get("TAILOR_PREFERENCES_URL") or defaults.preferences_url,
        smtp_host=env.get("TAILOR_SMTP_HOST") or defaults.smtp_host,
        smtp_port=int(env.get("TAILOR_SMTP_PORT") or (465 if security == "ssl" else defaults.smtp_port)),
        smtp_security=security,
        smtp_user=env.get("TAILOR_SMTP_USER") or None,
        smtp_password=env.get("TAILOR_SMTP_PASSWORD") or None,
    )


@dataclass(frozen=True)
class ScheduleSettings:
    """When the hourly and nightly jobs run (orchestration/defs/schedules.py, docs/orchestration.md)."""

    # First daily partition (a day in ``timezone``); files that landed before it belong to it.
    # Default: the simulator's start date.
    partitions_start: date = date(2026, 11, 1)
    timezone: str = "UTC"  # the schedules' clock and the landing days' time zone (IANA name)
    hourly_minute: int = 10  # the hourly run starts at this minute, for the hour that just ended
    nightly_time: str = "02:00"  # local time (``timezone``) of the nightly run
    nightly_days: int = 0  # the nightly run rebuilds this many days back; 0: the whole history
    sensor_interval_seconds: int = 60  # how often the new-file sensor looks at the landing folder
    sensor_settle_seconds: int = 120  # a new file must be this old before it starts a run (still copying?)
    sensor_horizon_hours: int = 48  # the sensor watches hours this recent; older ones: nightly or a backfill


def load_schedule_settings(env: Mapping[str, str]) -> ScheduleSettings:
    defaults = ScheduleSettings()
    start_text = env.get("TAILOR_PARTITIONS_START")
    start = date.fromisoformat(start_text) if start_text else defaults.partitions_start
    timezone = env.get("TAILOR_SCHEDULE_TIMEZONE") or defaults.timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"TAILOR_SCHEDULE_TIMEZONE {timezone!r} is not an IANA time zone") from error
    nightly_time = env.get("TAILOR_NIGHTLY_TIME") or defaults.nightly_time
    hour, _, minute = nightly_time.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ValueError(f"TAILOR_NIGHTLY_TIME must be HH:MM, not {nightly_time!r}")
    hourly_minute = int(env.get("TAILOR_HOURLY_MINUTE") or defaults.hourly_minute)
    if not 0 <= hourly_minute < 60:
        raise ValueError(f"TAILOR_HOURLY_MINUTE must be 0-59, not {hourly_minute}")
    return ScheduleSettings(
        partitions_start=start,
        timezone=timezone,
        hourly_minute=hourly_minute,
        nightly_time=f"{int(hour):02d}:{int(minute):02d}",
        nightly_days=int(env.get("TAILOR_NIGHTLY_DAYS") or defaults.nightly_days),
        sensor_interval_seconds=int(
            env.get("TAILOR_SENSOR_INTERVAL_SECONDS") or defaults.sensor_interval_seconds
        ),
        sensor_settle_seconds=int(env.get("TAILOR_SENSOR_SETTLE_SECONDS") or defaults.sensor_settle_seconds),
        sensor_horizon_hours=int(env.get("TAILOR_SENSOR_HORIZON_HOURS") or defaults.sensor_horizon_hours),
    )


@dataclass(frozen=True)
class Settings:
    home: Path
    duckdb_path: Path
    landing_dir: Path
    truth_dir: Path
    output_dir: Path
    dagster_home: Path  # DAGSTER_HOME: the Dagster instance (runs, schedules, pools) of this TAILOR_HOME
    is_dagster_dev: bool = False  # set by `dagster dev` (DAGSTER_IS_DEV_CLI): re-parse dbt on code reload
    email: EmailSettings = field(default_factory=EmailSettings)
    schedules: ScheduleSettings = field(default_factory=ScheduleSettings)

    def export_for_subprocesses(self) -> None:
        """dbt reads the DuckDB path from the environment (profiles.yml ``env_var``)."""
        os.environ["TAILOR_HOME"] = str(self.home)
        os.environ["TAILOR_DUCKDB_PATH"] = str(self.duckdb_path)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("TAILOR_HOME") or REPO_ROOT / ".tailor").expanduser().resolve()
    duckdb_path = Path(env.get("TAILOR_DUCKDB_PATH") or home / "warehouse.duckdb").expanduser().resolve()
    return Settings(
        home=home,
        duckdb_path=duckdb_path,
        landing_dir=Path(env.get("TAILOR_LANDING_DIR") or home / "landing").expanduser().resolve(),
        truth_dir=Path(env.get("TAILOR_TRUTH_DIR") or home / "ground_truth").expanduser().resolve(),
        output_dir=Path(env.get("TAILOR_OUTPUT_DIR") or home / "outputs").expanduser().resolve(),
        dagster_home=Path(env.get("DAGSTER_HOME") or home / "dagster").expanduser().resolve(),
        is_dagster_dev=bool(env.get("DAGSTER_IS_DEV_CLI")),
        email=load_email_settings(env),
        schedules=load_schedule_settings(env),
    )
