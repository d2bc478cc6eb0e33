from pathlib import Path

import pytest

from config.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_dotenv


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings.from_env({})
    assert settings.bot_token is None
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.default_language == "vi" and settings.timezone == "Asia/Ho_Chi_Minh"


def test_admin_ids_are_parsed_and_bad_values_are_refused() -> None:
    assert Settings.from_env({"ADMIN_IDS": "9001, 9002,"}).admin_ids == {9001, 9002}
    with pytest.raises(SettingsError, match="ADMIN_IDS"):
        Settings.from_env({"ADMIN_IDS": "9001,abc"})
    with pytest.raises(SettingsError, match="DEFAULT_LANGUAGE"):
        Settings.from_env({"DEFAULT_LANGUAGE": "fr"})
    with pytest.raises(SettingsError, match="TIMEZONE"):
        Settings.from_env({"TIMEZONE": "Mars/Olympus"})


def test_dotenv_fills_what_the_environment_does_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text('# comment\nBOT_TOKEN="1:abc"\nLOG_LEVEL=debug\n', encoding="utf-8")
    monkeypatch.setenv("BOT_TOKEN", "")  # recorded, so the value loaded below is undone after the test
    monkeypatch.delenv("BOT_TOKEN")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    load_dotenv(env)
    settings = Settings.from_env()
    assert settings.bot_token == "1:abc"
    assert settings.log_level == "WARNING"


def test_office_hours_are_configurable_and_checked() -> None:
    from datetime import time

    settings = Settings.from_env({"OFFICE_HOURS": "08:00-12:00, 13:00-17:30"})
    assert settings.office_hours == ((time(8), time(12)), (time(13), time(17, 30)))
    assert Settings.from_env({}).office_hours == ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
    for bad in ("8h-12h", "13:00-12:00", "08:00-12:00,11:00-17:00"):
        with pytest.raises(SettingsError, match="OFFICE_HOURS"):
            Settings.from_env({"OFFICE_HOURS": bad})


def test_deadlines_follow_the_configured_office_hours(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.services.base import Core
    from bot.tagging import get_tagger
    from storage.database import Database

    settings = Settings.from_env({"OFFICE_HOURS": "08:00-12:00,13:00-17:00"})
    core = Core(Database(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"), get_tagger(), settings)
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    monday = datetime(2026, 12, 7, 7, 45, tzinfo=local)
    assert not core.calendar.is_working_time(monday)
    assert core.calendar.is_working_time(monday.replace(hour=12, minute=30)) is False
    assert core.calendar.is_working_time(monday.replace(hour=16, minute=45))
    assert core.calendar.is_working_time(monday.replace(hour=17, minute=15)) is False
