"""Messages as the bot and people see them: numbering, replies, formatting, copies, forwards, deletes."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand, LinkPreviewOptions, MessageEntity, ReplyParameters

from sandbox import Sandbox


async def test_each_chat_numbers_its_messages_from_one(sb: Sandbox, bot: Bot) -> None:
    lan, minh = sb.user("Lan"), sb.user("Minh")
    dm_lan, dm_minh = sb.private_chat(lan), sb.private_chat(minh)
    await lan.say(dm_lan, "một")
    first = await bot.send_message(dm_minh.id, "chào Minh")
    second = await bot.send_message(dm_lan.id, "chào Lan")
    assert (first.message_id, second.message_id) == (1, 2)


async def test_replies_embed_the_replied_message_one_level_deep(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    question = await lan.say(dm, "Khi nào sửa đường?")
    answer = await bot.send_message(
        dm.id, "Tuần sau", reply_parameters=ReplyParameters(message_id=question["message_id"])
    )
    thanks = await lan.reply(dm, to=sb.message(dm, answer.message_id), text="Cảm ơn")

    assert answer.reply_to_message is not None and answer.reply_to_message.text == "Khi nào sửa đường?"
    assert thanks["reply_to_message"]["message_id"] == answer.message_id
    assert "reply_to_message" not in thanks["reply_to_message"]


async def test_html_becomes_text_and_utf16_entities(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sent = await bot.send_message(
        dm.id,
        '😀 <b>Phản ánh #12</b> &amp; <a href="https://vd.vn/12">xem</a>',
        parse_mode="HTML",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        disable_notification=True,
    )
    assert sent.text == "😀 Phản ánh #12 & xem"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [
        ("bold", 3, 12),
        ("text_link", 18, 3),
    ]
    assert sent.link_preview_options is not None and sent.link_preview_options.is_disabled
    assert sb.calls[-1].params["disable_notification"] is True


async def test_people_see_commands_and_mentions_as_entities(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    await lan.say(dm, "/start abc")
    updates = await bot.get_updates()
    message = updates[0].message
    assert message is not None and message.entities is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]


async def test_copy_and_forward(sb: Sandbox, bot: Bot) -> None:
    lan, hung = sb.user("Lan"), sb.user("Hùng")
    dm = sb.private_chat(lan)
    staff = sb.group("Tổ nước", members=[hung])
    original = await lan.say(dm, "Nước đục")

    copied = await bot.copy_message(staff.id, from_chat_id=dm.id, message_id=original["message_id"])
    forwarded = await bot.forward_message(staff.id, from_chat_id=dm.id, message_id=original["message_id"])

    history = sb.messages_in(staff)
    assert history[0]["message_id"] == copied.message_id and history[0]["text"] == "Nước đục"
    assert "forward_origin" not in history[0]
    assert forwarded.forward_origin is not None and forwarded.text == "Nước đục"


async def test_delete_removes_from_history(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sent = await bot.send_message(dm.id, "nhầm")
    assert await bot.delete_message(dm.id, sent.message_id)
    assert sb.messages_in(dm) == []


async def test_wait_for_a_call_that_happens_later(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    waiting = asyncio.create_task(sb.wait_for("sendMessage", chat=dm, timeout=5))
    await bot.send_message(dm.id, "sau đó")
    call = await waiting
    assert call.message["text"] == "sau đó" and call.ok


async def test_commands_and_chat_info(sb: Sandbox, bot: Bot) -> None:
    lan, hung = sb.user("Lan"), sb.user("Hùng")
    group = sb.group("Thôn 2", owner=lan, admins=[hung], bot_admin=True)
    assert await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    chat = await bot.get_chat(group.id)
    assert chat.title == "Thôn 2" and chat.type == "supergroup"
    assert (await bot.get_chat_member(group.id, lan.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, sb.bot_id)).status == "administrator"
    admins = await bot.get_chat_administrators(group.id)
    assert [(m.user.id, m.status) for m in admins] == [
        (lan.id, "creator"),
        (hung.id, "administrator"),
        (sb.bot_id, "administrator"),
    ]


async def test_replies_in_a_supergroup_form_a_thread_the_bot_cannot_post_to(sb: Sandbox, bot: Bot) -> None:
    lan, minh = sb.user("Lan"), sb.user("Minh")
    group = sb.group("Thôn 2", members=[lan, minh], privacy=False)
    root = await lan.say(group, "Mất điện")
    reply = await minh.reply(group, to=root, text="Nhà tôi cũng vậy")
    updates = await bot.get_updates()
    received = updates[-1].message
    assert received is not None and received.message_thread_id == root["message_id"]
    assert not received.is_topic_message
    assert reply["reply_to_message"]["message_id"] == root["message_id"]

    await received.answer("Đã ghi nhận")
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(group.id, "x", message_thread_id=received.message_thread_id)


async def test_explicit_entities_take_the_text_literally(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    bold = MessageEntity(type="bold", offset=3, length=4)
    sent = await bot.send_message(dm.id, "Số <12>", entities=[bold], parse_mode="HTML")
    assert sent.text == "Số <12>"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 3, 4)]
