"""Middlewares: the reader's language for every update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.app_services import Services


class CitizenLocaleMiddleware(I18nMiddleware):
    """The language a citizen chose, else Telegram's ``language_code``, else ``DEFAULT_LANGUAGE``.

    Also puts it in the handler data as ``locale`` for texts rendered explicitly.
    """

    def __init__(self, i18n: I18n, services: Services) -> None:
        super().__init__(i18n)
        self.services = services

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self.services.core.settings.default_language
        citizen = await self.services.citizens.get(user.id)
        if citizen is not None and citizen.language:
            return citizen.language
        return self.services.core.language_for(user.language_code)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        locale = await self.get_locale(event, data)
        data["locale"] = locale
        data["i18n"] = self.i18n
        with self.i18n.context(), self.i18n.use_locale(locale):
            return await handler(event, data)
