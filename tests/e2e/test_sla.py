"""Deadlines end to end: a reminder in the unit's chat, then escalation to the province, which answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import Application
from bot.cli import main
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.sla import SlaSweeper
from sandbox.driver import Sandbox
from storage.database import Database
from tests.e2e.harness import WAIT, World, text_of

LANDSLIDE = (
    "Đường liên xã qua xã Hội Sơn, huyện Anh Sơn bị sạt lở một đoạn dài, xe máy vẫn đi qua rất nguy hiểm."
)


async def test_reminder_escalation_and_the_parent_answers(
    sb: Sandbox, world: World, app: Application, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.lan.say(world.dm_lan, LANDSLIDE)
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "#1" in text_of(c), timeout=WAIT
    )
    async with app.core.unit_of_work() as work:
        ticket = await work.tickets.get(1)
        assert ticket is not None and ticket.forwarded_at is not None and ticket.answer_due is not None
        assert ticket.urgent
        assert app.core.calendar.between(ticket.forwarded_at, ticket.answer_due) == timedelta(hours=4)
        due = ticket.answer_due
        remind_at = app.core.sla_policy.reminder_due(ticket.forwarded_at, due)

    mark = sb.mark()
    report = await SlaSweeper(app.core, app.services.forwarding).run(remind_at)
    assert report.reminders == 1
    reminder = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, since=mark, where=lambda c: "⏰" in text_of(c), timeout=WAIT
    )
    local_due = due.astimezone(app.settings.tz)
    assert text_of(reminder) == (
        f"⏰ Phản ánh #1: còn 1 giờ làm việc đến hạn trả lời (hạn {local_due:%d/%m %H:%M})."
    )

    # The overdue sweep runs from the command line, as operations would; the running bot delivers.
    monkeypatch.setenv("DATABASE_URL", database_url)
    mark = sb.mark()
    assert await asyncio.to_thread(main, ["jobs", "run", "sla", "--now", due.isoformat()]) == 0
    card = await sb.wait_for(
        "sendMessage",
        chat=world.province_staff,
        since=mark,
        where=lambda c: "Quá hạn" in text_of(c),
        timeout=WAIT,
    )
    assert "Quá hạn trả lời:</b> phản ánh #1 của UBND xã Vĩnh Tường, hạn " in text_of(card)
    assert "KHẨN CẤP" in text_of(card), "the usual card follows"
    await sb.wait_for("copyMessage", chat=world.province_staff, since=mark, timeout=WAIT)
    notice = await sb.wait_for(
        "sendMessage",
        chat=world.commune_staff,
        since=mark,
        where=lambda c: "đã quá hạn" in text_of(c),
        timeout=WAIT,
    )
    assert text_of(notice).startswith("⚠️ Phản ánh #1 đã quá hạn trả lời (hạn ")
    assert text_of(notice).endswith("Đã báo lên UBND tỉnh Nghệ An.")

    # Another sweeper on the same database (a restart, or a second instance) has nothing left to send.
    other = Database(database_url)
    try:
        core = Core(other, app.core.tagger, app.settings)
        again = await SlaSweeper(core, Forwarding(core)).run(due + timedelta(minutes=1))
    finally:
        await other.close()
    assert (again.reminders, again.overdue, again.escalations) == (0, 0, 0)

    await world.province_cadre.reply(
        world.province_staff, to=card.result, text="Tỉnh đã chỉ đạo xã xử lý ngay."
    )
    answer = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c), timeout=WAIT
    )
    assert "Trả lời phản ánh #1 — UBND tỉnh Nghệ An:" in text_of(answer)
    assert "chỉ đạo xã xử lý ngay" in text_of(answer)
