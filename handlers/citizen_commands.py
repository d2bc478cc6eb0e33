"""A citizen's commands on their own tickets, in the private chat: /status <number>, /cancel <number>."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.services.citizen_tickets import CancelResult, CitizenTicketService


def service(services: Services) -> CitizenTicketService:
    return CitizenTicketService(services.core, services.forwarding)


def ticket_number(command: CommandObject) -> int | None:
    """``12`` or ``#12`` after the command."""
    words = (command.args or "").split()
    if len(words) != 1:
        return None
    word = words[0].removeprefix("#")
    return int(word) if word.isdigit() and len(word) < 10 else None


async def status(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    assert message.from_user is not None
    number = ticket_number(command)
    if number is None:
        await message.answer(
            render(
                locale,
                N_(
                    "Usage: /status N (the number of your reflection), e.g. /status 12. /mytickets lists them."
                ),
            )
        )
        return
    await message.answer(await service(services).status(number, message.from_user.id, locale))


async def cancel(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    assert message.from_user is not None
    number = ticket_number(command)
    if number is None:
        await message.answer(
            render(
                locale,
                N_("Usage: /cancel N (the number of your reflection), e.g. /cancel 12, to withdraw it."),
            )
        )
        return
    outcome = await service(services).cancel(number, message.from_user.id, message.chat.id, locale)
    if outcome.result is not CancelResult.CANCELLED:
        await message.answer(outcome.text)


def build() -> Router:
    router = Router(name="citizen-commands")
    router.message.filter(F.chat.type == "private")
    router.message.register(status, Command("status"))
    router.message.register(cancel, Command("cancel"))
    return router
