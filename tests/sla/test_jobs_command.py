"""``doithoai jobs run sla --now …`` through the real command line, against the test database."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from storage.database import Database
from tests.sla.helpers import COMMUNE_CHAT, PROVINCE_CHAT, at, make_env, setup_env


def _prepare(url: str) -> int:
    async def run() -> int:
        db = Database(url)
        try:
            env = await setup_env(db, at("2026-12-01 09:00"))
            return await env.ticket(when=at("2026-12-01 09:00"))
        finally:
            await db.close()

    return asyncio.run(run())


def _texts(url: str, chat_id: int) -> list[str]:
    async def run() -> list[str]:
        db = Database(url)
        try:
            return await make_env(db, at("2026-12-01 09:00")).texts(chat_id)
        finally:
            await db.close()

    return asyncio.run(run())


def test_jobs_run_sla_sweeps_as_of_the_given_time(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket_id = _prepare(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["jobs", "run", "sla", "--now", "2026-12-04T17:00:00+07:00"]) == 0
    assert "reminders 1" in capsys.readouterr().out
    assert main(["jobs", "run", "sla", "--now", "2026-12-04T17:00:00+07:00"]) == 0
    assert "reminders 0" in capsys.readouterr().out
    assert main(["jobs", "run", "sla", "--now", "2026-12-08T02:00:00Z"]) == 0
    assert "escalations 1" in capsys.readouterr().out

    commune = _texts(database_url, COMMUNE_CHAT)
    assert sum(f"⏰ Phản ánh #{ticket_id}: còn" in text for text in commune) == 1
    assert any(
        f"phản ánh #{ticket_id} của UBND xã Vĩnh Tường" in text
        for text in _texts(database_url, PROVINCE_CHAT)
    )


def test_a_time_without_offset_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["jobs", "run", "sla", "--now", "2026-12-01T09:00:00"])
    assert exit_info.value.code == 2
    assert "no UTC offset" in capsys.readouterr().err
