"""Settings from environment variables (names are part of the contract; `.env.example` documents them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_API_BASE = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/doithoai.sqlite3"
LANGUAGES = ("vi", "en")


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
        return cls(
            bot_token=env.get("BOT_TOKEN", "").strip() or None,
            telegram_api_base=(env.get("TELEGRAM_API_BASE", "").strip() or DEFAULT_API_BASE).rstrip("/"),
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
            default_language=language,
            timezone=timezone,
            log_level=(env.get("LOG_LEVEL", "INFO").strip() or "INFO").upper(),
            redis_url=env.get("REDIS_URL", "").strip() or None,
        )
