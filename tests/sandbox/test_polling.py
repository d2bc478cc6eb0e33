"""Long polling: updates from people reach the bot, offsets confirm them, webhook excludes polling."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError

from sandbox import Sandbox
from sandbox.testing import make_bot


async def test_get_updates_returns_what_a_user_sent(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan", language_code="vi")
    dm = sb.private_chat(lan)
    await lan.say(dm, "Đường bị sạt lở")

    updates = await bot.get_updates(timeout=0)

    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "Đường bị sạt lở"
    assert message.from_user is not None and message.from_user.language_code == "vi"
    assert message.chat.id == dm.id and message.message_id == 1


async def test_long_poll_waits_for_a_message_sent_later(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.wait_for(sb.emulator.updates.polling.wait(), 5)

    await lan.say(dm, "Có ai không?")
    updates = await asyncio.wait_for(poll, 5)

    assert [u.message.text for u in updates if u.message] == ["Có ai không?"]


async def test_long_poll_without_updates_waits_the_timeout(sb: Sandbox, bot: Bot) -> None:
    started = time.monotonic()
    updates = await bot.get_updates(timeout=1)
    assert updates == []
    assert time.monotonic() - started >= 0.9


async def test_offset_confirms_earlier_updates(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    for text in ("một", "hai", "ba"):
        await lan.say(dm, text)

    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["một", "hai"]
    again = await bot.get_updates()
    assert len(again) == 3, "without an offset nothing is confirmed"

    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["ba"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []


async def test_allowed_updates_filters_new_updates(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []

    await lan.say(dm, "bị lọc")

    assert await bot.get_updates() == []


async def test_get_updates_conflicts_with_an_active_webhook(sb: Sandbox, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_a_second_poller_terminates_the_first(sb: Sandbox, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.wait_for(sb.emulator.updates.polling.wait(), 5)
    second_bot = make_bot(sb)
    try:
        second = asyncio.create_task(second_bot.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        assert await second == []
    finally:
        await second_bot.session.close()


async def test_people_edit_their_messages(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    sent = await lan.say(dm, "Đường hỏng ở thôn 3")
    await lan.edit(sent, "Đường hỏng ở thôn 2")
    updates = await bot.get_updates()
    assert updates[-1].edited_message is not None
    assert updates[-1].edited_message.text == "Đường hỏng ở thôn 2"
    assert updates[-1].edited_message.message_id == sent["message_id"]
