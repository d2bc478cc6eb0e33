"""Buttons on a citizen's acknowledgement: change topic or place. Only the author may use them."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import TicketAction, choices_keyboard
from bot.services.citizens import Correction
from handlers.states import CitizenFlow

NOT_YOURS = N_("Only the person who sent this reflection can change it.")
RESULTS = {
    Correction.DONE: N_("Saved."),
    Correction.UNCHANGED: N_("Nothing to change."),
    Correction.NOT_ALLOWED: NOT_YOURS,
    Correction.INVALID: N_("That choice is no longer valid."),
}


async def fix_topic(
    query: CallbackQuery, callback_data: TicketAction, services: Services, locale: str
) -> None:
    ticket = await services.citizens.own_ticket(callback_data.ticket_id, query.from_user.id)
    if ticket is None or not isinstance(query.message, Message):
        await query.answer(render(locale, NOT_YOURS), show_alert=True)
        return
    presenter = services.core.presenter
    codes = services.core.tagger.topics.codes
    choices = [(code, presenter.topic_name(code, locale)) for code in codes]
    await query.answer()
    await query.message.reply(
        render(locale, N_("Choose the topic of #{number}:"), number=ticket.id),
        reply_markup=choices_keyboard(ticket.id, "topic", choices, per_row=2),
    )


async def fix_place(
    query: CallbackQuery, callback_data: TicketAction, services: Services, state: FSMContext, locale: str
) -> None:
    ticket = await services.citizens.own_ticket(callback_data.ticket_id, query.from_user.id)
    if ticket is None or not isinstance(query.message, Message):
        await query.answer(render(locale, NOT_YOURS), show_alert=True)
        return
    await state.set_state(CitizenFlow.place)
    await state.update_data(ticket_id=ticket.id)
    await query.answer()
    await query.message.reply(
        render(
            locale,
            N_(
                "📍 Reply to this message with the name of the commune or ward of #{number} (old names are fine)."
            ),
            number=ticket.id,
        )
    )


async def set_topic(
    query: CallbackQuery, callback_data: TicketAction, services: Services, locale: str
) -> None:
    result = await services.citizens.set_topic(
        callback_data.ticket_id, query.from_user.id, callback_data.value
    )
    await query.answer(render(locale, RESULTS[result]), show_alert=result is Correction.NOT_ALLOWED)


async def set_ward(
    query: CallbackQuery, callback_data: TicketAction, services: Services, state: FSMContext, locale: str
) -> None:
    if not callback_data.value.isdigit():
        await query.answer(render(locale, RESULTS[Correction.INVALID]))
        return
    result = await services.citizens.set_ward(
        callback_data.ticket_id, query.from_user.id, int(callback_data.value)
    )
    if result in (Correction.DONE, Correction.UNCHANGED):
        await state.clear()
    await query.answer(render(locale, RESULTS[result]), show_alert=result is Correction.NOT_ALLOWED)


async def stale(query: CallbackQuery, locale: str) -> None:
    """Any other button (old, forged, or from an earlier version): answered politely, nothing changes."""
    await query.answer(render(locale, RESULTS[Correction.INVALID]))


def build() -> Router:
    router = Router(name="ticket-buttons")
    router.callback_query.register(fix_topic, TicketAction.filter(F.action == "fix_topic"))
    router.callback_query.register(fix_place, TicketAction.filter(F.action == "fix_place"))
    router.callback_query.register(set_topic, TicketAction.filter(F.action == "topic"))
    router.callback_query.register(set_ward, TicketAction.filter(F.action == "ward"))
    router.callback_query.register(stale)
    return router
