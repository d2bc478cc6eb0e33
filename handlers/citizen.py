"""A citizen in a private chat: every message becomes part of a ticket."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.services.incoming import ChatKind
from handlers.parsing import incoming
from handlers.places import offer_places
from handlers.states import CitizenFlow


async def my_tickets(message: Message, services: Services, locale: str) -> None:
    assert message.from_user is not None
    tickets = await services.citizens.tickets(message.from_user.id)
    await message.answer(services.core.presenter.ticket_list(tickets, locale))


async def new_ticket(
    message: Message, command: CommandObject, services: Services, state: FSMContext, locale: str
) -> None:
    await state.clear()
    if command.args:
        await take(message, services, state, text=command.args, force_new=True)
        return
    await state.set_state(CitizenFlow.fresh)
    await message.answer(render(locale, N_("✍️ Write your new reflection.")))


async def typed_place(message: Message, services: Services, state: FSMContext, locale: str) -> None:
    ticket_id = (await state.get_data()).get("ticket_id")
    if not isinstance(ticket_id, int) or not await offer_places(message, services, ticket_id, locale):
        await take(message, services, state)


async def fresh_reflection(message: Message, services: Services, state: FSMContext) -> None:
    await state.clear()
    await take(message, services, state, force_new=True)


async def reflection(message: Message, services: Services, state: FSMContext) -> None:
    await take(message, services, state)


async def take(
    message: Message, services: Services, state: FSMContext, text: str | None = None, force_new: bool = False
) -> None:
    outcome = await services.intake.receive(
        incoming(message, ChatKind.PRIVATE, text=text, force_new=force_new)
    )
    if outcome.needs_locality and outcome.ticket_id is not None:
        await state.set_state(CitizenFlow.place)
        await state.update_data(ticket_id=outcome.ticket_id)


def build() -> Router:
    router = Router(name="citizen")
    router.message.filter(F.chat.type == "private")
    router.message.register(my_tickets, Command("mytickets"))
    router.message.register(new_ticket, Command("new"))
    router.message.register(typed_place, CitizenFlow.place, F.text, ~F.text.startswith("/"))
    router.message.register(fresh_reflection, CitizenFlow.fresh, ~F.text.startswith("/"))
    router.message.register(reflection, ~F.text.startswith("/"))
    return router
