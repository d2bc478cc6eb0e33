"""The citizen's buttons under "is the problem solved?": Yes / No and the 1–5 star rating.

Only the ticket's author may use them; the service re-checks everything the callback data says.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import Verdict
from bot.services.verdicts import VerdictOutcome, VerdictResult, VerdictService

REPLIES = {
    VerdictResult.CLOSED: N_("Thank you! We are glad it is solved; the reflection is closed."),
    VerdictResult.REOPENED: N_("Thank you for telling us. The reflection is open again and was sent up."),
    VerdictResult.RATED: N_("Thank you for your rating."),
    VerdictResult.UNCHANGED: N_("Already recorded, thank you."),
    VerdictResult.NOT_YOURS: N_("Only the person who sent this reflection can answer this."),
    VerdictResult.NOT_RESOLVED: N_("This reflection is not waiting for your answer any more."),
    VerdictResult.INVALID: N_("That choice is no longer valid."),
}


def service(services: Services) -> VerdictService:
    return VerdictService(services.core, services.forwarding)


async def verdict(query: CallbackQuery, callback_data: Verdict, services: Services, locale: str) -> None:
    verdicts = service(services)
    user_id = query.from_user.id
    outcome: VerdictOutcome
    if callback_data.kind == "resolved" and callback_data.value in (0, 1):
        outcome = await verdicts.resolved(callback_data.ticket_id, user_id, callback_data.value == 1)
    elif callback_data.kind == "rating":
        outcome = await verdicts.rate(callback_data.ticket_id, user_id, callback_data.value)
    else:
        outcome = VerdictOutcome(VerdictResult.INVALID)
    await query.answer(
        render(locale, REPLIES[outcome.result]), show_alert=outcome.result is VerdictResult.NOT_YOURS
    )


def build() -> Router:
    router = Router(name="verdicts")
    router.callback_query.register(verdict, Verdict.filter())
    return router
