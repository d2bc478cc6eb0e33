"""Filters that decide which router sees an update (instead of ``if`` chains in handlers)."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.filters import BaseFilter
from aiogram.types import Message

from bot.app_services import Services

TRIGGER_TAGS = ("#phananh", "#kiennghi", "#hoi")
_TAG_PATTERN = re.compile(r"(?<!\w)#(phananh|kiennghi|hoi)\b", re.IGNORECASE)


class StaffChat(BaseFilter):
    """The chat is some unit's staff chat."""

    async def __call__(self, message: Message, services: Services) -> bool:
        return await services.org.is_staff_chat(message.chat.id)


class FromAdmin(BaseFilter):
    async def __call__(self, message: Message, services: Services) -> bool:
        return message.from_user is not None and await services.org.is_admin(message.from_user.id)


class GroupReflection(BaseFilter):
    """A group message addressed to the bot: it mentions it, replies to it, or carries a trigger hashtag.

    Passes the message's text with the mention or hashtag removed as ``reflection_text``.
    """

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text or message.caption or ""
        me = await bot.me()
        mention = f"@{me.username}".lower() if me.username else None
        reply = message.reply_to_message
        replies_to_bot = reply is not None and reply.from_user is not None and reply.from_user.id == me.id
        mentioned = mention is not None and mention in text.lower()
        tagged = _TAG_PATTERN.search(text) is not None
        if not (replies_to_bot or mentioned or tagged):
            return False
        cleaned = _TAG_PATTERN.sub("", text)
        if mention:
            cleaned = re.sub(re.escape(mention), "", cleaned, flags=re.IGNORECASE)
        return {"reflection_text": cleaned.strip() or None}
