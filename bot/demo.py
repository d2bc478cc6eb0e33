"""The scripted demo `make run` plays when no BOT_TOKEN is set.

It starts the sandbox emulator, an organisation with one commune, and the real bot; a citizen writes in
her village group, the card reaches the commune's staff chat, an official answers, and the answer lands in
the group as a reply. Every step is printed as it happens.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.app import Application
from bot.org.loader import import_org
from config.settings import Settings
from sandbox.calls import Call
from sandbox.driver import ChatHandle, Sandbox
from storage.database import Database

DEMO_TOKEN = "100000:DEMO"
STEP_TIMEOUT = 20.0
QUESTION = "/hoi Đường vào thôn 2 bị sạt lở một đoạn, xe máy đi qua rất nguy hiểm. Bao giờ xã sửa ạ?"
ANSWER = "Xã đã cắm biển cảnh báo và rào chắn; đội công trình sẽ gia cố trong tuần này."

ORG = """
admins: []
units:
  - id: vinh-tuong
    name: "UBND xã Vĩnh Tường"
    locality: 17357
    staff_chat: {staff}
    officials: [{official}]
routes:
  - {{locality: 17357, topic: "*", unit: vinh-tuong}}
groups:
  - {{chat: {group}, locality: 17357, title: "Thôn 2 Hội Sơn"}}
"""

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class Narrator:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def say(self, who: str, where: str, text: str) -> None:
        body = "\n      ".join(plain(text).splitlines())
        print(f"\n[{where}] {who}:\n      {body}", file=self.out, flush=True)


async def _wait(
    sb: Sandbox, method: str, chat: ChatHandle, where: Callable[[Call], bool] | None = None
) -> Call:
    return await sb.wait_for(method, chat=chat, where=where, timeout=STEP_TIMEOUT)


async def play(sb: Sandbox, database_url: str, out: TextIO) -> None:
    narrator = Narrator(out)
    lan = sb.user("Lan", last_name="Nguyễn", language_code="vi")
    official = sb.user("Hùng", last_name="(cán bộ xã)", language_code="vi")
    village = sb.group("Thôn 2 Hội Sơn", members=[lan], privacy=False)
    staff = sb.group("Cán bộ UBND xã Vĩnh Tường", members=[official], bot_admin=True)
    database = Database(database_url)
    try:
        await database.upgrade()
        await import_org(database, ORG.format(staff=staff.id, official=official.id, group=village.id))
    finally:
        await database.close()

    app = Application(Settings(bot_token=sb.token, telegram_api_base=sb.base_url, database_url=database_url))
    polling = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        await asyncio.wait_for(app.started.wait(), STEP_TIMEOUT)
        narrator.say("Lan Nguyễn", village.title or "", QUESTION)
        await lan.say(village, QUESTION)
        ack = await _wait(sb, "sendMessage", village)
        narrator.say("Đối Thoại (bot)", village.title or "", ack.params["text"])
        card = await _wait(sb, "sendMessage", staff)
        narrator.say("Đối Thoại (bot)", staff.title or "", card.params["text"])
        await _wait(sb, "copyMessage", staff)
        narrator.say("Đối Thoại (bot)", staff.title or "", "(bản sao tin nhắn của công dân) " + QUESTION)
        narrator.say("Hùng (cán bộ xã), trả lời thẻ phản ánh", staff.title or "", ANSWER)
        await official.reply(staff, to=card.result, text=ANSWER)
        answer = await _wait(
            sb, "sendMessage", village, where=lambda call: ANSWER in call.params.get("text", "")
        )
        narrator.say("Đối Thoại (bot), trả lời tin của Lan", village.title or "", answer.params["text"])
        confirmation = await _wait(
            sb, "sendMessage", staff, where=lambda call: "✅" in call.params.get("text", "")
        )
        narrator.say("Đối Thoại (bot)", staff.title or "", confirmation.params["text"])
    finally:
        if app.started.is_set():
            await app.stop()
        await polling


async def run_demo(out: TextIO = sys.stdout) -> int:
    print("Đối Thoại — demo against the local sandbox emulator", file=out, flush=True)
    async with Sandbox.start(token=DEMO_TOKEN, bot_username="doithoai_demo_bot", bot_name="Đối Thoại") as sb:
        with tempfile.TemporaryDirectory(prefix="doithoai-demo-") as folder:
            await play(sb, f"sqlite+aiosqlite:///{Path(folder) / 'demo.sqlite3'}", out)
        if sb.violations:
            print(f"\nBot API contract violations: {sb.violations}", file=out)
            return 1
    print("\nDone: the answer reached the group as a reply to the citizen's question.", file=out, flush=True)
    return 0
