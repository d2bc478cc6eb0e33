"""Updates from one chat are handled one after another, in the order Telegram sent them.

Updates are handled as concurrent tasks; without this, the items of an album (separate updates that
arrive together) would each look like the first message of a new ticket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject


class PerChatOrder(BaseMiddleware):
    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        lock = self._acquire(chat.id)
        try:
            async with lock:
                return await handler(event, data)
        finally:
            self._release(chat.id)

    def _acquire(self, chat_id: int) -> asyncio.Lock:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        return lock

    def _release(self, chat_id: int) -> None:
        lock, users = self._locks[chat_id]
        if users == 1:
            del self._locks[chat_id]
        else:
            self._locks[chat_id] = (lock, users - 1)
