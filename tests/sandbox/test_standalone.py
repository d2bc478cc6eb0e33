"""`python -m sandbox` and its JSON control API."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from sandbox import Sandbox
from sandbox.testing import make_bot

REPO = Path(__file__).resolve().parents[2]


async def test_standalone_prints_its_base_url_and_answers() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        "--token",
        "42:XYZ",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        base_url = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base_url}/bot42:XYZ/getMe") as resp:
                assert (await resp.json())["result"]["username"] == "doithoai_bot"
            async with http.post(f"{base_url}/sandbox/users", json={"first_name": "Lan"}) as resp:
                assert (await resp.json())["user"]["first_name"] == "Lan"
    finally:
        proc.terminate()
        await proc.wait()


async def test_control_api_lets_a_person_talk_to_the_bot() -> None:
    async with Sandbox.start(token="7:CTL", bot_username="doithoai_bot", control_api=True) as sb:
        bot = make_bot(sb)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.post(f"{sb.base_url}/sandbox/users", json={"first_name": "Lan"}) as resp:
                    created = await resp.json()
                chat_id, user_id = created["private_chat_id"], created["user"]["id"]
                async with http.post(
                    f"{sb.base_url}/sandbox/messages",
                    json={"user_id": user_id, "chat_id": chat_id, "text": "xin chào"},
                ) as resp:
                    assert resp.status == 200
                updates = await bot.get_updates()
                assert updates[0].message is not None and updates[0].message.text == "xin chào"
                await bot.send_message(chat_id, "chào Lan")
                async with http.get(f"{sb.base_url}/sandbox/chats/{chat_id}/messages") as resp:
                    history = (await resp.json())["messages"]
                assert [m["text"] for m in history] == ["xin chào", "chào Lan"]
                async with http.post(
                    f"{sb.base_url}/sandbox/messages", json={"user_id": 1, "chat_id": chat_id}
                ) as resp:
                    assert resp.status == 400
        finally:
            await bot.session.close()
        assert not sb.violations
