"""Privacy mode: what a bot receives from a group."""

from __future__ import annotations

from aiogram import Bot

from sandbox import Sandbox


async def texts(bot: Bot) -> list[str]:
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return [u.message.text for u in updates if u.message and u.message.text]


async def test_privacy_on_only_commands_mentions_and_replies(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    group = sb.group("Thôn 2 Hội Sơn", members=[lan], privacy=True)
    bot_msg = await bot.send_message(group.id, "Chào cả thôn")

    await lan.say(group, "chuyện riêng")
    await lan.say(group, "/report@doithoai_bot đường hỏng")
    await lan.say(group, "/start@other_bot")
    await lan.say(group, "nhờ @doithoai_bot xem giúp")
    await lan.reply(group, to=sb.message(group, bot_msg.message_id), text="cảm ơn")
    await lan.say(group, "/help")

    assert await texts(bot) == [
        "/report@doithoai_bot đường hỏng",
        "nhờ @doithoai_bot xem giúp",
        "cảm ơn",
        "/help",
    ]


async def test_privacy_off_receives_everything(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    group = sb.group("Thôn 2", members=[lan], privacy=False)
    await lan.say(group, "chuyện riêng")
    assert await texts(bot) == ["chuyện riêng"]


async def test_admin_bot_receives_everything_even_with_privacy(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    group = sb.group("Thôn 2", members=[lan], privacy=True, bot_admin=True)
    await lan.say(group, "chuyện riêng")
    assert await texts(bot) == ["chuyện riêng"]


async def test_bot_outside_the_group_receives_nothing(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    group = sb.group("Thôn 2", members=[lan], privacy=False, bot_member=False)
    await lan.say(group, "/start")
    assert await texts(bot) == []
