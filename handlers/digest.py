"""Digest commands: /digest [period] [unit-id] (admins, in a private chat), /digest_subscribe, /digest_unsubscribe."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.app_services import Services
from bot.digest.delivery import FILES_CAPTION, DigestDeliveries, Outcome
from bot.digest.period import Period, PeriodError, parse_period
from bot.i18n import N_, render

USAGE = N_(
    "Usage: /digest [this week | last week | 2026-W46 | 2026-11-01 2026-11-30] [unit-id]\n"
    "Without a period: last week. Without a unit: everything you administer."
)
REPLIES = {
    Outcome.NOT_ALLOWED: N_("⛔ Only administrators can do this."),
    Outcome.OUTSIDE_SCOPE: N_("Sorry, unit {unit} is not one you administer (or it does not exist)."),
    Outcome.TOO_LONG: N_("That period is too long: a digest covers at most 366 days."),
}
PRIVATE_ONLY = N_("Please send /digest to me in a private chat: a digest is for administrators only.")
SUBSCRIBED = N_("✅ This chat will get the weekly digest every week.")
UNSUBSCRIBED = N_("✅ This chat will no longer get the weekly digest.")
_PERIOD_LIKE = re.compile(r"\d{4}-?w\d{1,2}|\d{4}-\d{2}-\d{2}", re.IGNORECASE)


def _deliveries(services: Services) -> DigestDeliveries:
    return DigestDeliveries(services.core)


def parse_arguments(text: str, services: Services) -> tuple[Period, str | None]:
    """The period (default last week) and the unit id of ``/digest`` arguments; PeriodError if unreadable."""
    tz = services.core.settings.tz
    now = services.core.clock()
    words = text.split()
    if not words:
        return parse_period("last week", tz, now), None
    try:
        return parse_period(" ".join(words), tz, now), None
    except PeriodError:
        if _PERIOD_LIKE.fullmatch(words[-1]):
            raise
    rest = " ".join(words[:-1])
    return parse_period(rest or "last week", tz, now), words[-1]


async def digest(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    assert message.from_user is not None
    deliveries = _deliveries(services)
    if not await deliveries.is_admin(message.from_user.id):
        await message.reply(render(locale, REPLIES[Outcome.NOT_ALLOWED]))
        return
    if message.chat.type != "private":
        await message.reply(render(locale, PRIVATE_ONLY))
        return
    try:
        period, unit_id = parse_arguments(command.args or "", services)
    except PeriodError:
        await message.answer(render(locale, USAGE))
        return
    answer = await deliveries.on_demand(message.from_user.id, period, unit_id, locale)
    if answer.digest is None:
        await message.answer(render(locale, REPLIES[answer.outcome], unit=unit_id or ""))
        return
    found = answer.digest
    await message.answer(found.text)
    await message.answer_photo(
        BufferedInputFile(found.chart, found.chart_name),
        caption=render(locale, FILES_CAPTION, period=found.label),
    )
    await message.answer_document(BufferedInputFile(found.workbook, found.workbook_name))


async def subscribe(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    assert message.from_user is not None
    unit_id = (command.args or "").strip() or None
    outcome = await _deliveries(services).subscribe(message.from_user.id, message.chat.id, unit_id, locale)
    if outcome is Outcome.DONE:
        await message.reply(render(locale, SUBSCRIBED))
    else:
        await message.reply(render(locale, REPLIES[outcome], unit=unit_id or ""))


async def unsubscribe(message: Message, services: Services, locale: str) -> None:
    assert message.from_user is not None
    outcome = await _deliveries(services).unsubscribe(message.from_user.id, message.chat.id)
    reply = UNSUBSCRIBED if outcome is Outcome.DONE else REPLIES[outcome]
    await message.reply(render(locale, reply))


def build() -> Router:
    router = Router(name="digest")
    router.message.register(digest, Command("digest"), F.from_user)
    router.message.register(subscribe, Command("digest_subscribe"), F.from_user)
    router.message.register(unsubscribe, Command("digest_unsubscribe"), F.from_user)
    return router
