"""Forum topics: thread ids, service messages, topic messages, closed topics."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from sandbox import Sandbox, SandboxUsageError


async def test_topic_thread_id_is_its_service_message_id(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=True)
    topic = await bot.create_forum_topic(staff.id, "Sạt lở #1")

    updates = await bot.get_updates()
    service = updates[-1].message
    assert service is not None and service.forum_topic_created is not None
    assert service.forum_topic_created.name == "Sạt lở #1"
    assert topic.message_thread_id == service.message_id
    assert service.message_thread_id == topic.message_thread_id and service.is_topic_message


async def test_messages_in_a_topic_carry_the_thread(sb: Sandbox, bot: Bot) -> None:
    can_bo = sb.user("Cán bộ Hùng")
    staff = sb.group("Tổ nước", members=[can_bo], forum=True, bot_admin=True, can_manage_topics=True)
    await bot.create_forum_topic(staff.id, "Trước")
    topic = await bot.create_forum_topic(staff.id, "Sạt lở #2")

    sent = await bot.send_message(staff.id, "Phản ánh mới", message_thread_id=topic.message_thread_id)
    reply = await can_bo.reply(staff, to=sent, text="Đã nhận")

    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert reply["message_thread_id"] == topic.message_thread_id and reply["is_topic_message"] is True
    in_topic = [m["message_id"] for m in sb.messages_in(staff, topic=topic.message_thread_id)]
    assert in_topic == [topic.message_thread_id, sent.message_id, reply["message_id"]]


async def test_closed_topic_rejects_messages_until_reopened(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=True)
    topic = await bot.create_forum_topic(staff.id, "Xong")
    await bot.close_forum_topic(staff.id, topic.message_thread_id)

    with pytest.raises(TelegramBadRequest, match="Bad Request: TOPIC_CLOSED"):
        await bot.send_message(staff.id, "còn nữa", message_thread_id=topic.message_thread_id)

    await bot.reopen_forum_topic(staff.id, topic.message_thread_id)
    await bot.send_message(staff.id, "còn nữa", message_thread_id=topic.message_thread_id)
    kinds = [
        next(
            k for k in ("forum_topic_created", "forum_topic_closed", "forum_topic_reopened", "text") if k in m
        )
        for m in sb.messages_in(staff, topic=topic.message_thread_id)
    ]
    assert kinds == ["forum_topic_created", "forum_topic_closed", "forum_topic_reopened", "text"]


async def test_edit_topic_renames_it(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=True)
    topic = await bot.create_forum_topic(staff.id, "Cũ")
    await bot.edit_forum_topic(staff.id, topic.message_thread_id, name="Mới")
    assert staff.topic("Mới") == topic.message_thread_id
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.edit_forum_topic(staff.id, topic.message_thread_id, name="Mới")


async def test_unknown_thread_and_non_forum(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=True)
    plain = sb.group("Thôn 2", bot_admin=True, can_manage_topics=True)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message thread not found"):
        await bot.send_message(staff.id, "x", message_thread_id=999)
    with pytest.raises(TelegramBadRequest, match="Bad Request: the chat is not a forum"):
        await bot.create_forum_topic(plain.id, "x")


async def test_people_cannot_post_into_closed_topics(sb: Sandbox, bot: Bot) -> None:
    hung = sb.user("Hùng")
    staff = sb.group("Tổ nước", members=[hung], forum=True, bot_admin=True, can_manage_topics=True)
    thread = await hung.create_topic(staff, "Của Hùng")
    await bot.close_forum_topic(staff.id, thread)
    with pytest.raises(SandboxUsageError, match="closed"):
        await hung.say(staff, "mở lại đi", topic=thread)


async def test_the_first_topic_is_not_thread_1_which_is_general(sb: Sandbox, bot: Bot) -> None:
    staff = sb.group("Tổ nước", forum=True, bot_admin=True, can_manage_topics=True)
    topic = await bot.create_forum_topic(staff.id, "Đầu tiên")
    assert topic.message_thread_id > 1
