"""Officials act on a ticket from its staff chat: the card's buttons, or commands written as a reply to any
bot message of the ticket (or inside its forum topic); a reply starting with "!" is an internal note.

Registered before the ``staff`` router, whose answer handler ignores commands and "!" notes.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import StaffAction, button, move_keyboard
from bot.services.incoming import ChatKind, Person
from bot.services.workflow import Outcome, Result, TicketActions
from handlers.filters import StaffChat
from handlers.parsing import incoming, person

NOTE_MARK = "!"
NOT_A_TICKET = N_("Reply to a message of the reflection (or write in its topic) to act on it.")
NOT_ALLOWED = N_(
    "⛔ Only officials of the handling unit (or of a unit above it) and administrators can do this."
)
REFUSED = N_("⛔ Not done: {reason}.")
UNCHANGED = N_("Nothing to change.")
DONE = N_("✅ Done.")
STALE = N_("That choice is no longer valid.")
CHOOSE_UNIT = N_("↪️ Move reflection #{number} to:")
NO_UNIT_NEAR = N_("No unit above, beside or below this one: use /reassign &lt;unit-id&gt;.")
CHOOSE_PLACE = N_("📍 Which place is reflection #{number} about?")
USAGE = {
    "reassign": N_("Unknown unit: check its id."),
    "topic": N_("Usage: /topic &lt;code&gt;. Topics: {codes}"),
    "locality": N_("Usage: /locality &lt;commune or ward name, or its code&gt;. Nothing matched “{name}”."),
    "info": N_("Usage: /info &lt;your question to the citizen&gt;"),
    "note": N_("Usage: /note &lt;text&gt; (seen by staff only), or a reply starting with !"),
}
COMMANDS = ("take", "reassign", "topic", "locality", "info", "note", "done")


def _locale(services: Services) -> str:
    """Staff chats read the default language, whoever presses."""
    return services.core.settings.default_language


async def _run(
    actions: TicketActions, name: str, ticket_id: int, actor: Person, args: str, message_id: int
) -> Outcome:
    if name == "take":
        return await actions.take(ticket_id, actor)
    if name == "reassign":
        if not args:
            return await actions.reassign_choices(ticket_id, actor)
        return await actions.reassign(ticket_id, actor, args.split()[0])
    if name == "topic":
        return await actions.retag_topic(ticket_id, actor, args.split()[0].lower() if args else "")
    if name == "locality":
        if not args:
            return Outcome(Result.INVALID, ticket_id)
        return await actions.retag_locality(ticket_id, actor, args)
    if name == "info":
        return await actions.ask_info(ticket_id, actor, args)
    if name == "note":
        return await actions.note(ticket_id, actor, args, message_id)
    return await actions.done(ticket_id, actor, args or None)


async def command(message: Message, command: CommandObject, services: Services) -> None:
    if message.from_user is None or message.from_user.is_bot:
        return
    locale = _locale(services)
    ticket_id = await services.actions.locate(incoming(message, ChatKind.STAFF))
    if ticket_id is None:
        await message.reply(render(locale, NOT_A_TICKET))
        return
    args = (command.args or "").strip()
    name = command.command.lower()
    outcome = await _run(
        services.actions, name, ticket_id, person(message.from_user), args, message.message_id
    )
    text, markup = _reply_for(services, name, outcome, args)
    if text:
        await message.reply(text, reply_markup=markup)


async def note(message: Message, services: Services) -> None:
    """A reply (or a message in the ticket's topic) whose text or caption starts with "!": an internal note
    (a photo with such a caption stays in the staff chat)."""
    if message.from_user is None or message.from_user.is_bot:
        return
    ticket_id = await services.actions.locate(incoming(message, ChatKind.STAFF))
    if ticket_id is None:
        return
    words = (message.text or message.caption or "").removeprefix(NOTE_MARK)
    outcome = await services.actions.note(ticket_id, person(message.from_user), words, message.message_id)
    text, _ = _reply_for(services, "note", outcome, words)
    if text:
        await message.reply(text)


def _reply_for(
    services: Services, name: str, outcome: Outcome, args: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What to tell the official; empty when the service already posted its notice in the ticket's place."""
    locale = _locale(services)
    number = outcome.ticket_id
    if outcome.result is Result.DONE:
        return "", None
    if outcome.result is Result.CHOOSE and number is not None:
        return _choices(locale, name, number, outcome)
    if outcome.result is Result.INVALID:
        codes = ", ".join(services.core.tagger.topics.codes)
        return render(locale, USAGE.get(name, STALE), codes=codes, name=args), None
    return _refusal(locale, outcome), None


def _choices(
    locale: str, name: str, number: int, outcome: Outcome
) -> tuple[str, InlineKeyboardMarkup | None]:
    if name == "reassign":
        if not outcome.choices:
            return render(locale, NO_UNIT_NEAR), None
        return render(locale, CHOOSE_UNIT, number=number), move_keyboard(number, outcome.choices)
    rows = [
        [button(label, StaffAction(ticket_id=number, action="ward", value=value))]
        for value, label in outcome.choices
    ]
    return render(locale, CHOOSE_PLACE, number=number), InlineKeyboardMarkup(inline_keyboard=rows)


def _refusal(locale: str, outcome: Outcome) -> str:
    if outcome.result is Result.NOT_A_TICKET:
        return render(locale, NOT_A_TICKET)
    if outcome.result is Result.NOT_ALLOWED:
        return render(locale, NOT_ALLOWED)
    if outcome.result is Result.REFUSED and outcome.reason:
        return render(locale, REFUSED, reason=render(locale, outcome.reason))
    if outcome.result is Result.UNCHANGED:
        return render(locale, UNCHANGED)
    return render(locale, STALE)


async def _press(actions: TicketActions, data: StaffAction, actor: Person) -> Outcome:
    number, value = data.ticket_id, data.value
    if data.action == "take":
        return await actions.take(number, actor)
    if data.action == "done":
        return await actions.done(number, actor)
    if data.action == "move":
        return await actions.reassign_choices(number, actor)
    if data.action == "move_to":
        return await actions.reassign(number, actor, value)
    if data.action == "ward" and value.isdigit():
        return await actions.set_ward(number, actor, int(value))
    return Outcome(Result.INVALID, number)


async def pressed(query: CallbackQuery, callback_data: StaffAction, services: Services) -> None:
    """A button of a card, of the reassign menu or of the place choice. Its data is only a request."""
    locale = _locale(services)
    actor = person(query.from_user)
    message = query.message if isinstance(query.message, Message) else None
    outcome = await _press(services.actions, callback_data, actor)
    if outcome.result is Result.CHOOSE and message is not None:
        await query.answer()
        text, markup = _choices(locale, "reassign", callback_data.ticket_id, outcome)
        await message.reply(text, reply_markup=markup)
        return
    if outcome.result is Result.DONE:
        await query.answer(render(locale, DONE))
        return
    await query.answer(_refusal(locale, outcome), show_alert=True)


def build() -> Router:
    router = Router(name="staff-actions")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}), StaffChat())
    router.message.register(command, Command(*COMMANDS))
    router.message.register(
        note,
        F.text.startswith(NOTE_MARK) | F.caption.startswith(NOTE_MARK),
        F.reply_to_message | F.is_topic_message,
    )
    router.callback_query.register(pressed, StaffAction.filter())
    return router
