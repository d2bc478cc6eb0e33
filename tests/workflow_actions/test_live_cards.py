"""The card in a staff chat is kept current: after every change, however it was made (button, command,
answer, citizen), each live card of the ticket is edited to show the status, who handles it and only the
buttons still allowed; a card left behind by a move says where the ticket went and is not touched again."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.citizen_tickets import CitizenTicketService
from storage.models import LinkKind, MessageLink, OutboxMessage
from tests.support.org import COMMUNE_CADRE, COMMUNE_CHAT, LAN, PROVINCE_CHAT, WATER_CADRE, WATER_CHAT
from tests.workflow_actions.conftest import World, official

CADRE = official(COMMUNE_CADRE, "Cán bộ Hà")
TAKE, MOVE, DONE = "🙋 Nhận xử lý", "↪️ Chuyển đơn vị", "✅ Đã giải quyết"
COMMUNE_CARD, PROVINCE_CARD, WATER_CARD = 55, 77, 66


async def show_card(world: World, ticket_id: int, chat_id: int, message_id: int) -> None:
    """What the outbox records once a card has been delivered."""
    async with world.core.unit_of_work() as work:
        await work.tickets.link(chat_id, message_id, ticket_id, LinkKind.CARD)


async def edits(world: World, chat_id: int, message_id: int, since: int) -> list[OutboxMessage]:
    rows = await world.outbox(chat_id, since=since)
    return [
        row for row in rows if row.method == "editMessageText" and row.payload["message_id"] == message_id
    ]


def buttons(row: OutboxMessage) -> list[str]:
    rows: Sequence[Sequence[dict[str, str]]] = row.payload.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for line in rows for button in line]


async def test_every_live_card_follows_take_answer_and_done(world: World) -> None:
    number = await world.report()
    await show_card(world, number, COMMUNE_CHAT, COMMUNE_CARD)
    await show_card(world, number, PROVINCE_CHAT, PROVINCE_CARD)  # e.g. sent up after a "not resolved"

    mark = await world.mark()
    await world.actions.take(number, CADRE)  # by command: no card was pressed
    for chat_id, message_id in ((COMMUNE_CHAT, COMMUNE_CARD), (PROVINCE_CHAT, PROVINCE_CARD)):
        [taken] = await edits(world, chat_id, message_id, mark)
        assert "Trạng thái: đang xử lý" in taken.payload["text"]
        assert "Đang xử lý: Cán bộ Hà" in taken.payload["text"]
        assert buttons(taken) == [MOVE, DONE]

    mark = await world.mark()
    await world.answer(number)
    answered = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert answered and "Trạng thái: đã trả lời" in answered[-1].payload["text"]
    assert buttons(answered[-1]) == [DONE], "answered: only marking it done is left"

    mark = await world.mark()
    await world.actions.done(number, CADRE)
    [resolved] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert "Trạng thái: đã giải quyết" in resolved.payload["text"]
    assert "reply_markup" not in resolved.payload, "nothing left to press on a resolved ticket"


async def test_a_user_supplied_name_on_the_card_is_escaped(world: World) -> None:
    number = await world.report()
    await show_card(world, number, COMMUNE_CHAT, COMMUNE_CARD)
    mark = await world.mark()
    await world.actions.take(number, official(COMMUNE_CADRE, "<b>Hà</b> & co"))
    [taken] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert "Đang xử lý: &lt;b&gt;Hà&lt;/b&gt; &amp; co" in taken.payload["text"]


async def test_a_card_left_behind_by_a_move_says_where_it_went_and_stays_so(world: World) -> None:
    number = await world.report()
    await show_card(world, number, COMMUNE_CHAT, COMMUNE_CARD)
    await world.actions.take(number, CADRE)

    mark = await world.mark()
    await world.actions.reassign(number, CADRE, "vinh-tuong-water")
    [moved] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert "Đã chuyển sang Tổ nước sạch xã Vĩnh Tường" in moved.payload["text"]
    assert "reply_markup" not in moved.payload
    assert "Đang xử lý:" not in moved.payload["text"], "nobody holds it in the new unit yet"
    async with world.core.unit_of_work() as work:
        link = await work.session.get(MessageLink, (COMMUNE_CHAT, COMMUNE_CARD))
        assert link is not None and link.kind == LinkKind.MOVED_CARD
        assert (await work.tickets.ticket_by_link(COMMUNE_CHAT, COMMUNE_CARD)) is not None, (
            "replies still work"
        )

    await show_card(world, number, WATER_CHAT, WATER_CARD)
    mark = await world.mark()
    await world.actions.take(number, official(WATER_CADRE, "Cán bộ nước"))
    [taken] = await edits(world, WATER_CHAT, WATER_CARD, mark)
    assert "Đang xử lý: Cán bộ nước" in taken.payload["text"]
    assert await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark) == []


async def test_a_retag_in_place_shows_the_new_topic(world: World) -> None:
    number = await world.report()
    await show_card(world, number, COMMUNE_CHAT, COMMUNE_CARD)
    mark = await world.mark()
    await world.actions.retag_topic(number, CADRE, "environment")
    [retagged] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert "Chủ đề: Môi trường" in retagged.payload["text"]
    assert buttons(retagged) == [TAKE, MOVE, DONE]


async def test_a_withdrawn_ticket_keeps_no_buttons(world: World) -> None:
    number = await world.report()
    await show_card(world, number, COMMUNE_CHAT, COMMUNE_CARD)
    mark = await world.mark()
    citizen = CitizenTicketService(world.core, world.actions.forwarding)
    await citizen.cancel(number, LAN, LAN, "vi")
    [withdrawn] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert "Trạng thái: đã rút lại" in withdrawn.payload["text"]
    assert "reply_markup" not in withdrawn.payload


async def test_the_duplicate_suggestion_stays_on_a_refreshed_card(world: World) -> None:
    first = await world.report()
    second = await world.report()
    await show_card(world, second, COMMUNE_CHAT, COMMUNE_CARD)
    mark = await world.mark()
    await world.actions.take(second, CADRE)
    [taken] = await edits(world, COMMUNE_CHAT, COMMUNE_CARD, mark)
    assert f"trùng #{first}" in taken.payload["text"]
    assert f"🔁 Gộp với #{first}" in buttons(taken)
