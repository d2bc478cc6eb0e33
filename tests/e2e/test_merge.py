"""Duplicates end to end: "có thể trùng #N" on the card, merging by button and by /merge, and the answer
to the main ticket reaching every citizen who raised the problem."""

from __future__ import annotations

from bot.app import Application
from sandbox.calls import Call
from sandbox.driver import Sandbox
from storage.models import TicketStatus
from tests.e2e.harness import World, text_of
from tests.e2e.test_closing_loop import LAMP, press, ticket

LAMP_AGAIN = "/hoi Đèn đường ở thôn 2 bị hỏng cả tuần rồi, tối đi lại nguy hiểm lắm."
POLE = "/hoi Cột điện ở xóm 4 bị nghiêng sắp đổ, dây điện võng thấp."


async def test_a_duplicate_is_suggested_merged_by_button_and_both_citizens_get_the_answer(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, LAMP)
    first = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    original = await world.minh.say(world.village, LAMP_AGAIN)
    second = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #2" in text_of(c)
    )
    assert "có thể trùng #1" in text_of(second).lower()

    refused = await press(sb, world.stranger, second.result, "🔁 Gộp với #1")
    assert refused.get("show_alert") and "Chỉ cán bộ" in str(refused.get("text"))
    assert (await ticket(app, 2)).status == TicketStatus.FORWARDED

    done = await press(sb, world.commune_cadre, second.result, "🔁 Gộp với #1")
    assert "Đã gộp #2 vào #1" in str(done.get("text"))
    told = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "merged" in text_of(c))
    assert "#2" in text_of(told) and "#1" in text_of(told), "Minh reads English"
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Số người dân cùng phản ánh: 2" in text_of(c)
    )
    merged = await ticket(app, 2)
    assert merged.status == TicketStatus.MERGED and merged.merged_into_id == 1

    await world.commune_cadre.reply(
        world.commune_staff, to=first.result, text="Chiều nay thợ điện sẽ thay bóng."
    )
    to_lan = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "Chiều nay thợ điện sẽ thay bóng." in text_of(c)
    )
    assert "#1" in text_of(to_lan)
    to_minh = await sb.wait_for(
        "sendMessage", chat=world.village, where=lambda c: "Chiều nay thợ điện sẽ thay bóng." in text_of(c)
    )
    assert "#2" in text_of(to_minh)
    assert to_minh.params["reply_parameters"]["message_id"] == original["message_id"]


async def test_no_suggestion_for_a_different_problem(sb: Sandbox, world: World, app: Application) -> None:
    await world.lan.say(world.dm_lan, LAMP)
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    await world.minh.say(world.village, POLE)
    second = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #2" in text_of(c)
    )
    assert "trùng" not in text_of(second)
    markup = second.params.get("reply_markup", {})
    assert "Gộp" not in str(markup)


async def lamp_cards(sb: Sandbox, world: World) -> tuple[Call, Call]:
    """Lan's broken lamp (#1, private chat) and Minh's near-copy in the village group (#2): their cards."""
    await world.lan.say(world.dm_lan, LAMP)
    first = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    await world.minh.say(world.village, LAMP_AGAIN)
    second = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #2" in text_of(c)
    )
    return first, second


async def test_merge_by_command_and_illegal_merges(sb: Sandbox, world: World, app: Application) -> None:
    _, second = await lamp_cards(sb, world)
    await world.lan.say(world.village, POLE)
    third = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #3" in text_of(c)
    )
    async with app.core.unit_of_work() as work:
        closed = await work.tickets.get(3)
        assert closed is not None
        closed.status = TicketStatus.CLOSED

    await world.commune_cadre.say(world.commune_staff, "/merge 1")
    usage = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Cách dùng" in text_of(c)
    )
    assert "/merge" in text_of(usage)
    await world.commune_cadre.reply(world.commune_staff, to=second.result, text="/merge 2")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "chính nó" in text_of(c))
    await world.commune_cadre.reply(world.commune_staff, to=second.result, text="/merge 3")
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không gộp vào #3" in text_of(c)
    )
    await world.stranger.reply(world.commune_staff, to=second.result, text="/merge 1")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Chỉ cán bộ" in text_of(c))
    assert (await ticket(app, 2)).status == TicketStatus.FORWARDED

    await world.commune_cadre.reply(world.commune_staff, to=second.result, text="/merge 1")
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Số người dân cùng phản ánh: 2" in text_of(c)
    )
    assert (await ticket(app, 2)).merged_into_id == 1

    await world.commune_cadre.reply(world.commune_staff, to=second.result, text="/merge 1")
    again = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không gộp #2" in text_of(c)
    )
    assert "gộp" in text_of(again)
    await world.commune_cadre.reply(world.commune_staff, to=third.result, text="/merge 1")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Không gộp #3" in text_of(c))
