"""Officials merge duplicates: ``/merge <number>`` as a reply to a bot message of the ticket (or in its
forum topic) in the staff chat, and the "Merge into #N" button on a card. Rights are checked by the service."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import MergeAction
from bot.services.merging import MergeResult, MergeService
from handlers.citizen_commands import ticket_number
from handlers.filters import StaffChat

SETTLE_WITHIN = 5.0
USAGE = N_(
    "Usage: reply to a message of the reflection that repeats another one (or write in its topic): "
    "/merge N, where N is the number of the main reflection."
)


def service(services: Services) -> MergeService:
    return MergeService(services.core, services.forwarding)


async def merge_command(message: Message, command: CommandObject, services: Services) -> None:
    if message.from_user is None or message.from_user.is_bot:
        return
    locale = services.core.settings.default_language
    main = ticket_number(command)
    merging = service(services)
    reply = message.reply_to_message
    reply_to = reply.message_id if reply is not None else None
    thread_id = message.message_thread_id if message.is_topic_message else None
    duplicate = await merging.ticket_for(message.chat.id, reply_to, thread_id)
    if duplicate is None and reply is not None and reply.from_user is not None and reply.from_user.is_bot:
        # The bot message may still be being recorded by the outbox (a very quick reply).
        await services.core.outbox_settled(message.chat.id, SETTLE_WITHIN)
        duplicate = await merging.ticket_for(message.chat.id, reply_to, thread_id)
    if main is None or duplicate is None:
        await message.reply(render(locale, USAGE))
        return
    outcome = await merging.merge(duplicate, main, message.from_user.id)
    if outcome.result is not MergeResult.MERGED:
        await message.reply(outcome.text)


async def merge_button(query: CallbackQuery, callback_data: MergeAction, services: Services) -> None:
    outcome = await service(services).merge(callback_data.ticket_id, callback_data.into, query.from_user.id)
    await query.answer(outcome.text, show_alert=outcome.result is not MergeResult.MERGED)


def build() -> Router:
    router = Router(name="merge")
    router.message.register(
        merge_command, Command("merge"), F.chat.type.in_({"group", "supergroup"}), StaffChat()
    )
    router.callback_query.register(merge_button, MergeAction.filter())
    return router
