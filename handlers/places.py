"""Asking the citizen where: a typed commune name becomes up to six buttons."""

from __future__ import annotations

from aiogram.types import Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import choices_keyboard
from bot.services.places import find_places

MAX_CHOICES = 6


async def offer_places(message: Message, services: Services, ticket_id: int, locale: str) -> bool:
    """Reply with the places matching the typed name; False when nothing matched."""
    matches = find_places(services.core.tagger, message.text or "", limit=MAX_CHOICES)
    if not matches:
        await message.reply(
            render(
                locale,
                N_("I could not find a commune or ward called “{name}”. Try another spelling."),
                name=message.text or "",
            )
        )
        return False
    choices = [(str(match.ward_code), match.label) for match in matches]
    await message.reply(
        render(locale, N_("📍 Which one is it?")), reply_markup=choices_keyboard(ticket_id, "ward", choices)
    )
    return True
