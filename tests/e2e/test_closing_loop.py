"""Closing the loop end to end: the citizen's Yes / No and rating by button, /status and /cancel."""

from __future__ import annotations

from typing import Any

from bot.app import Application
from bot.keyboards import Verdict
from bot.services.closing import ask_for_verdict
from sandbox.driver import Sandbox
from sandbox.people import Person
from storage.models import Ticket, TicketStatus, utcnow
from tests.e2e.harness import WAIT, World, text_of

LAMP = "Đèn đường thôn 2 xã Hội Sơn, huyện Anh Sơn hỏng mấy hôm nay, buổi tối đi lại rất tối."


async def resolve(app: Application, number: int) -> None:
    """What an official's /done does (another part of the workflow): resolved, and the question asked."""
    async with app.core.unit_of_work() as work:
        ticket = await work.tickets.get(number)
        assert ticket is not None
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = utcnow()
        await ask_for_verdict(work, app.services.forwarding, ticket)
    app.core.wake_outbox()


async def ticket(app: Application, number: int) -> Ticket:
    async with app.core.unit_of_work() as work:
        found = await work.tickets.get(number)
        assert found is not None
        return found


async def press(sb: Sandbox, person: Person, message: dict[str, Any], text: str) -> dict[str, Any]:
    """Press a button and wait for the bot's answer to that press."""
    query = await person.press(message, text)
    await sb.wait_for("answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == query["id"])
    answer = sb.callback_answer(query)
    assert answer is not None
    return answer


async def forge(sb: Sandbox, person: Person, message: dict[str, Any], data: str) -> dict[str, Any]:
    """A forged callback query on a message the person sees; the bot's answer to it."""
    query = await person.press_forged(message, data)
    await sb.wait_for("answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == query["id"])
    answer = sb.callback_answer(query)
    assert answer is not None
    return answer


async def test_yes_closes_and_the_rating_is_stored(sb: Sandbox, world: World, app: Application) -> None:
    await world.lan.say(world.dm_lan, LAMP)
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    await resolve(app, 1)
    question = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "đã được giải quyết chưa" in text_of(c)
    )

    answer = await press(sb, world.lan, question.result, "✅ Đã giải quyết")
    assert "Cảm ơn" in str(answer.get("text"))
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "xác nhận phản ánh #1" in text_of(c)
    )
    closed = await ticket(app, 1)
    assert closed.status == TicketStatus.CLOSED and closed.citizen_resolved is True

    answer = await press(sb, world.lan, question.result, "⭐⭐⭐⭐")
    assert "chấm điểm" in str(answer.get("text"))
    rated = await ticket(app, 1)
    assert rated.rating == 4 and rated.rated_at is not None


async def test_no_reopens_and_escalates_only_for_the_author(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.village, "/hoi Đèn đường thôn 2 hỏng mấy hôm nay, buổi tối đi lại rất tối.")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    await resolve(app, 1)
    question = await sb.wait_for(
        "sendMessage", chat=world.village, where=lambda c: "đã được giải quyết chưa" in text_of(c)
    )

    refused = await press(sb, world.stranger, question.result, "❌ Chưa")
    assert "Chỉ người gửi" in str(refused.get("text")) and refused.get("show_alert")
    refused = await press(sb, world.minh, question.result, "⭐")
    assert refused.get("show_alert")
    forged = await forge(
        sb, world.stranger, question.result, Verdict(ticket_id=1, kind="resolved", value=0).pack()
    )
    assert forged.get("show_alert")
    untouched = await ticket(app, 1)
    assert untouched.status == TicketStatus.RESOLVED and untouched.rating is None
    assert untouched.escalation_level == 0

    await press(sb, world.lan, question.result, "❌ Chưa")
    escalated = await sb.wait_for(
        "sendMessage", chat=world.province_staff, where=lambda c: "CHƯA được giải quyết" in text_of(c)
    )
    assert "#1" in text_of(escalated)
    await sb.wait_for("sendMessage", chat=world.province_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    told = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "mở lại" in text_of(c))
    assert "#1" in text_of(told)
    reopened = await ticket(app, 1)
    assert reopened.status == TicketStatus.ASSIGNED and reopened.escalation_level == 1
    assert reopened.citizen_resolved is False


async def test_status_and_cancel_work_on_own_tickets_only(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, LAMP)
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))

    await world.lan.say(world.dm_lan, "/status 1")
    status = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trạng thái" in text_of(c))
    assert "Phản ánh #1" in text_of(status) and "UBND xã Vĩnh Tường" in text_of(status)
    assert "Chưa có trả lời" in text_of(status)

    await world.minh.say(world.dm_minh, "/status 1")
    refused = await sb.wait_for("sendMessage", chat=world.dm_minh, timeout=WAIT)
    assert "You have no reflection #1" in text_of(refused) and "Vĩnh Tường" not in text_of(refused)
    await world.minh.say(world.dm_minh, "/cancel 1")
    refused = await sb.wait_for("sendMessage", chat=world.dm_minh, timeout=WAIT)
    assert "You have no reflection #1" in text_of(refused)
    assert (await ticket(app, 1)).status == TicketStatus.FORWARDED

    await world.lan.say(world.dm_lan, "/cancel 1")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Đã rút phản ánh #1" in text_of(c))
    await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "rút phản ánh #1" in text_of(c)
    )
    assert (await ticket(app, 1)).status == TicketStatus.CANCELLED

    await world.lan.say(world.dm_lan, "/cancel 1")
    again = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "Không rút được" in text_of(c)
    )
    assert "#1" in text_of(again)
