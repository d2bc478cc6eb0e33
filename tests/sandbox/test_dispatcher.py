"""An aiogram Dispatcher polling the sandbox, as the real bot will."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox import Sandbox


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Đổi chủ đề", callback_data="change")]]
    )

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Chào bạn! Hãy gửi phản ánh.", reply_markup=markup)

    @dp.message(F.text)
    async def report(message: Message) -> None:
        await message.reply(f"Đã nhận phản ánh #{message.message_id}")

    @dp.callback_query(F.data == "change")
    async def change(query: CallbackQuery) -> None:
        await query.answer("Đã đổi")

    return dp


@pytest.fixture
async def polling(sb: Sandbox, bot: Bot) -> AsyncIterator[Dispatcher]:
    dp = build_dispatcher()
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    yield dp
    await dp.stop_polling()
    await asyncio.wait_for(task, 10)


async def test_conversation_through_a_polling_dispatcher(sb: Sandbox, polling: Dispatcher) -> None:
    lan = sb.user("Lan", language_code="vi")
    dm = sb.private_chat(lan)

    await lan.say(dm, "/start")
    welcome = await sb.wait_for("sendMessage", chat=dm, timeout=5)
    assert welcome.message["text"].startswith("Chào bạn")

    report = await lan.say(dm, "Đường bị sạt lở")
    reply = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "#" in c.params["text"], timeout=5)
    assert reply.message["reply_to_message"]["message_id"] == report["message_id"]

    query = await lan.press(welcome.message, "Đổi chủ đề")
    await sb.wait_for("answerCallbackQuery", timeout=5)
    assert sb.callback_answer(query) == {"text": "Đã đổi"}
    assert len(sb.calls_to("sendMessage", chat=dm)) == 2, "each message delivered exactly once"
