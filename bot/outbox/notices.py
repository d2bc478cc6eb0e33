"""What staff are told when a citizen cannot be reached, and the default way of telling them.

The worker calls an :data:`UnreachableHook` inside the transaction that fails the undeliverable rows, so
whatever it enqueues is committed with them. Pass another hook to ``OutboxWorker(on_blocked=...)`` to
change how the notice is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage.models import LinkKind
from storage.repositories.outbox import OutboxRepository

BLOCKED_NOTICE = "⚠️ Không gửi được tin cho công dân (phản ánh #{ticket_id}): công dân đã chặn bot."


@dataclass(frozen=True)
class UnreachableCitizen:
    """A private chat that refused delivery, and the tickets whose messages to it were failed."""

    user_id: int
    ticket_ids: tuple[int, ...]
    reason: str


UnreachableHook = Callable[[OutboxRepository, UnreachableCitizen], Awaitable[None]]


def blocked_notice_text(ticket_id: int) -> str:
    return BLOCKED_NOTICE.format(ticket_id=ticket_id)


async def notify_staff(outbox: OutboxRepository, citizen: UnreachableCitizen) -> None:
    """Enqueue one notice per ticket, in that ticket's thread of its unit's staff chat."""
    for ticket_id in citizen.ticket_ids:
        staff_chat = await outbox.staff_chat_of_ticket(ticket_id)
        if staff_chat is None:
            continue
        await outbox.enqueue(
            staff_chat,
            "sendMessage",
            {"text": blocked_notice_text(ticket_id)},
            ticket_id=ticket_id,
            link_kind=LinkKind.NOTICE,
            in_ticket_thread=True,
            topic_name=f"#{ticket_id}",
        )
