"""Settings from environment variables (names are part of the contract; `.env.example` documents them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_API_BASE = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/doithoai.sqlite3"
LANGUAGES = ("vi", "en")
DEFAULT_DIGEST_CRON = "30 7 * * 1"
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the message says which and why."""


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError as error:
            raise SettingsError(f"ADMIN_IDS: {part!r} is not a Telegram user id") from error
    return frozenset(ids)


def parse_cron(text: str) -> dict[str, str]:
    """A 5-field crontab ("30 7 * * 1") as APScheduler cron fields; SettingsError when it is not one.

    Days of the week are crontab's (0 or 7 Sunday, 1 Monday), written as names for APScheduler, whose
    numbers start at Monday = 0 (``CronTrigger.from_crontab`` would fire "1" on Tuesdays)."""
    from apscheduler.triggers.cron import CronTrigger

    parts = text.split()
    if len(parts) != len(CRON_FIELDS):
        raise SettingsError(
            f"DIGEST_CRON: {text!r} is not a crontab of 5 fields (minute hour day month weekday), e.g. 30 7 * * 1"
        )
    fields = dict(zip(CRON_FIELDS, parts, strict=True))
    fields["day_of_week"] = _weekdays(fields["day_of_week"], text)
    try:
        CronTrigger(**fields)
    except ValueError as error:
        raise SettingsError(f"DIGEST_CRON: {text!r}: {error}") from error
    return fields


def _weekdays(field_text: str, whole: str) -> str:
    """A crontab weekday field ("1", "1-5", "*/2", "mon,fri") as APScheduler names ("mon", "mon,tue,…")."""
    if field_text == "*":
        return "*"
    days: set[int] = set()
    for item in field_text.lower().split(","):
        spec, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if spec == "*":
                first, last = 0, 6
            else:
                low, _, high = spec.partition("-")
                first = _weekday(low)
                last = _weekday(high) if high else (6 if step_text else first)
                if last == 0 and high:  # "5-7" or "5-0": through Sunday
                    last = 7
        except ValueError:
            raise SettingsError(f"DIGEST_CRON: {whole!r}: cannot read the weekday {item!r}") from None
        if step < 1 or last < first:
            raise SettingsError(f"DIGEST_CRON: {whole!r}: cannot read the weekday {item!r}")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_WEEKDAYS[day] for day in sorted(days, key=lambda day: (day + 6) % 7))


def _weekday(token: str) -> int:
    if token in _WEEKDAYS:
        return _WEEKDAYS.index(token)
    number = int(token)
    if not 0 <= number <= 7:
        raise ValueError(token)
    return number


def load_dotenv(path: Path = Path(".env")) -> None:
    """Put ``KEY=VALUE`` lines of ``path`` into the environment; variables already set win."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(key.removeprefix("export ").strip(), value)


OfficeHours = tuple[tuple[time, time], ...]
DEFAULT_OFFICE_HOURS = "07:30-11:30,13:30-17:00"


def parse_office_hours(raw: str) -> OfficeHours:
    """``"07:30-11:30,13:30-17:00"`` → ordered, non-overlapping (start, end) periods of a working day."""
    periods: list[tuple[time, time]] = []
    for part in raw.split(","):
        try:
            start_text, end_text = part.strip().split("-")
            start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        except ValueError as error:
            raise SettingsError(f"OFFICE_HOURS: {part.strip()!r} is not like 07:30-11:30") from error
        if start >= end or (periods and start < periods[-1][1]):
            raise SettingsError(f"OFFICE_HOURS: periods must be in order and not overlap ({raw!r})")
        periods.append((start, end))
    return tuple(periods)


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    telegram_api_base: str = DEFAULT_API_BASE
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    redis_url: str | None = None
    office_hours: OfficeHours = field(default_factory=lambda: parse_office_hours(DEFAULT_OFFICE_HOURS))
    digest_cron: str = DEFAULT_DIGEST_CRON
    """When the weekly digest goes out: a 5-field crontab in ``timezone`` (``parse_cron``)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        language = env.get("DEFAULT_LANGUAGE", "vi").strip() or "vi"
        if language not in LANGUAGES:
            raise SettingsError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}")
        timezone = env.get("TIMEZONE", "Asia/Ho_Chi_Minh").strip() or "Asia/Ho_Chi_Minh"
        try:
            ZoneInfo(timezone)
        except (KeyError, ValueError) as error:
            raise SettingsError(f"TIMEZONE: unknown time zone {timezone!r}") from error
        digest_cron = " ".join(env.get("DIGEST_CRON", "").split()) or DEFAULT_DIGEST_CRON
        parse_cron(digest_cron)
        return cls(
            bot_token=env.get("BOT_TOKEN", "").strip() or None,
            telegram_api_base=(env.get("TELEGRAM_API_BASE", "").strip() or DEFAULT_API_BASE).rstrip("/"),
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
            default_language=language,
            timezone=timezone,
            log_level=(env.get("LOG_LEVEL", "INFO").strip() or "INFO").upper(),
            redis_url=env.get("REDIS_URL", "").strip() or None,
            office_hours=parse_office_hours(env.get("OFFICE_HOURS", "").strip() or DEFAULT_OFFICE_HOURS),
            digest_cron=digest_cron,
        )
