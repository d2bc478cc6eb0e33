"""/status and /cancel: only on the citizen's own tickets."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.citizen_tickets import CancelResult
from storage.models import TicketMessage, TicketStatus
from tests.closing.conftest import LAMP, Closing, texts
from tests.support.org import COMMUNE_CADRE, COMMUNE_CHAT, LAN, MINH


async def test_status_shows_the_state_unit_and_last_answer_to_the_author_only(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    text = await closing.citizen_tickets.status(number, LAN, "vi")
    assert f"Phản ánh #{number}" in text and "UBND xã Vĩnh Tường" in text and "Chưa có trả lời" in text

    async with closing.core.unit_of_work() as work:
        await work.tickets.add_message(
            TicketMessage(
                ticket_id=number,
                role="answer",
                chat_id=COMMUNE_CHAT,
                message_id=77,
                author_id=COMMUNE_CADRE,
                text="Tuần sau sẽ thay bóng <đèn>.",
                created_at=datetime.now(UTC),
            )
        )
    text = await closing.citizen_tickets.status(number, LAN, "en")
    assert "Tuần sau sẽ thay bóng &lt;đèn&gt;." in text and "Last answer" in text

    refused = await closing.citizen_tickets.status(number, MINH, "en")
    assert f"You have no reflection #{number}" in refused and "Vĩnh Tường" not in refused
    assert "You have no reflection #999" in await closing.citizen_tickets.status(999, LAN, "en")


async def test_cancel_withdraws_the_own_open_ticket_and_tells_the_unit(closing: Closing) -> None:
    number = await closing.report(LAN, LAMP)
    mark = await closing.last_outbox_id()

    refused = await closing.citizen_tickets.cancel(number, MINH, MINH, "vi")
    assert refused.result is CancelResult.NOT_YOURS
    assert (await closing.ticket(number)).status == TicketStatus.FORWARDED

    done = await closing.citizen_tickets.cancel(number, LAN, LAN, "vi")
    assert done.result is CancelResult.CANCELLED
    assert (await closing.ticket(number)).status == TicketStatus.CANCELLED
    assert "cancelled" in await closing.actions(number)
    [staff] = texts(await closing.outbox(COMMUNE_CHAT, since=mark))
    assert f"#{number}" in staff and "rút" in staff
    [told] = texts(await closing.outbox(LAN, since=mark))
    assert f"#{number}" in told

    again = await closing.citizen_tickets.cancel(number, LAN, LAN, "en")
    assert again.result is CancelResult.REFUSED and "withdrew" in again.text
