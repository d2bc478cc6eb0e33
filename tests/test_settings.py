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
