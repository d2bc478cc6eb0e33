"""Organisation commands from Telegram: /bind, /staffchat, /unit, /route, /invite, /join, /unrouted."""

from __future__ import annotations

import shlex

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.services.org import OrgResult
from bot.services.places import find_places
from bot.tagging.locality import PlaceMatch

REPLIES = {
    OrgResult.DONE: N_("✅ Done."),
    OrgResult.NOT_ALLOWED: N_("⛔ Only administrators can do this."),
    OrgResult.NOT_FOUND: N_("Unknown unit: check its id."),
    OrgResult.INVALID: N_("That locality or topic code is not valid."),
    OrgResult.CONFLICT: N_(
        "This chat is already used for something else, or this would make a loop of parents."
    ),
}
GROUPS = F.chat.type.in_({"group", "supergroup"})


def _user(message: Message) -> int:
    assert message.from_user is not None
    return message.from_user.id


async def bind(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    if not await services.org.is_admin(_user(message)):
        await message.reply(render(locale, REPLIES[OrgResult.NOT_ALLOWED]))
        return
    localities = services.core.tagger.localities
    matches = find_places(services.core.tagger, command.args or "") if command.args else []
    if len(matches) != 1:
        await message.reply(_choose_one(locale, matches))
        return
    ward = matches[0].ward_code
    outcome = await services.org.bind_group(_user(message), message.chat.id, message.chat.title or "", ward)
    if outcome.result is not OrgResult.DONE:
        await message.reply(render(locale, REPLIES[outcome.result]))
        return
    await message.reply(
        render(
            locale,
            N_("✅ This group is now linked to {place}. Waiting reflections sent on: {count}."),
            place=localities.ward_label(ward),
            count=outcome.routed_tickets,
        )
    )


def _choose_one(locale: str, matches: list[PlaceMatch]) -> str:
    if not matches:
        return render(
            locale, N_("Write the commune or ward after /bind, e.g. /bind Vĩnh Tường Nghệ An, or its code.")
        )
    lines = [render(locale, N_("Several places match; send the code of the right one:"))]
    for match in matches:
        lines.append(
            render(
                locale,
                "/bind {code} — {label}",
                code=match.ward_code,
                label=match.label,
            )
        )
    return "\n".join(lines)


async def staffchat(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    unit_id = (command.args or "").strip()
    if not unit_id:
        await message.reply(
            render(locale, N_("Usage: /staffchat &lt;unit-id&gt;, sent in the unit's staff group."))
        )
        return
    result = await services.org.bind_staff_chat(_user(message), message.chat.id, unit_id)
    await message.reply(render(locale, REPLIES[result]))


async def unit(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    usage = N_('Usage: /unit &lt;id&gt; &lt;locality code&gt; "&lt;name&gt;" [parent-id]')
    try:
        parts = shlex.split(command.args or "")
    except ValueError:
        parts = []
    if len(parts) not in (3, 4) or not parts[1].isdigit():
        await message.reply(render(locale, usage))
        return
    parent = parts[3] if len(parts) == 4 else None
    result = await services.org.define_unit(_user(message), parts[0], parts[2], int(parts[1]), parent)
    await message.reply(render(locale, REPLIES[result]))


async def route(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    parts = (command.args or "").split()
    if len(parts) != 3:
        await message.reply(
            render(locale, N_("Usage: /route &lt;locality code or *&gt; &lt;topic or *&gt; &lt;unit-id&gt;"))
        )
        return
    result = await services.org.define_route(_user(message), parts[0], parts[1], parts[2])
    await message.reply(render(locale, REPLIES[result]))


async def invite(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    code = await services.org.invite(_user(message), (command.args or "").strip())
    if code is None:
        await message.reply(
            render(locale, N_("⛔ Only administrators can invite, and the unit id must exist."))
        )
        return
    await message.reply(
        render(
            locale,
            N_("Give this one-time code to the official; they send it to the bot privately:\n/join {code}"),
            code=code,
        )
    )


async def join(message: Message, command: CommandObject, services: Services, locale: str) -> None:
    joined = await services.org.join(_user(message), command.args or "")
    if joined is None:
        await message.answer(render(locale, N_("This code is not valid, already used, or expired.")))
        return
    await message.answer(render(locale, N_("✅ You are now an official of {unit}."), unit=joined.name))


async def unrouted(message: Message, services: Services, locale: str) -> None:
    tickets = await services.org.unrouted(_user(message))
    if tickets is None:
        await message.reply(render(locale, REPLIES[OrgResult.NOT_ALLOWED]))
        return
    if not tickets:
        await message.reply(render(locale, N_("No reflection is waiting for a place or a unit.")))
        return
    presenter = services.core.presenter
    lines = [render(locale, N_("<b>Waiting for a place or a unit</b>"))]
    for ticket in tickets:
        lines.append(
            render(
                locale,
                "#{number} · {headline}",
                number=ticket.id,
                headline=presenter.headline(ticket, locale),
            )
        )
    await message.reply("\n".join(lines))


def build() -> Router:
    router = Router(name="admin")
    router.message.register(bind, Command("bind"), GROUPS)
    router.message.register(staffchat, Command("staffchat"), GROUPS)
    router.message.register(unit, Command("unit"))
    router.message.register(route, Command("route"))
    router.message.register(invite, Command("invite"))
    router.message.register(join, Command("join"), F.chat.type == "private")
    router.message.register(unrouted, Command("unrouted"))
    return router
