"""A citizen blocks or unblocks the bot: officials see at once whether answers can reach them."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.app_services import Services


async def blocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.citizens.set_reachable(event.from_user.id, reachable=False)


async def unblocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.citizens.set_reachable(event.from_user.id, reachable=True)


def build() -> Router:
    router = Router(name="membership")
    router.my_chat_member.filter(F.chat.type == "private")
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
