"""A unit's staff chat: officials answer tickets by replying to the bot's messages or in a ticket's topic."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.app_services import Services
from bot.services.incoming import ChatKind
from handlers.filters import StaffChat
from handlers.parsing import incoming


async def answer(message: Message, services: Services) -> None:
    if message.from_user is None or message.from_user.is_bot:
        return
    await services.answers.relay(incoming(message, ChatKind.STAFF))


def build() -> Router:
    router = Router(name="staff")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}), StaffChat())
    # Commands and "!" internal notes are handled by ``handlers.staff_actions``, never relayed as answers.
    router.message.register(
        answer,
        ~F.text.startswith("/"),
        ~F.text.startswith("!"),
        ~F.caption.startswith("!"),
        F.reply_to_message | F.is_topic_message,
    )
    return router
