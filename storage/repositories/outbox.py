"""The outbox table: Bot API calls owed because of state changes, and their delivery bookkeeping.

Services call :meth:`OutboxRepository.enqueue` inside the transaction that changes state; the outbox
worker (``bot.outbox``) uses the rest. A chat's rows are delivered in id order: only a chat's *head*
(its lowest ``pending`` row, while none of its rows is ``sending``) may be claimed, and the claim is a
conditional UPDATE, so among several instances exactly one wins a row and a chat is never sent to by
two instances at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Citizen,
    MessageLink,
    OutboxMessage,
    OutboxStatus,
    StaffChat,
    Ticket,
    TicketThread,
    Unit,
    utcnow,
)

TOPIC_NAME_MAX = 128
ERROR_MAX = 500
_RESERVED_KEYS = frozenset({"chat_id", "message_thread_id"})
_UNSETTLED = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def _is_head() -> ColumnElement[bool]:
    """True for a pending row that no earlier unsettled row of its chat, nor any sending row, holds back."""
    other = aliased(OutboxMessage)
    blocker = exists().where(
        other.chat_id == OutboxMessage.chat_id,
        or_(
            other.status == OutboxStatus.SENDING,
            and_(other.status == OutboxStatus.PENDING, other.id < OutboxMessage.id),
        ),
    )
    return and_(OutboxMessage.status == OutboxStatus.PENDING, ~blocker)


def _error(text: str) -> str:
    return text[:ERROR_MAX]


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- for services -------------------------------------------------------------------------------

    async def enqueue(
        self,
        chat_id: int,
        method: str,
        payload: dict[str, Any],
        *,
        ticket_id: int | None = None,
        link_kind: str | None = None,
        in_ticket_thread: bool = False,
        topic_name: str | None = None,
    ) -> OutboxMessage:
        """Owe a Bot API call (``method`` is its name, e.g. "sendMessage"; ``payload`` its params).

        ``chat_id`` and ``message_thread_id`` are not part of ``payload``: the worker sets them. With
        ``in_ticket_thread`` the message goes to the ticket's forum topic when the chat is a forum; the
        topic is created with ``topic_name`` if the ticket has none there yet.
        """
        reserved = _RESERVED_KEYS & payload.keys()
        if reserved:
            raise ValueError(f"payload must not contain {sorted(reserved)}")
        if in_ticket_thread and ticket_id is None:
            raise ValueError("in_ticket_thread needs a ticket_id")
        row = OutboxMessage(
            chat_id=chat_id,
            method=method,
            payload=payload,
            ticket_id=ticket_id,
            link_kind=link_kind,
            in_ticket_thread=in_ticket_thread,
            topic_name=topic_name[:TOPIC_NAME_MAX] if topic_name else None,
            status=OutboxStatus.PENDING,
            attempts=0,
            not_before=utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return row

    # --- for the worker: choosing and claiming ------------------------------------------------------

    async def due_heads(
        self, now: datetime, *, exclude_chats: Sequence[int] = (), limit: int = 100
    ) -> list[OutboxMessage]:
        """The head row of every chat whose head is due, oldest first."""
        query = select(OutboxMessage).where(_is_head(), OutboxMessage.not_before <= now)
        if exclude_chats:
            query = query.where(OutboxMessage.chat_id.not_in(list(exclude_chats)))
        result = await self.session.scalars(query.order_by(OutboxMessage.id).limit(limit))
        return list(result)

    async def next_head_due_at(self, *, exclude_chats: Sequence[int] = ()) -> datetime | None:
        """When the earliest chat head becomes due (None when nothing is pending)."""
        query = select(func.min(OutboxMessage.not_before)).where(_is_head())
        if exclude_chats:
            query = query.where(OutboxMessage.chat_id.not_in(list(exclude_chats)))
        return await self.session.scalar(query)

    async def count_unsettled(self) -> int:
        """Rows still pending or being sent."""
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(_UNSETTLED))
        return int(await self.session.scalar(query) or 0)

    async def claim_next(self, chat_id: int, now: datetime, instance: str) -> OutboxMessage | None:
        """Claim the chat's head row if it is due; None when it is not due or another worker won it."""
        query = select(OutboxMessage.id).where(
            OutboxMessage.chat_id == chat_id, _is_head(), OutboxMessage.not_before <= now
        )
        row_id = await self.session.scalar(query.order_by(OutboxMessage.id).limit(1))
        return None if row_id is None else await self.claim(row_id, now, instance)

    async def claim(self, row_id: int, now: datetime, instance: str) -> OutboxMessage | None:
        """Mark the row ``sending`` if it is still its chat's due head; None when someone else won it."""
        query = (
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.not_before <= now, _is_head())
            .values(status=OutboxStatus.SENDING, claimed_by=instance, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(query)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await self.session.get(OutboxMessage, row_id, populate_existing=True)

    # --- for the worker: outcomes -------------------------------------------------------------------

    async def mark_sent(self, row_id: int, message_ids: Sequence[int]) -> None:
        """The call succeeded: record it and link every resulting message to the row's ticket."""
        row = await self._get(row_id)
        row.status = OutboxStatus.SENT
        row.sent_at = utcnow()
        row.last_error = None
        row.result_message_id = message_ids[0] if message_ids else None
        if row.ticket_id is None or row.link_kind is None:
            return
        for message_id in message_ids:
            await self.session.merge(
                MessageLink(
                    chat_id=row.chat_id, message_id=message_id, ticket_id=row.ticket_id, kind=row.link_kind
                )
            )

    async def reschedule(self, row_id: int, not_before: datetime, error: str, *, count_attempt: bool) -> None:
        """Put the row back to ``pending`` until ``not_before``; ``count_attempt`` feeds the backoff."""
        row = await self._get(row_id)
        row.status = OutboxStatus.PENDING
        row.not_before = not_before
        row.last_error = _error(error)
        row.claimed_by = None
        row.claimed_at = None
        if count_attempt:
            row.attempts += 1

    async def release(self, row_id: int) -> None:
        """Give a claimed row back untouched (no request was made for it)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
            .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )

    async def mark_failed(self, row_id: int, error: str) -> None:
        row = await self._get(row_id)
        row.status = OutboxStatus.FAILED
        row.last_error = _error(error)

    async def mark_uncertain(self, row_id: int, error: str) -> None:
        """The request may or may not have reached Telegram: never resend it, leave it for admins."""
        row = await self._get(row_id)
        row.status = OutboxStatus.UNCERTAIN
        row.last_error = _error(error)

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> list[OutboxMessage]:
        """Fail every pending row of a chat (e.g. the user blocked the bot); returns them."""
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING
        )
        rows = list(await self.session.scalars(query))
        for row in rows:
            row.status = OutboxStatus.FAILED
            row.last_error = _error(error)
        return rows

    async def mark_stale_uncertain(self, *, claimed_by: str | None, claimed_before: datetime) -> list[int]:
        """Rows left ``sending`` by a dead worker become ``uncertain``: by ``claimed_by`` (any age), or by
        anyone before ``claimed_before``. Returns their ids."""
        stale = OutboxMessage.claimed_at < claimed_before
        if claimed_by is not None:
            stale = or_(OutboxMessage.claimed_by == claimed_by, stale)
        query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING, stale)
        rows = list(await self.session.scalars(query))
        for row in rows:
            row.status = OutboxStatus.UNCERTAIN
            row.last_error = "left in 'sending' by a stopped worker: may or may not have been delivered"
        return [row.id for row in rows]

    async def _get(self, row_id: int) -> OutboxMessage:
        row = await self.session.get(OutboxMessage, row_id, populate_existing=True)
        if row is None:
            raise LookupError(f"outbox row {row_id} is gone")
        return row

    # --- what delivery needs to know about chats, tickets and citizens ------------------------------

    async def is_forum(self, chat_id: int) -> bool | None:
        """Whether the staff chat is a forum; None when the chat is not known yet."""
        chat = await self.session.get(StaffChat, chat_id)
        return None if chat is None else chat.is_forum

    async def remember_staff_chat(self, chat_id: int, *, is_forum: bool, title: str) -> None:
        chat = await self.session.get(StaffChat, chat_id)
        if chat is None:
            self.session.add(StaffChat(chat_id=chat_id, is_forum=is_forum, title=title[:255]))
        else:
            chat.is_forum, chat.title = is_forum, title[:255]

    async def mark_not_forum(self, chat_id: int) -> None:
        chat = await self.session.get(StaffChat, chat_id)
        if chat is not None:
            chat.is_forum = False

    async def ticket_thread(self, ticket_id: int, chat_id: int) -> int | None:
        query = select(TicketThread.thread_id).where(
            TicketThread.ticket_id == ticket_id, TicketThread.chat_id == chat_id
        )
        return await self.session.scalar(query)

    async def save_ticket_thread(self, ticket_id: int, chat_id: int, thread_id: int) -> None:
        self.session.add(TicketThread(chat_id=chat_id, thread_id=thread_id, ticket_id=ticket_id))

    async def forget_ticket_thread(self, ticket_id: int, chat_id: int) -> None:
        thread = await self.session.scalar(
            select(TicketThread).where(TicketThread.ticket_id == ticket_id, TicketThread.chat_id == chat_id)
        )
        if thread is not None:
            await self.session.delete(thread)

    async def staff_chat_of_ticket(self, ticket_id: int) -> int | None:
        query = (
            select(Unit.staff_chat_id).join(Ticket, Ticket.unit_id == Unit.id).where(Ticket.id == ticket_id)
        )
        return await self.session.scalar(query)

    async def mark_citizen_unreachable(self, user_id: int) -> None:
        citizen = await self.session.get(Citizen, user_id)
        if citizen is not None:
            citizen.unreachable = True
