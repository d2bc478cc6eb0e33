"""``doithoai digest`` end to end through ``bot.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.digest.history import CITIZEN_NAME


@pytest.fixture
def url(digest_history_url: str) -> str:
    return digest_history_url


def test_json_of_a_commune_for_a_week(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--scope", "xa-a", "--week", "2026-W47", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scope"] == "xa-a" and data["period"]["week"] == "2026-W47"
    assert (data["received"], data["answered"], data["resolved"], data["open"], data["overdue"]) == (
        3,
        1,
        1,
        3,
        1,
    )
    # #6 answered on 19/11, due 20/11; #9 due 16/11, never answered
    assert (data["due"], data["on_time"], data["on_time_rate"]) == (2, 1, 0.5)
    assert [unit["id"] for unit in data["units"]] == ["xa-a", "xa-a-ca"]


def test_text_for_everything_over_dates_to_a_file(url: str, tmp_path: Path) -> None:
    out = tmp_path / "digest.html"
    args = ["digest", "--from", "2026-11-23", "--to", "2026-11-29", "--lang", "en", "--out", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        "<b>📊 Weekly digest 23/11/2026 – 29/11/2026</b>\nScope: all units\n"
    )  # a Monday-Sunday range is a week
    assert "📥 Received: 7 (+4)" in text and CITIZEN_NAME not in text


def test_text_names_the_unit(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--scope", "xa-b", "--week", "2026-W48"]) == 0
    text = capsys.readouterr().out
    assert "Phạm vi: UBND Xã B và các đơn vị trực thuộc" in text and "📥 Tiếp nhận: 2 (+2)" in text


def test_bad_arguments(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--scope", "nowhere", "--week", "2026-W48"]) == 2
    assert "unknown unit 'nowhere'" in capsys.readouterr().err
    assert main(["digest", "--week", "2025-W53"]) == 2
    assert "not a week of 2025" in capsys.readouterr().err
    assert main(["digest", "--week", "2026-W48", "--from", "2026-11-01", "--to", "2026-11-02"]) == 2
    assert main(["digest", "--from", "2026-11-01"]) == 2
    assert "--from and --to go together" in capsys.readouterr().err
