"""``doithoai org import/export`` and ``doithoai db upgrade`` end to end, through ``bot.cli.main``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from storage.database import Database
from tests.org.conftest import org_state


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    async def read() -> dict[str, list[tuple[Any, ...]]]:
        database = Database(url)
        try:
            return await org_state(database)
        finally:
            await database.close()

    return asyncio.run(read())


@pytest.fixture
def url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("ADMIN_IDS", raising=False)
    return database_url


@pytest.fixture
def example_file(tmp_path: Path, example: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(example, encoding="utf-8")
    return path


def test_import_then_reimport(url: str, example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org", "import", str(example_file)]) == 0
    first = capsys.readouterr().out
    state = snapshot(url)

    assert main(["org", "import", str(example_file)]) == 0
    second = capsys.readouterr().out

    assert "units: 3 created, 0 updated, 0 unchanged" in first
    assert "officials: 3 added, 0 removed" in first
    assert "routes: 3 created, 0 updated" in first
    assert "groups: 1 created, 0 updated" in first
    assert "units: 0 created, 0 updated, 3 unchanged" in second
    assert "nothing changed" in second
    assert snapshot(url) == state
    assert len(state["units"]) == 3


def test_a_bad_file_is_rejected_whole(
    url: str, example_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["org", "import", str(example_file)]) == 0
    before = snapshot(url)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "admins: []\n"
        "units:\n"
        "  - {id: new-unit, name: New, locality: 40, officials: [1]}\n"
        "  - {id: nghe-an, name: N, locality: 40, parent: vinh-tuong}\n"
        "routes:\n"
        "  - {locality: 17357, topic: water, unit: nowhere}\n",
        encoding="utf-8",
    )
    capsys.readouterr()

    code = main(["org", "import", str(bad)])
    err = capsys.readouterr().err.splitlines()

    assert code == 1
    assert err == [
        f'{bad}:4: unit "nghe-an": parents form a cycle: nghe-an → vinh-tuong → nghe-an',
        f'{bad}:6: route #1: unit "nowhere" is not defined',
        "doithoai org import: 2 problem(s) found; nothing was changed",
    ]
    assert snapshot(url) == before


def test_export_to_stdout_and_to_a_file(
    url: str, example_file: Path, example: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["org", "import", str(example_file)]) == 0
    capsys.readouterr()
    out = tmp_path / "exported.yaml"

    assert main(["org", "export"]) == 0
    assert capsys.readouterr().out == example
    assert main(["org", "export", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == example


def test_export_of_an_empty_database(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org", "export"]) == 0
    assert capsys.readouterr().out == "admins: []\nunits: []\nroutes: []\ngroups: []\n"


def test_a_missing_file_is_an_error(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org", "import", str(tmp_path / "absent.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_db_upgrade_creates_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}")

    assert main(["db", "upgrade"]) == 0
    assert "database is up to date" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["org", "import", str(example_file)]) == 0
