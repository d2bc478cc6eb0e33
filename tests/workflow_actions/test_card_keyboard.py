"""The card's buttons follow the state table; callback data stays within Telegram's 64 bytes."""

from __future__ import annotations

from bot.keyboards import StaffAction, card_keyboard, move_keyboard
from storage.models import Ticket, TicketStatus


def labels(ticket: Ticket) -> list[str]:
    markup = card_keyboard(ticket, "en")
    return [] if markup is None else [button.text for row in markup.inline_keyboard for button in row]


def test_buttons_follow_the_state() -> None:
    ticket = Ticket(id=7, status=TicketStatus.FORWARDED)
    assert labels(ticket) == ["🙋 Take", "↪️ Reassign", "✅ Done"]
    ticket.status = TicketStatus.ASSIGNED
    assert labels(ticket) == ["↪️ Reassign", "✅ Done"]
    ticket.status = TicketStatus.ANSWERED
    assert labels(ticket) == ["✅ Done"]
    for final in (TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.MERGED):
        ticket.status = final
        assert labels(ticket) == []


def test_move_buttons_leave_out_ids_too_long_for_callback_data() -> None:
    markup = move_keyboard(7, [("nghe-an", "Tỉnh"), ("x" * 70, "Too long")])
    [[only]] = markup.inline_keyboard
    assert only.text == "Tỉnh"
    assert StaffAction.unpack(only.callback_data or "") == StaffAction(
        ticket_id=7, action="move_to", value="nghe-an"
    )
