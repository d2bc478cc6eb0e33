"""A community group: only messages addressed to the bot become tickets; chatter is ignored."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.services.incoming import ChatKind
from handlers.filters import GroupReflection
from handlers.parsing import incoming
from handlers.places import offer_places
from handlers.states import CitizenFlow


async def ask_command(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    if not command.args:
        await message.reply(
            render(locale, N_("Write your question after the command, e.g. /hoi Khi nào sửa đường?"))
        )
        return
    await services.intake.receive(incoming(message, ChatKind.GROUP, text=command.args))


async def typed_place(message: Message, services: Services, state: FSMContext, locale: str) -> None:
    ticket_id = (await state.get_data()).get("ticket_id")
    if isinstance(ticket_id, int) and await offer_places(message, services, ticket_id, locale):
        return
    await services.intake.receive(incoming(message, ChatKind.GROUP))


async def addressed(message: Message, services: Services, reflection_text: str | None) -> None:
    if reflection_text is None and not (message.photo or message.document or message.video or message.voice):
        return
    await services.intake.receive(incoming(message, ChatKind.GROUP, text=reflection_text))


def build() -> Router:
    router = Router(name="group")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(ask_command, Command("hoi", "ask"))
    router.message.register(typed_place, CitizenFlow.place, F.text, F.reply_to_message)
    router.message.register(addressed, ~F.text.startswith("/"), GroupReflection())
    return router
