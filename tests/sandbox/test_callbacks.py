"""Pressing inline buttons and answering the callback query."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import Sandbox, SandboxUsageError

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
MARKUP = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Đổi chủ đề", callback_data="topic:change"),
            InlineKeyboardButton(text="Trang web", url="https://example.org"),
        ]
    ]
)


async def test_press_delivers_the_query_and_it_is_answered_once(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    sent = await bot.send_message(dm.id, "Chủ đề: giao thông", reply_markup=MARKUP)

    query = await lan.press(sb.message(dm, sent.message_id), "Đổi chủ đề")

    updates = await bot.get_updates()
    callback = updates[-1].callback_query
    assert callback is not None and callback.data == "topic:change" and callback.from_user.id == lan.id
    assert callback.message is not None and callback.message.message_id == sent.message_id
    assert await bot.answer_callback_query(callback.id, text="Đã đổi")
    assert sb.callback_answer(query) == {"text": "Đã đổi"}
    with pytest.raises(TelegramBadRequest, match=TOO_OLD):
        await bot.answer_callback_query(callback.id)


async def test_unknown_and_expired_queries(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    sent = await bot.send_message(dm.id, "?", reply_markup=MARKUP)
    with pytest.raises(TelegramBadRequest, match=TOO_OLD):
        await bot.answer_callback_query("1234567890")

    sb.emulator.callback_lifetime = 0.0
    query = await lan.press(sb.message(dm, sent.message_id), callback_data="topic:change")
    with pytest.raises(TelegramBadRequest, match=TOO_OLD):
        await bot.answer_callback_query(query["id"])


async def test_press_uses_the_current_keyboard(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    sent = await bot.send_message(dm.id, "?", reply_markup=MARKUP)
    await bot.edit_message_reply_markup(chat_id=dm.id, message_id=sent.message_id, reply_markup=None)
    with pytest.raises(SandboxUsageError, match="no button"):
        await lan.press(sb.message(dm, sent.message_id), "Đổi chủ đề")
