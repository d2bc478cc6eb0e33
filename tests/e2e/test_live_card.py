"""The staff card stays current in Telegram itself: whatever changes a ticket (a command, an answer, a merge),
the card message in the staff chat is edited to show it, with only the buttons still allowed."""

from __future__ import annotations

from typing import Any

from bot.app import Application
from sandbox.calls import Call
from sandbox.driver import ChatHandle, Sandbox
from tests.e2e.harness import World, text_of
from tests.e2e.test_merge import lamp_cards
from tests.e2e.test_workflow_actions import DONE, MOVE, ROAD, is_card


def keyboard(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def card_edit(sb: Sandbox, chat: ChatHandle, card: Call, shows: str) -> Call:
    """The edit of ``card`` whose text contains ``shows``."""
    card_id = card.result["message_id"]
    return await sb.wait_for(
        "editMessageText",
        chat=chat,
        where=lambda c: c.params.get("message_id") == card_id and shows in text_of(c),
        since=card.seq,
    )


async def test_the_card_follows_a_take_by_command_and_an_answer(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, ROAD)
    card = await sb.wait_for("sendMessage", chat=world.commune_staff, where=is_card)
    copy = await sb.wait_for("copyMessage", chat=world.commune_staff)
    copied = sb.message(world.commune_staff, copy.result["message_id"])

    await world.commune_cadre.reply(world.commune_staff, to=copied, text="/take")
    await card_edit(sb, world.commune_staff, card, "Đang xử lý: Cán bộ xã")
    shown = sb.message(world.commune_staff, card.result["message_id"])
    assert "Trạng thái: đang xử lý" in shown["text"]
    assert keyboard(shown) == [MOVE, DONE]

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="Tuần sau xã sẽ vá đường.")
    await card_edit(sb, world.commune_staff, card, "Trạng thái: đã trả lời")
    shown = sb.message(world.commune_staff, card.result["message_id"])
    assert "Đang xử lý: Cán bộ xã" in shown["text"] and keyboard(shown) == [DONE]

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/done")
    await card_edit(sb, world.commune_staff, card, "Trạng thái: đã giải quyết")
    assert keyboard(sb.message(world.commune_staff, card.result["message_id"])) == []


async def test_after_a_merge_the_main_card_counts_the_citizens_and_the_merged_one_is_final(
    sb: Sandbox, world: World, app: Application
) -> None:
    first, second = await lamp_cards(sb, world)
    assert "Gộp với #1" in " ".join(keyboard(second.params))

    await world.commune_cadre.reply(world.commune_staff, to=second.result, text="/merge 1")
    await card_edit(sb, world.commune_staff, first, "Số người dân cùng phản ánh: 2")
    await card_edit(sb, world.commune_staff, second, "Trạng thái: đã gộp")
    merged = sb.message(world.commune_staff, second.result["message_id"])
    assert keyboard(merged) == [] and "trùng" not in merged["text"], "nothing left to press or merge"
    assert keyboard(sb.message(world.commune_staff, first.result["message_id"]))
