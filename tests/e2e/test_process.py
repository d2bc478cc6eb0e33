"""The real `doithoai run` process: it starts, serves, and stops gracefully on SIGTERM and SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from sandbox.driver import Sandbox
from tests.e2e.harness import WAIT, text_of


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_the_bot_process_serves_then_stops_gracefully(
    sb: Sandbox, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    env = os.environ | {
        "BOT_TOKEN": sb.token,
        "TELEGRAM_API_BASE": sb.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await sb.wait_for("getMe", timeout=3 * WAIT, since=0)
        citizen = sb.user("Hoa", language_code="vi")
        await citizen.say(sb.private_chat(citizen), "Xin hỏi giờ làm việc của bộ phận một cửa xã?")
        ack = await sb.wait_for("sendMessage", chat=sb.private_chat(citizen), timeout=WAIT)
        assert "#1" in text_of(ack)
        process.send_signal(stop_signal)
        output, _ = await asyncio.wait_for(process.communicate(), 3 * WAIT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    log = output.decode()
    assert "bot.app: stopped" in log
    assert "Xin hỏi giờ làm việc" not in log, "logs carry ids, never message texts"
