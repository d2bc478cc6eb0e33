"""Telegram's error answers, worded and coded as Telegram does, as aiogram sees them."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramUnauthorizedError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox import Sandbox
from sandbox.testing import make_bot


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Nút", callback_data=data)]])


async def test_unknown_chat(sb: Sandbox, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(424242, "xin chào")


async def test_reply_to_a_missing_message(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to be replied not found"):
        await bot.send_message(dm.id, "trả lời", reply_parameters=ReplyParameters(message_id=99))
    sent = await bot.send_message(
        dm.id, "vẫn gửi", reply_parameters=ReplyParameters(message_id=99, allow_sending_without_reply=True)
    )
    assert sent.reply_to_message is None


async def test_text_longer_than_4096(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    await bot.send_message(dm.id, "a" * 4096)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(dm.id, "a" * 4097)


async def test_blocked_by_the_user(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    lan.block_bot()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(dm.id, "còn đó không?")
    updates = await bot.get_updates()
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "kicked"


@pytest.mark.parametrize(("supergroup", "kind"), [(False, "group chat"), (True, "supergroup chat")])
async def test_bot_not_a_member(sb: Sandbox, bot: Bot, supergroup: bool, kind: str) -> None:
    group = sb.group("Thôn 2", supergroup=supergroup, bot_member=False)
    with pytest.raises(TelegramForbiddenError, match=f"Forbidden: bot is not a member of the {kind}$"):
        await bot.send_message(group.id, "xin chào")


async def test_topic_needs_rights(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=False)
    with pytest.raises(TelegramBadRequest, match="Bad Request: not enough rights to create a topic"):
        await bot.create_forum_topic(staff.id, "Nước sạch")


async def test_edit_delete_copy_missing_messages(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text(text="mới", chat_id=dm.id, message_id=7)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to delete not found"):
        await bot.delete_message(dm.id, 7)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to copy not found"):
        await bot.copy_message(dm.id, from_chat_id=dm.id, message_id=7)


async def test_wrong_file_identifier(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    with pytest.raises(TelegramBadRequest, match="Bad Request: wrong file identifier/HTTP URL specified"):
        await bot.send_photo(dm.id, "AgACAgIAAxkBAAI-no-such-file")
    with pytest.raises(TelegramBadRequest, match="Bad Request: wrong file identifier/HTTP URL specified"):
        await bot.get_file("AgACAgIAAxkBAAI-no-such-file")


async def test_caption_longer_than_1024(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    photo = BufferedInputFile(b"\xff\xd8 fake jpeg", "a.jpg")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(dm.id, photo, caption="c" * 1025)


async def test_callback_data_longer_than_64_bytes(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    await bot.send_message(dm.id, "ok", reply_markup=keyboard("đ" * 32))
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        await bot.send_message(dm.id, "quá dài", reply_markup=keyboard("đ" * 33))


async def test_edit_without_changes_is_not_modified(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sent = await bot.send_message(dm.id, "Trạng thái: mới", reply_markup=keyboard("s:1"))
    with pytest.raises(
        TelegramBadRequest, match="Bad Request: message is not modified: specified new message"
    ):
        await bot.edit_message_text(
            text="Trạng thái: mới", chat_id=dm.id, message_id=sent.message_id, reply_markup=keyboard("s:1")
        )
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=dm.id, message_id=sent.message_id, reply_markup=keyboard("s:1")
        )
    edited = await bot.edit_message_text(
        text="Trạng thái: đã xử lý", chat_id=dm.id, message_id=sent.message_id
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    assert sb.message(dm, sent.message_id)["text"] == "Trạng thái: đã xử lý"
    assert "reply_markup" not in sb.message(dm, sent.message_id), "editMessageText without markup removes it"


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
async def test_html_parse_errors(sb: Sandbox, bot: Bot, html: str, detail: str) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(dm.id, html, parse_mode="HTML")
    assert caught.value.message == f"Bad Request: can't parse entities: {detail}"


async def test_wrong_token_is_unauthorized(sb: Sandbox) -> None:
    intruder = make_bot(sb, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_unknown_method_is_not_found(sb: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sb.base_url}/bot{sb.token}/sendTelepathy", json={}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_bot_cannot_write_first_to_a_person(sb: Sandbox, bot: Bot) -> None:
    stranger = sb.user("Người lạ")
    with pytest.raises(
        TelegramForbiddenError, match="Forbidden: bot can't initiate conversation with a user"
    ):
        await bot.send_message(stranger.id, "xin chào")
